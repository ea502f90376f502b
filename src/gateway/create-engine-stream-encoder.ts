import type { ChatStream } from '../engine/engine.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { formatEngineError } from './format-engine-error.js';
import type { StreamEncoder } from './stream-encoder.js';

/**
 * `/v1/engine/chat.stream`: every SSE event is one stdio frame without `id` on a `data:` line:
 * `{"type":"event","event": StreamEvent}` per event, then `{"type":"result","result":{"requestId",
 * "attempts"}}` (read from the engine's stream once it has ended, when its attempts are complete)
 * or the error frame. A binding parses these exactly as it parses its stdio frames.
 */
export function createEngineStreamEncoder(stream: Pick<ChatStream, 'requestId' | 'attempts'>): StreamEncoder {
  return {
    encode: (event: StreamEvent) => `data: ${JSON.stringify({ type: 'event', event })}\n\n`,
    end: () =>
      `data: ${JSON.stringify({ type: 'result', result: { requestId: stream.requestId, attempts: [...stream.attempts] } })}\n\n`,
    error: (_info, error) => `data: ${formatEngineError(error)}\n\n`,
  };
}
