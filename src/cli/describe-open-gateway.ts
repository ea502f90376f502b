import { isIPv4 } from 'node:net';

/**
 * The warning `serve` prints when callers need no key and the gateway is reachable from other
 * machines (the default host is 0.0.0.0, for containers); undefined when there is nothing to say.
 * `address` is where the server is bound (its address(), so a host name is already resolved).
 */
export function describeOpenGateway(address: string, port: number, apiKeys: readonly string[]): string | undefined {
  if (apiKeys.length > 0 || isLoopbackAddress(address)) return undefined;
  const where = address === '0.0.0.0' || address === '::' ? `${address} (every interface)` : address;
  return (
    `no authentication: server.api_keys is not set and the gateway listens on ${where}, port ${port}, ` +
    'so anyone who can reach it can call the providers with their keys; set server.api_keys, or pass --host 127.0.0.1'
  );
}

/** 127.0.0.0/8 (also IPv4-mapped), ::1 and localhost. */
function isLoopbackAddress(address: string): boolean {
  const host = address.toLowerCase();
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const ipv4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return isIPv4(ipv4) && ipv4.startsWith('127.');
}
