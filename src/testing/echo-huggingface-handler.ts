import { randomBytes } from 'node:crypto';
import { createEchoEmbedding, estimateTokens, lastUserText, splitPieces, type EchoWireMessage } from './echo-openai-handler.js';
import type { MockHandler, ProviderFailureFormat, RecordedRequest, ScriptedResponse } from './mock-provider-server.js';

/** The window the echo pretends to have, so oversize requests get TGI's real validation error. */
const MAX_TOTAL_TOKENS = 4096;
const EMBEDDING_SIZE = 384;
const FINGERPRINT = '3.0.1-sha-echo';

/**
 * A stand-in for Hugging Face's servers, shaped like the recordings in
 * src/providers/huggingface/__fixtures__:
 * - TGI `POST /v1/chat/completions` (JSON, or `data: ` SSE ending in `[DONE]`, usage chunk with
 *   `stream_options.include_usage`), answering `Echo: <last user text>`;
 * - TGI `POST /generate`, `/generate_stream` and `/` (`stream` flag): token events on `data:`
 *   lines, an end-of-sequence special token, the last event with `generated_text` and, when
 *   `details` was asked, `details`; the echo of a rendered transcript is the last `User:` block;
 * - the hosted `POST /hf-inference/models/{model}` (same, array-wrapped, prompt echoed unless
 *   `return_full_text: false`) and `/hf-inference/models/{model}/pipeline/feature-extraction`
 *   (a flat vector for a string, one per input for a list);
 * - TEI `POST /embed` (`number[][]`, `x-compute-tokens`).
 * Vectors are the deterministic unit vectors of echoOpenAIHandler (384 dimensions). Errors use
 * TGI's shapes: text/plain 422 for a body that does not deserialize, `{"error","error_type":
 * "validation"}` 422 for invalid values (including the token-window check), empty 404 otherwise.
 */
export const echoHuggingFaceHandler: MockHandler = (request) => {
  const requestId = randomBytes(12).toString('base64url');
  const path = request.url.split('?')[0] ?? '/';
  if (request.method !== 'POST') return notFound(requestId);
  const body = request.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return body === undefined
      ? plainText(400, `Failed to parse the request body as JSON: expected value at line 1 column 1`, requestId)
      : plainText(
          422,
          `Failed to deserialize the JSON body into the target type: invalid type: expected struct at line 1 column ${request.body.length}`,
          requestId,
        );
  }
  const params = body as Record<string, unknown>;
  if (path === '/v1/chat/completions') return answerChat(params, request, requestId);
  if (path === '/generate') return answerGenerate(params, request, requestId, { stream: false, hosted: false });
  if (path === '/generate_stream') return answerGenerate(params, request, requestId, { stream: true, hosted: false });
  if (path === '/') return answerGenerate(params, request, requestId, { stream: params['stream'] === true, hosted: false });
  if (path === '/embed') return answerEmbed(params, request, requestId, 'tei');
  const hosted = /^\/hf-inference\/models\/(.+?)(\/pipeline\/feature-extraction)?$/.exec(path);
  if (hosted !== null) {
    if (hosted[2] !== undefined) return answerEmbed(params, request, requestId, 'feature-extraction');
    return answerGenerate(params, request, requestId, { stream: params['stream'] === true, hosted: true });
  }
  return notFound(requestId);
};

