import { describe, expect, it } from 'vitest';
import { nextConsulIndex } from './next-consul-index.js';

describe('nextConsulIndex (Consul blocking-query rules)', () => {
  it('follows the index forward', () => {
    expect(nextConsulIndex(0, 7)).toBe(7);
    expect(nextConsulIndex(7, 7)).toBe(7);
    expect(nextConsulIndex(7, 9)).toBe(9);
  });
  it('resets to 0 when the index goes backwards', () => {
    expect(nextConsulIndex(9, 3)).toBe(0);
  });
  it('never blocks on an index below 1 (or none)', () => {
    expect(nextConsulIndex(5, 0)).toBe(1);
    expect(nextConsulIndex(0, Number.NaN)).toBe(1);
    expect(nextConsulIndex(0, -4)).toBe(1);
  });
});
