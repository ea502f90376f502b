import type { ChatStream } from '../engine/engine.js';
import { InternalError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';

type StartEvent = Extract<StreamEvent, { type: 'start' }>;

export interface OpenedStream {
  iterator: AsyncIterator<StreamEvent>;
  start: StartEvent;
}

/**
 * Waits for the stream's first event before anything is written: until then a failure (a 429,
 * a bad key, no such model) can still be answered with its own HTTP status and error body, which
 * is what SDKs expect of a stream that never started. The engine holds `start` back until the
 * first content arrives, so retries and fallbacks happen before this resolves.
 */
export async function openEngineStream(stream: ChatStream): Promise<OpenedStream> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.type !== 'start') {
    await iterator.return?.().catch(() => undefined);
    throw new InternalError({ message: 'the engine stream did not begin with a start event' });
  }
  return { iterator, start: first.value };
}
