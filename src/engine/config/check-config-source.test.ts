/** config_source: its keys, defaults and cross-field rules, as check-config reports them. */
import { describe, expect, test } from 'vitest';
import type { ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';

function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error('expected errors, got a valid config');
  return result.errors.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('config_source', () => {
  test('etcd with auth and TLS, and consul, are built with their defaults', () => {
    const etcd = parseConfig(
      'config_source:\n  etcd:\n    endpoints: [https://etcd:2379]\n    username: gw\n    password: ${P}\n    tls: { ca_file: /ca.pem, cert_file: /c.pem, key_file: /k.pem }\n',
      { env: { P: 'secret' } },
    );
    expect(etcd.ok && etcd.config.configSource).toEqual({
      etcd: {
        endpoints: ['https://etcd:2379'],
        prefix: '/liter-llm/',
        username: 'gw',
        password: 'secret',
        tls: { caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' },
      },
    });
    const consul = parseConfig('config_source:\n  consul:\n    address: http://consul:8500/\n    token: " t0k "\n', { env: {} });
    expect(consul.ok && consul.config.configSource).toEqual({
      consul: { address: 'http://consul:8500', prefix: 'liter-llm/', token: 't0k' },
    });
  });

  test('refuses two stores, half credentials, a client certificate without its key, TLS without a CA', () => {
    const text =
      'config_source:\n  etcd:\n    endpoints: [http://e:2379]\n    username: gw\n    tls: { cert_file: /c.pem }\n  consul:\n    address: http://c:8500\n';
    expect(errorsOf(parseConfig(text, { env: {} }))).toEqual([
      'config_source.etcd.password: is required when username is set',
      'config_source.etcd.tls.key_file: is required with a client certificate (cert_file and key_file go together)',
      'config_source.etcd.tls.ca_file: is required with tls: the CA that signed the etcd server certificate (for a publicly trusted one, leave tls out)',
      'config_source.consul: choose one store: config_source.etcd is set too',
    ]);
  });

  test('never echoes a password or a token', () => {
    const errors = errorsOf(
      parseConfig(
        'config_source:\n  etcd:\n    endpoints: [http://e:2379]\n    username: gw\n    password: 12345\n  consul:\n    address: x\n    token: 99999\n',
        {
          env: {},
        },
      ),
    ).join('\n');
    expect(errors).toContain('config_source.etcd.password: expected a string');
    expect(errors).toContain('config_source.consul.address: expected an http:// or https:// URL, got "x"');
    expect(errors).not.toMatch(/12345|99999/);
  });
});
