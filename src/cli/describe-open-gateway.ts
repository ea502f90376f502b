import { isLoopbackAddress } from '../gateway/is-loopback-address.js';

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
