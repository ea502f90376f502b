import { describe, expect, it } from 'vitest';
import { formatListeningLine } from './format-listening-line.js';

describe('formatListeningLine', () => {
  it('says "every interface" only when the socket is bound to every interface', () => {
    expect(formatListeningLine('http://127.0.0.1:8080', { address: '0.0.0.0', family: 'IPv4', port: 8080 })).toBe(
      'liter-llm gateway listening on http://127.0.0.1:8080 (every interface, port 8080)',
    );
    expect(formatListeningLine('http://[::1]:8080', { address: '::', family: 'IPv6', port: 8080 })).toBe(
      'liter-llm gateway listening on http://[::1]:8080 (every interface, port 8080)',
    );
    expect(formatListeningLine('http://127.0.0.1:8080', { address: '127.0.0.1', family: 'IPv4', port: 8080 })).toBe(
      'liter-llm gateway listening on http://127.0.0.1:8080 (this machine only)',
    );
    expect(formatListeningLine('http://[::1]:9000', { address: '::1', family: 'IPv6', port: 9000 })).toBe(
      'liter-llm gateway listening on http://[::1]:9000 (this machine only)',
    );
    expect(formatListeningLine('http://10.0.0.5:8080', { address: '10.0.0.5', family: 'IPv4', port: 8080 })).toBe(
      'liter-llm gateway listening on http://10.0.0.5:8080',
    );
  });
});
