import { describe, expect, it } from 'vitest';
import { isLoopbackAddress } from './is-loopback-address.js';

describe('isLoopbackAddress', () => {
  it('knows every spelling of loopback', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST']) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
  });

  it('takes nothing else for it', () => {
    for (const address of ['0.0.0.0', '::', '10.1.2.3', '128.0.0.1', '127.example.com', '::ffff:10.0.0.1', 'fe80::1', '']) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });
});
