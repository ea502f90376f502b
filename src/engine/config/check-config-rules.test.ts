/** The server section's cross-field rules, through parseConfig and validateConfigInput (paths in each style). */
import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';
import { validateConfigInput } from './validate-config-input.js';

function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected errors, got a valid config');
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('server timeouts, connections and allowed hosts', () => {
  test('are applied as written', () => {
    const text =
      'server:\n  headers_timeout_ms: 5000\n  request_timeout_ms: 60000\n  max_connections: 100\n  allowed_hosts: [ gateway.internal, .example.com, "*" ]\n';
    const result = parseConfig(text, { env: {} });
    expect(result.ok && result.config.server).toMatchObject({
      headersTimeoutMs: 5000,
      requestTimeoutMs: 60_000,
      maxConnections: 100,
      allowedHosts: ['gateway.internal', '.example.com', '*'],
    });
  });

  test('a header timeout longer than the request timeout is refused, counting the default', () => {
    expect(errorsOf(parseConfig('server:\n  headers_timeout_ms: 40000\n', { env: {} }))).toEqual([
      'server.headers_timeout_ms: cannot be longer than server.request_timeout_ms (30000): the headers are part of the request',
    ]);
    expect(errorsOf(validateConfigInput({ server: { headersTimeoutMs: 2000, requestTimeoutMs: 1000 } }))[0]).toMatch(
      /^server\.headersTimeoutMs: cannot be longer than server\.request_timeout_ms \(1000\)/,
    );
  });

  test('zero, fractions and text are refused with their path', () => {
    const text = 'server:\n  headers_timeout_ms: 0\n  request_timeout_ms: 1.5\n  max_connections: many\n';
    expect(errorsOf(parseConfig(text, { env: {} }))).toEqual([
      'server.headers_timeout_ms: expected a positive integer, got 0',
      'server.request_timeout_ms: expected a positive integer, got 1.5',
      'server.max_connections: expected a positive integer, got "many"',
    ]);
  });

  test('an allowed host written as a URL or with a port is refused, naming the entry', () => {
    const text = 'server:\n  allowed_hosts: [ ok.example, "https://gateway.example", "gateway.example:8080", "" ]\n';
    expect(errorsOf(parseConfig(text, { env: {} }))).toEqual([
      'server.allowed_hosts[1]: expected a host name such as gateway.example.com, .example.com (and its subdomains) or *, without scheme, port or path',
      'server.allowed_hosts[2]: expected a host name such as gateway.example.com, .example.com (and its subdomains) or *, without scheme, port or path',
      'server.allowed_hosts[3]: expected a non-empty string, got ""',
    ]);
  });
});
