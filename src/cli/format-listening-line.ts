import type { AddressInfo } from 'node:net';
import { isLoopbackAddress } from '../gateway/is-loopback-address.js';

/**
 * The start-up line of `serve`, from the address the socket is actually bound to (so `--host` and
 * `server.host` count alike). Bound to every interface, the URL shows a loopback address: the line
 * says so, or a reader would think the gateway is reachable from this machine only; bound to
 * loopback, it says that it is.
 */
export function formatListeningLine(url: string, address: AddressInfo): string {
  const line = `liter-llm gateway listening on ${url}`;
  if (address.address === '0.0.0.0' || address.address === '::') return `${line} (every interface, port ${address.port})`;
  if (isLoopbackAddress(address.address)) return `${line} (this machine only)`;
  return line;
}
