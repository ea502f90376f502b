import { isIP } from 'node:net';
import { GatewayHTTPError } from './gateway-http-error.js';
import { isLoopbackAddress } from './is-loopback-address.js';
import { quoteHeaderValue } from './quote-header-value.js';

/**
 * The DNS rebinding defence. A web page on `attacker.example` can point that name at 127.0.0.1 and
 * then call a gateway on loopback as if it were same-origin, reading its answers; its requests always
 * carry `Host: attacker.example`. So when the gateway is bound to a loopback address, or the operator
 * listed `server.allowed_hosts`, a request is answered only when its Host (port ignored) is an IP
 * address, `localhost`, or one of the allowed names: `name`, `.name` (the name and its subdomains),
 * or `*` (any). An IP address is never a rebinding (the page would be on that address already), and
 * accepting it keeps orchestrator probes working, which address a pod by IP. A request without a
 * Host (HTTP/1.0) is not from a browser and passes. Throws a 403 in the endpoint's error format.
 */
export function checkHostHeader(
  host: string | undefined,
  boundAddress: string | undefined,
  allowedHosts: readonly string[],
): void {
  if (host === undefined || host === '') return;
  const loopback = boundAddress !== undefined && isLoopbackAddress(boundAddress);
  if (!loopback && allowedHosts.length === 0) return;
  const name = stripPort(host).toLowerCase();
  if (name === 'localhost' || isIP(name) !== 0) return;
  for (const allowed of allowedHosts) {
    const entry = allowed.toLowerCase();
    if (entry === '*' || entry === name) return;
    if (entry.startsWith('.') && (name.endsWith(entry) || name === entry.slice(1))) return;
  }
  const why = loopback ? `the gateway is bound to the loopback address ${boundAddress}` : 'server.allowed_hosts is set';
  throw new GatewayHTTPError({
    status: 403,
    type: 'permission_error',
    code: 'host_not_allowed',
    message:
      `the Host header ${quoteHeaderValue(host)} is not allowed: ${why}, so it answers only requests addressed to an IP address, ` +
      'localhost or a name in server.allowed_hosts (a web page using DNS rebinding sends its own name); ' +
      'behind a proxy that forwards another name, add it to server.allowed_hosts',
    retryable: false,
  });
}

/** `127.0.0.1:8080` → `127.0.0.1`, `[::1]:8080` → `::1`, `localhost` as it is. */
function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(1, end);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
