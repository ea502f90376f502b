import type { StreamEvent } from '../spec/stream-event.js';
import type { GatewayResponse } from './gateway-http.js';
import { mapErrorToHTTP } from './map-error-to-http.js';
import type { StreamEncoder } from './stream-encoder.js';

export interface StreamOutcome {
  type: 'completed' | 'failed' | 'disconnected';
  /** For a failed stream, the status its error maps to (the response itself already said 200). */
  errorStatus?: number;
}

const COMPLETED: StreamOutcome = { type: 'completed' };
const DISCONNECTED: StreamOutcome = { type: 'disconnected' };

export interface PipeChatStreamOptions {
  iterator: AsyncIterator<StreamEvent>;
  /** The event already read (the `start`), whose text goes out first. */
  first: StreamEvent;
  response: GatewayResponse;
  encoder: StreamEncoder;
  /** Called when the client goes away mid-stream: aborts the engine call. */
  abort(): void;
}

/**
 * Writes each event as it arrives, one write per event (no batching, no buffering). When the
 * socket buffer is full it waits for 'drain' before asking the engine for more, so a slow client
 * slows the upstream read instead of growing memory. When the client disconnects, the engine call
 * is aborted and the iterator returned, which closes the upstream request and frees the permit.
 * The status line and headers must already be written.
 */
export async function pipeChatStream(options: PipeChatStreamOptions): Promise<StreamOutcome> {
  const { iterator, response, encoder } = options;
  let closed = false;
  let wake: (() => void) | undefined;
  const onClose = () => {
    if (response.writableFinished) return;
    closed = true;
    options.abort();
    wake?.();
  };
  const onDrain = () => wake?.();
  response.on('close', onClose);
  response.on('drain', onDrain);
  // The iterator ended on its own (done, or next() threw): there is nothing to return. Any other
  // way out (the client left, the encoder or a write threw) must return it.
  let done = false;
  try {
    let event = options.first;
    for (;;) {
      const text = encoder.encode(event);
      if (text !== '' && !response.write(text) && !closed) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
      if (closed) return DISCONNECTED;
      let result: IteratorResult<StreamEvent>;
      try {
        result = await iterator.next();
      } catch (error) {
        done = true;
        throw error;
      }
      if (result.done) {
        done = true;
        break;
      }
      event = result.value;
    }
    if (closed) return DISCONNECTED;
    response.end(encoder.end());
    return COMPLETED;
  } catch (error) {
    if (closed) return DISCONNECTED;
    const info = mapErrorToHTTP(error);
    response.end(encoder.error(info, error));
    return { type: 'failed', errorStatus: info.status };
  } finally {
    response.off('close', onClose);
    response.off('drain', onDrain);
    // Leaving early: returning the iterator ends the engine call and its upstream request.
    if (!done) await iterator.return?.().catch(() => undefined);
  }
}
