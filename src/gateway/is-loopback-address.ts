import { isIPv4 } from 'node:net';

/**
 * 127.0.0.0/8 (also IPv4-mapped, `::ffff:127.0.0.1`), `::1` in either spelling, and `localhost`:
 * an address only this machine can reach. One definition for the start-up line, the "no
 * authentication" warning and the DNS-rebinding check, so they agree on what loopback is.
 */
export function isLoopbackAddress(address: string): boolean {
  const host = address.toLowerCase();
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return isIPv4(ipv4) && ipv4.startsWith('127.');
}