function answerChat(params: Record<string, unknown>, request: RecordedRequest, requestId: string): ScriptedResponse {
  const messages = params['messages'];
  if (messages === undefined) return missingField('messages', request, requestId);
  if (!Array.isArray(messages))
    return plainText(
      422,
      `Failed to deserialize the JSON body into the target type: messages: invalid type: expected a sequence at line 1 column ${request.body.length}`,
      requestId,
    );
  if (messages.length === 0) return validation('Input validation error: `messages` cannot be empty', requestId);
  const maxTokens = typeof params['max_tokens'] === 'number' ? params['max_tokens'] : undefined;
  const promptTokens = estimateTokens(JSON.stringify(messages));
  const window = checkWindow(promptTokens, maxTokens, requestId);
  if (window !== undefined) return window;

  const pieces = splitPieces(`Echo: ${lastUserText(messages as EchoWireMessage[])}`);
  const cut = maxTokens !== undefined && pieces.length > maxTokens;
  const kept = cut ? pieces.slice(0, maxTokens) : pieces;
  const finishReason = cut ? 'length' : 'stop';
  const model = typeof params['model'] === 'string' && params['model'] !== '' ? params['model'] : 'echo';
  const created = Math.floor(Date.now() / 1000);
  const usage = { prompt_tokens: promptTokens, completion_tokens: kept.length, total_tokens: promptTokens + kept.length };

  if (params['stream'] !== true) {
    return json(
      200,
      {
        object: 'chat.completion',
        id: '',
        created,
        model,
        system_fingerprint: FINGERPRINT,
        choices: [
          { index: 0, message: { role: 'assistant', content: kept.join('') }, logprobs: null, finish_reason: finishReason },
        ],
        usage,
      },
      requestId,
    );
  }
  const chunk = (choices: unknown[], chunkUsage: unknown = null) =>
    `data: ${JSON.stringify({ object: 'chat.completion.chunk', id: '', created, model, system_fingerprint: FINGERPRINT, choices, usage: chunkUsage })}\n\n`;
  const delta = (content: string, finish: string | null) => [
    { index: 0, delta: { role: 'assistant', content }, logprobs: null, finish_reason: finish },
  ];
  const events = kept.map((piece) => chunk(delta(piece, null)));
  events.push(chunk(delta('', finishReason)));
  const options = params['stream_options'] as { include_usage?: unknown } | undefined;
  if (options?.include_usage === true) events.push(chunk([], usage));
  events.push('data: [DONE]\n\n');
  return sse(events, requestId);
}

function answerGenerate(
  params: Record<string, unknown>,
  request: RecordedRequest,
  requestId: string,
  route: { stream: boolean; hosted: boolean },
): ScriptedResponse {
  const inputs = params['inputs'];
  if (inputs === undefined) return missingField('inputs', request, requestId);
  if (typeof inputs !== 'string')
    return plainText(
      422,
      `Failed to deserialize the JSON body into the target type: inputs: invalid type: expected a string at line 1 column ${request.body.length}`,
      requestId,
    );
  if (inputs === '') return validation('Input validation error: `inputs` cannot be empty', requestId);
  const parameters = (
    typeof params['parameters'] === 'object' && params['parameters'] !== null ? params['parameters'] : {}
  ) as Record<string, unknown>;
  const maxNewTokens = typeof parameters['max_new_tokens'] === 'number' ? parameters['max_new_tokens'] : undefined;
  const promptTokens = estimateTokens(inputs);
  const window = checkWindow(promptTokens, maxNewTokens, requestId);
  if (window !== undefined) return window;

  const pieces = splitPieces(`Echo: ${lastTranscriptUserBlock(inputs)}`);
  const cut = maxNewTokens !== undefined && pieces.length >= maxNewTokens;
  const kept = cut ? pieces.slice(0, maxNewTokens) : pieces;
  // A natural stop ends with the end-of-sequence token, which counts but is not text.
  const tokens = kept.map((text, index) => ({ id: 1000 + index, text, logprob: -0.25, special: false }));
  if (!cut) tokens.push({ id: 2, text: '</s>', logprob: -0.01, special: true });
  const finishReason = cut ? 'length' : 'eos_token';
  const text = kept.join('');
  const fullText = (parameters['return_full_text'] ?? route.hosted) === true;
  const generatedText = fullText ? inputs + text : text;
  const seed = typeof parameters['seed'] === 'number' ? parameters['seed'] : null;
  const wantsDetails = parameters['details'] === true;

  if (!route.stream) {
    const result = {
      generated_text: generatedText,
      ...(wantsDetails && {
        details: { finish_reason: finishReason, generated_tokens: tokens.length, seed, prefill: [], tokens },
      }),
    };
    return json(200, route.hosted ? [result] : result, requestId, {
      'x-prompt-tokens': String(promptTokens),
      'x-generated-tokens': String(tokens.length),
    });
  }
  const events = tokens.map((token, index) => {
    const last = index === tokens.length - 1;
    return `data:${JSON.stringify({
      index: index + 1,
      token,
      generated_text: last ? generatedText : null,
      details:
        last && wantsDetails
          ? { finish_reason: finishReason, generated_tokens: tokens.length, seed, input_length: promptTokens }
          : null,
    })}\n\n`;
  });
  return sse(events, requestId);
}

