import { describe, expect, it } from 'vitest';
import { findDeepNestingInJSON } from './find-deep-nesting-in-json.js';

describe('findDeepNestingInJSON', () => {
  it('names the path in small and large texts alike', () => {
    const padding = 'p'.repeat(70 * 1024);
    for (const pad of ['', padding]) {
      const deep = `{"pad":"${pad}","a":[${'['.repeat(70)}${']'.repeat(70)}]}`;
      expect(findDeepNestingInJSON(deep, JSON.parse(deep))).toMatch(/^a\[0\](\[0\])+/);
      const shallow = `{"pad":"${pad}","a":[[[1,2,3]]]}`;
      expect(findDeepNestingInJSON(shallow, JSON.parse(shallow))).toBeUndefined();
    }
  });
});
