import { describe, expect, it } from 'vitest';
import { describeOpenGateway } from './describe-open-gateway.js';

describe('describeOpenGateway', () => {
  it('warns when there are no keys and the gateway is reachable beyond loopback', () => {
    expect(describeOpenGateway('0.0.0.0', 8080, [])).toBe(
      'no authentication: server.api_keys is not set and the gateway listens on 0.0.0.0 (every interface), port 8080, ' +
        'so anyone who can reach it can call the providers with their keys; set server.api_keys, or pass --host 127.0.0.1',
    );
    expect(describeOpenGateway('::', 80, [])).toContain('listens on :: (every interface), port 80');
    for (const address of ['10.1.2.3', '192.168.0.7', 'fe80::1', '::ffff:10.0.0.1', '128.0.0.1']) {
      expect(describeOpenGateway(address, 8080, [])).toContain(`listens on ${address}, port 8080`);
    }
  });

  it('says nothing on loopback, or when callers must present a key', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1', 'localhost']) {
      expect(describeOpenGateway(address, 8080, [])).toBeUndefined();
    }
    expect(describeOpenGateway('0.0.0.0', 8080, ['gateway-key'])).toBeUndefined();
  });
});
