import { describe, expect, it } from 'vitest';
import { checkHostHeader } from './check-host-header.js';
import { GatewayHTTPError } from './gateway-http-error.js';

function verdict(host: string | undefined, boundAddress: string | undefined, allowedHosts: string[] = []): number {
  try {
    checkHostHeader(host, boundAddress, allowedHosts);
    return 200;
  } catch (error) {
    return error instanceof GatewayHTTPError ? error.info.status : 500;
  }
}

describe('checkHostHeader', () => {
  it('checks nothing when bound beyond loopback with no allowed_hosts (the gateway is meant to be reached by any name)', () => {
    expect(verdict('anything.example', '0.0.0.0')).toBe(200);
    expect(verdict('anything.example', '10.1.2.3')).toBe(200);
    expect(verdict('anything.example', undefined)).toBe(200);
  });

  it('refuses other names on a loopback address, IPv4, IPv6 or IPv4-mapped', () => {
    for (const bound of ['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1'])
      expect(verdict('attacker.example', bound)).toBe(403);
  });

  it('with allowed_hosts, checks whatever the bound address, and still accepts IP addresses (probes address pods by IP)', () => {
    expect(verdict('liter-llm.default.svc:8080', '0.0.0.0', ['liter-llm.default.svc'])).toBe(200);
    expect(verdict('10.42.0.7:8080', '0.0.0.0', ['liter-llm.default.svc'])).toBe(200);
    expect(verdict('[fd00::7]:8080', '::', ['liter-llm.default.svc'])).toBe(200);
    expect(verdict('attacker.example', '0.0.0.0', ['liter-llm.default.svc'])).toBe(403);
    expect(verdict('attacker.example', '0.0.0.0', ['*'])).toBe(200);
  });

  it('matches names case-insensitively, a leading dot covering the name and its subdomains only', () => {
    expect(verdict('API.Example.COM', '127.0.0.1', ['.example.com'])).toBe(200);
    expect(verdict('EXAMPLE.com:443', '127.0.0.1', ['.Example.com'])).toBe(200);
    expect(verdict('notexample.com', '127.0.0.1', ['.example.com'])).toBe(403);
    expect(verdict('example.com.attacker.example', '127.0.0.1', ['example.com'])).toBe(403);
  });

  it('lets a request without a Host through (HTTP/1.0; a browser always sends one)', () => {
    expect(verdict(undefined, '127.0.0.1')).toBe(200);
  });

  it('names the refused header, bounded and printable, and the key to change', () => {
    try {
      checkHostHeader(`evil\u0000${'x'.repeat(500)}`, '127.0.0.1', []);
      expect.unreachable();
    } catch (error) {
      const info = (error as GatewayHTTPError).info;
      expect(info).toMatchObject({ status: 403, code: 'host_not_allowed', retryable: false });
      expect(info.message).toContain('"evil?xxx');
      expect(info.message).toContain('server.allowed_hosts');
      expect(info.message.length).toBeLessThan(500);
    }
  });
});
