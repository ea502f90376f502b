import { isAbsolute, resolve } from 'node:path';
import {
  MockProviderServer,
  anthropicFailureFormat,
  echoAnthropicHandler,
  echoHuggingFaceHandler,
  echoOpenAIHandler,
  huggingFaceFailureFormat,
  loadFixture,
  openAIFailureFormat,
} from '../../dist/testing/index.js';

/** Each provider format's echo (what answers `{"echo": true}`) and its error shapes (`{"error": {...}}`). */
const FORMATS = {
  openai: { echo: echoOpenAIHandler, failure: openAIFailureFormat, sseEventLines: false, done: true },
  anthropic: { echo: echoAnthropicHandler, failure: anthropicFailureFormat, sseEventLines: true, done: false },
  huggingface: { echo: echoHuggingFaceHandler, failure: huggingFaceFailureFormat, sseEventLines: false, done: true },
};

/**
 * Starts one local provider server per `upstreams[]` entry of the vector, on 127.0.0.1 and a free
 * port. Request N is answered by `responses[N]` (built from a recorded fixture, the format's echo,
 * its error shape, or given literally); past the end, by the echo when `"then": "echo"`, else by a
 * 500 in the provider's error shape that names the vector, so an unplanned request shows in the
 * result and in the request count.
 */
export async function startUpstreams(vector, repositoryRoot) {
  const upstreams = new Map();
  try {
    for (const spec of vector.upstreams) {
      const format = FORMATS[spec.format];
      const responses = spec.responses ?? [];
      let answered = 0;
      const handler = async (request) => {
        const index = answered++;
        const response = responses[index];
        if (response !== undefined) return buildResponse(response, format, request, repositoryRoot);
        if (spec.then === 'echo') return format.echo(request);
        return format.failure.errorResponse(
          500,
          `conformance: upstream "${spec.name}" of vector "${vector.name}" has no scripted response for request ${index + 1}`,
        );
      };
      upstreams.set(spec.name, { spec, server: await MockProviderServer.start({ handler, host: '127.0.0.1', port: 0 }) });
    }
  } catch (error) {
    await closeUpstreams(upstreams);
    throw error;
  }
  return upstreams;
}

export async function closeUpstreams(upstreams) {
  await Promise.all([...upstreams.values()].map(({ server }) => server.close().catch(() => undefined)));
}

/** One scripted response of a vector (conformance/README.md, "Scripted responses") as the mock server's ScriptedResponse. */
async function buildResponse(spec, format, request, repositoryRoot) {
  let base = { status: 200, headers: {} };
  if (spec.echo === true) base = await format.echo(request);
  else if (typeof spec.fixture === 'string') {
    const path = isAbsolute(spec.fixture) ? spec.fixture : resolve(repositoryRoot, spec.fixture);
    base = loadFixture(path).response;
  } else if (spec.error !== undefined)
    base = format.failure.errorResponse(spec.error.status ?? 500, spec.error.message ?? 'scripted failure');
  const response = { ...base, headers: { ...lowerCaseKeys(base.headers ?? {}) } };
  if (spec.status !== undefined) response.status = spec.status;
  if (spec.body !== undefined) {
    response.body = typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body);
    response.headers['content-type'] ??= typeof spec.body === 'string' ? 'text/plain' : 'application/json';
  }
  if (spec.events !== undefined) {
    response.body = [
      ...spec.events.map((event) => encodeEvent(event, format)),
      ...(format.done && spec.done !== false ? ['data: [DONE]\n\n'] : []),
    ];
    response.headers['content-type'] = 'text/event-stream';
  }
  if (spec.chunks !== undefined) {
    response.body = spec.chunks;
    response.headers['content-type'] ??= 'text/event-stream';
  }
  // A stream body is sent one SSE event per write, so hangAfterChunks and destroyAfterChunks count events.
  if (typeof response.body === 'string' && (response.headers['content-type'] ?? '').startsWith('text/event-stream'))
    response.body = response.body.split(/(?<=\r?\n\r?\n)/).filter((piece) => piece !== '');
  if (spec.streamError !== undefined)
    response.body = [...toPieces(response.body), format.failure.streamErrorEvent(spec.streamError)];
  Object.assign(response.headers, lowerCaseKeys(spec.headers ?? {}));
  for (const key of ['delayMs', 'chunkDelayMs', 'chunkSize', 'hangAfterChunks', 'destroy', 'destroyAfterChunks'])
    if (spec[key] !== undefined) response[key] = spec[key];
  if (spec.hang === true) response.hangAfterChunks = toPieces(response.body).length;
  return response;
}

function encodeEvent(event, format) {
  if (typeof event === 'string') return event.endsWith('\n\n') ? event : `data: ${event}\n\n`;
  const data = `data: ${JSON.stringify(event)}\n\n`;
  return format.sseEventLines && typeof event.type === 'string' ? `event: ${event.type}\n${data}` : data;
}

function toPieces(body) {
  if (body === undefined || body === '') return [];
  return Array.isArray(body) ? body : [body];
}

function lowerCaseKeys(headers) {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
