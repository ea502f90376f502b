import type { ChatStream } from '../engine/engine.js';
import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { StreamEvent } from '../spec/stream-event.js';
import type { GatewayContext } from './gateway-context.js';
import { openEngineStream } from './open-engine-stream.js';
import { pipeChatStream } from './pipe-chat-stream.js';
import type { StreamEncoder } from './stream-encoder.js';

/** How one chat wire format (OpenAI's or Anthropic's) writes its answers. */
export interface ChatWireFormat {
  /** The whole JSON answer for a non-streamed call. */
  toJSON(response: ChatResponse, requestId: string, requestedModel: string): unknown;
  /**
   * The SSE encoder for a streamed call, once its first event is known. `stream` is the engine's
   * stream being served (its request id and attempts, for a format that reports them).
   */
  createStreamEncoder(
    start: Extract<StreamEvent, { type: 'start' }>,
    requestedModel: string,
    requestId: string,
    stream: ChatStream,
  ): StreamEncoder;
}

/**
 * Runs a validated chat request through the engine and answers in the endpoint's wire format:
 * one JSON body, or an SSE stream that starts only once the engine has its first event (so a
 * failure before that still gets its own HTTP status).
 */
export async function serveChat(
  context: GatewayContext,
  request: ChatRequest,
  stream: boolean,
  format: ChatWireFormat,
): Promise<void> {
  context.requestedModel = request.model;
  if (!stream) {
    const response = await context.engine.chat(request, context.callOptions);
    const body = format.toJSON(response, context.requestId, request.model);
    context.sendJSON(200, JSON.stringify(body), context.servedHeaders(response.provider, response.model, response.warnings));
    return;
  }
  const engineStream = context.engine.chatStream(request, context.callOptions);
  const { iterator, start } = await openEngineStream(engineStream);
  // From here until pipeChatStream owns the iterator, anything that throws must return it: an
  // iterator left suspended holds its provider permit and its upstream request forever.
  let piped = false;
  try {
    // The client may have left while the first event was on its way: its 'close' has fired already.
    if (context.disconnected) {
      context.recordStreamOutcome({ type: 'disconnected' });
      return;
    }
    // Built before the status line, so a failure here still gets an error status of its own.
    const encoder = format.createStreamEncoder(start, request.model, context.requestId, engineStream);
    context.startSSE(context.servedHeaders(start.provider, start.model, start.warnings));
    piped = true;
    const outcome = await pipeChatStream({ iterator, first: start, response: context.response, encoder, abort: context.abort });
    context.recordStreamOutcome(outcome);
  } finally {
    if (!piped) await iterator.return?.().catch(() => undefined);
  }
}
