import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * What the gateway reads from a request: Node's IncomingMessage satisfies it, and so does a
 * `Readable.from(...)` with the three fields added, which is how `injectRequest` drives the
 * gateway without a socket.
 */
export type GatewayRequest = Readable & {
  method?: string | undefined;
  url?: string | undefined;
  headers: IncomingHttpHeaders;
};

/**
 * What the gateway writes to: the handful of ServerResponse members it uses, kept narrow so a
 * small in-memory stand-in (see createMemoryResponse) can replace the socket in tests.
 */
export interface GatewayResponse {
  writeHead(statusCode: number, headers: OutgoingHttpHeaders): unknown;
  /** false = the socket buffer is full: wait for 'drain' before writing more. */
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  /** Closes the connection at once: for a response that cannot be written properly any more. */
  destroy?(): unknown;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'drain', listener: () => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
  readonly headersSent: boolean;
  /** end() was called. */
  readonly writableEnded: boolean;
  /** Everything was handed to the socket (set before 'close' when the response completed). */
  readonly writableFinished: boolean;
}
