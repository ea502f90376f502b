import type { StreamEvent } from '../spec/stream-event.js';
import type { HTTPErrorInfo } from './gateway-http-error.js';

/** Turns canonical stream events into one wire format's SSE text. */
export interface StreamEncoder {
  /** The SSE text for one event; '' when the wire format has nothing to say about it. */
  encode(event: StreamEvent): string;
  /** What ends a complete stream (`data: [DONE]`, or nothing). */
  end(): string;
  /**
   * An error event for a failure after the stream began (the status line is long gone): `info` is
   * the gateway's mapping of `error`, the value the engine threw.
   */
  error(info: HTTPErrorInfo, error: unknown): string;
}
