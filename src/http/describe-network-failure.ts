/** Where in an exchange a transport error happened: before the answer was complete, or in a stream's body. */
export type NetworkPhase = 'request' | 'stream';

/**
 * What a transport error means, as a sentence about the provider: "could not reach openai: the
 * connection to 10.0.0.5:443 was refused". Undici's and Node's codes (`UND_ERR_SOCKET`,
 * `ECONNRESET`) say nothing to most callers, so they are kept only as the detail the caller of
 * this function appends. Undefined for codes without a plain reading.
 */
export function describeNetworkFailure(provider: string, error: unknown, code: string, phase: NetworkPhase): string | undefined {
  const unreachable = (what: string) => `could not reach ${provider}: ${what}`;
  const cut = (what: string) =>
    `${provider}: the upstream ${what} ${phase === 'stream' ? 'mid-stream' : 'before the answer was complete'}`;
  switch (code) {
    case 'ECONNREFUSED':
      return unreachable(`the connection to ${addressOf(error) ?? 'its address'} was refused`);
    case 'EHOSTUNREACH':
      return unreachable(`there is no route to ${addressOf(error) ?? 'its host'}`);
    case 'ENETUNREACH':
      return unreachable('the network is unreachable');
    case 'ENOTFOUND':
      return unreachable(`${hostNameOf(error)} does not resolve`);
    case 'EAI_AGAIN':
      return unreachable(`${hostNameOf(error)} could not be resolved now (the DNS lookup failed)`);
    case 'ECONNRESET':
      return cut('reset the connection');
    case 'UND_ERR_SOCKET':
      return cut('closed the connection');
    case 'EPIPE':
      return `${provider}: the upstream closed the connection while the request was being sent`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return unreachable(`connecting to ${addressOf(error) ?? 'it'} took longer than connect_timeout_ms`);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `${provider} timed out: no response headers within first_byte_timeout_ms`;
    case 'UND_ERR_BODY_TIMEOUT':
      return phase === 'stream'
        ? `${provider} timed out: the stream sent nothing for longer than stream_idle_timeout_ms`
        : `${provider} timed out: the answer stopped arriving for longer than stream_idle_timeout_ms`;
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return `${provider}: its connection pool was closed (the provider was reconfigured, or the engine is closing)`;
    default:
      return undefined;
  }
}

function field(error: unknown, name: string): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const value = (current as Record<string, unknown>)[name];
    if (value !== undefined) return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function addressOf(error: unknown): string | undefined {
  const address = field(error, 'address');
  if (typeof address !== 'string') return undefined;
  const port = field(error, 'port');
  return typeof port === 'number' ? `${address}:${port}` : address;
}

function hostNameOf(error: unknown): string {
  const hostname = field(error, 'hostname');
  return typeof hostname === 'string' ? `the host name ${hostname}` : 'its host name';
}
