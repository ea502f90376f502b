import type { z } from 'zod';
import { describeFrameIssue } from '../protocol/describe-frame-issue.js';
import { InvalidRequestError } from '../spec/errors.js';
import { createEngineStreamEncoder } from './create-engine-stream-encoder.js';
import { engineChatBodySchema, engineEmbedBodySchema } from './engine-call-body-schemas.js';
import type { GatewayContext } from './gateway-context.js';
import { serveChat, type ChatWireFormat } from './serve-chat.js';

// The stdio protocol's calls over HTTP (docs/protocol.md, "Over HTTP"): a binding's HTTP mode
// parses these answers with the same code as its stdio frames. The chat calls run through serveChat
// like /v1/chat/completions, so permits, cancel on disconnect and drain behave the same.

const ENGINE_FORMAT: ChatWireFormat = {
  toJSON: (response) => ({ type: 'result', result: response }),
  createStreamEncoder: (_start, _requestedModel, _requestId, stream) => createEngineStreamEncoder(stream),
};

/** `POST /v1/engine/chat`: `{params, options?}` → `{"type":"result","result": ChatResponse}`. */
export async function handleEngineChat(context: GatewayContext): Promise<void> {
  const body = await readEngineBody(context, engineChatBodySchema);
  await serveChat(context, body.params, false, ENGINE_FORMAT);
}

/** `POST /v1/engine/chat.stream`: the same body → SSE, one frame per `data:` line (event…, then result or error). */
export async function handleEngineChatStream(context: GatewayContext): Promise<void> {
  const body = await readEngineBody(context, engineChatBodySchema);
  await serveChat(context, body.params, true, ENGINE_FORMAT);
}

/** `POST /v1/engine/embed`: `{params, options?}` → `{"type":"result","result": EmbedResponse}`. */
export async function handleEngineEmbed(context: GatewayContext): Promise<void> {
  const body = await readEngineBody(context, engineEmbedBodySchema);
  context.requestedModel = body.params.model;
  const response = await context.engine.embed(body.params, context.callOptions);
  context.sendJSON(
    200,
    JSON.stringify({ type: 'result', result: response }),
    context.servedHeaders(response.provider, response.model, response.warnings),
  );
}

/** `GET /v1/engine/models`: the stdio `models` result. */
export async function handleEngineModels(context: GatewayContext): Promise<void> {
  context.sendJSON(200, JSON.stringify({ type: 'result', result: { models: context.engine.listModels() } }));
}

/** `GET /v1/engine/stats`: the stdio `stats` result (this gateway's providers: in flight, queued, limits). */
export async function handleEngineStats(context: GatewayContext): Promise<void> {
  context.sendJSON(200, JSON.stringify({ type: 'result', result: { providers: context.engine.stats() } }));
}

/**
 * Reads the body and checks it with the protocol's schema: the first issue becomes an
 * invalid_request whose `param` is the field's path (`params.messages[0].role`), named exactly as
 * `engine --stdio` names it. The body's call options then apply to the engine call.
 */
async function readEngineBody<Schema extends typeof engineChatBodySchema | typeof engineEmbedBodySchema>(
  context: GatewayContext,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const body = await context.readBody();
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const { param, message } = describeFrameIssue(parsed.error.issues[0]!);
    throw new InvalidRequestError({ message, ...(param !== '' && { param }) });
  }
  const data = parsed.data as z.infer<Schema>;
  if (data.options !== undefined) context.applyCallOptions(data.options);
  return data;
}