function answerEmbed(
  params: Record<string, unknown>,
  request: RecordedRequest,
  requestId: string,
  api: 'tei' | 'feature-extraction',
): ScriptedResponse {
  const inputs = params['inputs'];
  if (inputs === undefined) return missingField('inputs', request, requestId);
  const texts = typeof inputs === 'string' ? [inputs] : inputs;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((text) => typeof text === 'string')) {
    return plainText(
      422,
      `Failed to deserialize the JSON body into the target type: inputs: data did not match any variant of untagged enum Input at line 1 column ${request.body.length}`,
      requestId,
    );
  }
  if (texts.some((text) => text === '')) return validation('`inputs` cannot be empty', requestId);
  const vectors = texts.map((text) => createEchoEmbedding(text, EMBEDDING_SIZE));
  const tokens = texts.reduce((sum, text) => sum + estimateTokens(text), 0);
  if (api === 'tei') return json(200, vectors, requestId, { 'x-compute-tokens': String(tokens) });
  return json(200, typeof inputs === 'string' ? vectors[0] : vectors, requestId);
}

/** TGI's window check: prompt tokens plus max_new_tokens must fit. */
function checkWindow(promptTokens: number, maxNewTokens: number | undefined, requestId: string): ScriptedResponse | undefined {
  if (maxNewTokens === undefined || promptTokens + maxNewTokens <= MAX_TOTAL_TOKENS) return undefined;
  return validation(
    `Input validation error: \`inputs\` tokens + \`max_new_tokens\` must be <= ${MAX_TOTAL_TOKENS}. Given: ${promptTokens} \`inputs\` tokens and ${maxNewTokens} \`max_new_tokens\``,
    requestId,
  );
}

/** The last `User:` block of a transcript that ends with `Assistant:`, else the whole text. */
function lastTranscriptUserBlock(inputs: string): string {
  if (!/\n\nAssistant:\s*$/.test(inputs)) return inputs;
  const blocks = inputs.split('\n\n');
  for (let index = blocks.length - 1; index >= 0; index--) {
    const block = blocks[index]!;
    if (block.startsWith('User: ')) return block.slice('User: '.length);
  }
  return inputs;
}

function missingField(field: string, request: RecordedRequest, requestId: string): ScriptedResponse {
  return plainText(
    422,
    `Failed to deserialize the JSON body into the target type: missing field \`${field}\` at line 1 column ${request.body.length}`,
    requestId,
  );
}

function validation(message: string, requestId: string): ScriptedResponse {
  return json(422, { error: message, error_type: 'validation' }, requestId);
}

function notFound(requestId: string): ScriptedResponse {
  return { status: 404, headers: { 'x-request-id': requestId }, body: '' };
}

function plainText(status: number, text: string, requestId: string): ScriptedResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-request-id': requestId }, body: text };
}

function json(status: number, body: unknown, requestId: string, headers: Record<string, string> = {}): ScriptedResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId, ...headers },
    body: JSON.stringify(body),
  };
}

function sse(events: string[], requestId: string): ScriptedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': requestId },
    body: events,
  };
}

/** TGI's error types per status (its `ErrorResponse.error_type`). */
function tgiErrorType(status: number): string {
  if (status === 429 || status === 503) return 'overloaded';
  if (status === 400 || status === 422) return 'validation';
  return 'generation';
}

/** Failures in TGI's shapes: `{"error","error_type"}`, as the body and as a stream's `data:` line. */
export const huggingFaceFailureFormat: ProviderFailureFormat = {
  errorResponse: (status, message) =>
    json(status, { error: message, error_type: tgiErrorType(status) }, randomBytes(12).toString('base64url')),
  streamErrorEvent: (message) => `data: ${JSON.stringify({ error: message, error_type: 'generation' })}\n\n`,
};
