import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import type { Engine } from '../engine/engine.js';
import type { ProviderConfigInput } from '../engine/config/liter-llm-config-input.js';
import { ERROR_CODES } from '../spec/error-codes.js';
import { createError, isLiterLLMError, type LiterLLMError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { failureOf } from '../testing/failure-of.js';
import { createFrameDecoder } from './create-frame-decoder.js';
import { createLoopbackClient, type LoopbackClient } from './create-loopback-client.js';
import { encodeFrame } from './encode-frame.js';
import type { EngineFrame } from './engine-frame-schema.js';
import { PROTOCOL_VERSION } from './protocol-version.js';
import { serveProtocol, type ProtocolLogEntry } from './serve-protocol.js';

const USER = [{ role: 'user' as const, content: 'hi' }];
const open: { client: LoopbackClient; engine: ReloadableEngine }[] = [];

function setup(providers: Record<string, ScriptedProvider>, extra: Partial<ProviderConfigInput> = {}, serve = {}) {
  const configured: Record<string, ProviderConfigInput> = {};
  for (const name of Object.keys(providers)) {
    configured[name] = { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0, ...extra };
  }
  const engine = createEngine(
    { providers: configured },
    { providerFactories: { 'openai-compatible': (settings) => providers[settings.name]! } },
  );
  const client = createLoopbackClient(engine, serve);
  open.push({ client, engine });
  return { client, engine };
}

afterEach(async () => {
  for (const { client, engine } of open.splice(0)) {
    await client.close();
    await engine.close();
  }
});

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

async function until(check: () => boolean): Promise<void> {
  for (let tries = 0; !check(); tries++) {
    if (tries > 500) throw new Error('condition never became true');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('serveProtocol: the handshake', () => {
  it('answers initialize with its protocol version, the package version and the capabilities', async () => {
    const { client } = setup({ a: new ScriptedProvider('a') });
    const result = await client.initialized;
    expect(result).toEqual({
      protocolVersion: PROTOCOL_VERSION,
      packageVersion: '0.1.0',
      capabilities: {
        methods: ['chat', 'chat.stream', 'embed', 'models', 'stats', 'cancel', 'shutdown'],
        maxFrameBytes: 64 * 1024 * 1024,
      },
    });
  });

  it('refuses a major version mismatch with an error frame, and serves a good initialize after it', async () => {
    const engine = createEngine({ providers: {} });
    const input = new PassThrough();
    const output = new PassThrough();
    const loop = serveProtocol({ engine, input, output });
    const frames = readFrames(output);
    input.write(encodeFrame({ id: 1, method: 'initialize', params: { protocolVersion: '2.0.0' } }));
    input.write(encodeFrame({ id: 2, method: 'models' }));
    input.write(encodeFrame({ id: 3, method: 'initialize', params: { protocolVersion: '1.7' } }));
    await until(() => frames.length === 3);
    expect(frames[0]).toMatchObject({
      type: 'error',
      id: 1,
      error: { code: 'invalid_request', param: 'params.protocolVersion' },
    });
    expect((frames[0] as { error: { message: string } }).error.message).toMatch(
      /client speaks 2\.0\.0, this engine speaks 1\.0\.0/,
    );
    expect(frames[1]).toMatchObject({
      type: 'error',
      id: 2,
      error: { code: 'invalid_request', message: 'send initialize before models' },
    });
    expect(frames[2]).toMatchObject({ type: 'result', id: 3, result: { protocolVersion: PROTOCOL_VERSION } });
    input.end();
    await expect(loop).resolves.toBe('input-end');
  });
});

describe('a client of another major version', () => {
  it('gets the mismatch as the error of its calls and streams, never a hang', async () => {
    const engine = createEngine({ providers: {} });
    const client = createLoopbackClient(engine, { protocolVersion: '2.1.0' });
    open.push({ client, engine });
    const error = await failureOf(client.chat({ model: 'a/m', messages: USER }));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'params.protocolVersion' });
    expect(error.message).toMatch(/protocol version mismatch: the client speaks 2\.1\.0/);
    const streamError = await failureOf(collect(client.chatStream({ model: 'a/m', messages: USER })));
    expect(streamError).toMatchObject({ code: 'invalid_request', message: error.message });
  });
});

describe('serveProtocol: calls', () => {
  it('answers chat, embed, models and stats with the canonical types', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'reply', text: 'hello there' });
    const { client } = setup({ a });
    const response = await client.chat({ model: 'a/m', messages: USER, maxTokens: 5 }, { requestId: 'r-1' });
    expect(response).toMatchObject({
      provider: 'a',
      model: 'm',
      text: 'hello there',
      finishReason: 'stop',
      usage: { inputTokens: 3, outputTokens: 5 },
    });
    expect(response.attempts).toEqual([expect.objectContaining({ provider: 'a', outcome: 'ok' })]);
    expect(a.calls[0]!.request).toMatchObject({ model: 'm', maxTokens: 5 });
    const embedded = await client.embed({ model: 'a/e', input: ['abc', 'de'] });
    expect(embedded.embeddings).toEqual([
      [3, 1],
      [2, 1],
    ]);
    expect(await client.models()).toEqual([]);
    expect(await client.stats()).toEqual([{ name: 'a', inFlight: 0, queued: 0, maxConcurrency: expect.any(Number) }]);
  });

  it('streams event frames, then one result with the attempts', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['He', 'llo'] });
    const { client } = setup({ a });
    const stream = client.chatStream({ model: 'a/m', messages: USER });
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual(['start', 'text-delta', 'text-delta', 'finish']);
    expect(events.filter((event) => event.type === 'text-delta').map((event) => event.text)).toEqual(['He', 'llo']);
    const result = await stream.result;
    expect(result.attempts).toEqual([expect.objectContaining({ provider: 'a', outcome: 'ok' })]);
    const frames = client.received.filter((frame) => frame.id === stream.id);
    expect(frames.map((frame) => frame.type)).toEqual(['event', 'event', 'event', 'event', 'result']);
  });

  it('runs calls concurrently and answers each by its id, in the order they finish', async () => {
    const a = new ScriptedProvider('a').script(
      { kind: 'reply', text: 'slow', delayMs: 80 },
      { kind: 'reply', text: 'fast', delayMs: 0 },
    );
    const { client } = setup({ a }, { maxConcurrency: 4 });
    await client.initialized;
    const slow = client.chat({ model: 'a/m', messages: USER });
    const fast = client.chat({ model: 'a/m', messages: USER });
    expect((await fast).text).toBe('fast');
    expect((await slow).text).toBe('slow');
    const results = client.received.filter((frame) => frame.type === 'result' && frame.id !== 1).map((frame) => frame.id);
    expect(results).toEqual([3, 2]);
  });

  it('keeps 40 calls of every kind in flight at once apart by id', async () => {
    const a = new ScriptedProvider('a');
    const { client } = setup({ a }, { maxConcurrency: 100 });
    await client.initialized;
    // Each call names its own model, which the scripted provider echoes, and waits a random while.
    a.script(...Array.from({ length: 40 }, () => ({ kind: 'reply' as const, delayMs: Math.floor(Math.random() * 30) })));
    const calls = Array.from({ length: 40 }, async (_, index) => {
      const model = `a/m-${index}`;
      if (index % 3 === 0) return (await client.embed({ model, input: 'x'.repeat(index + 1) })).embeddings[0]![0];
      if (index % 3 === 1) return (await client.chat({ model, messages: USER })).text;
      const events = await collect(client.chatStream({ model, messages: USER }));
      return events.flatMap((event) => (event.type === 'start' ? [event.model] : [])).join();
    });
    const answers = await Promise.all(calls);
    answers.forEach((answer, index) => {
      if (index % 3 === 0) expect(answer).toBe(index + 1);
      if (index % 3 === 1) expect(answer).toBe(`reply from a/m-${index}`);
      if (index % 3 === 2) expect(answer).toBe(`m-${index}`);
    });
    expect(a.maxInFlight).toBeGreaterThan(5);
  });

  it('ends a stream that fails midway with exactly one error frame after its events', async () => {
    const failure = createError('provider_unavailable', { message: 'upstream broke', provider: 'a', status: 502 });
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['x', 'y', 'z'], failAfter: 2, error: failure });
    const { client } = setup({ a });
    const stream = client.chatStream({ model: 'a/m', messages: USER });
    const error = await failureOf(collect(stream));
    expect(error).toMatchObject({ code: 'provider_unavailable', message: 'upstream broke', provider: 'a', status: 502 });
    await until(() => client.received.some((frame) => frame.id === stream.id && frame.type === 'error'));
    const frames = client.received.filter((frame) => frame.id === stream.id).map((frame) => frame.type);
    expect(frames).toEqual(['event', 'event', 'event', 'error']);
  });
});

describe('serveProtocol: errors', () => {
  it.each(ERROR_CODES)('carries a %s error with every field of the taxonomy', async (code) => {
    const fields = {
      message: `scripted ${code}`,
      provider: 'a',
      status: 499,
      requestId: 'req-upstream-1',
      retryable: false,
      retryAfterMs: 1500,
    };
    const original = createError(code, fields);
    const { client } = setup({ a: new ScriptedProvider('a').script({ kind: 'fail', error: original }) });
    const error = await failureOf(client.chat({ model: 'a/m', messages: USER }));
    expect(error.constructor).toBe(original.constructor);
    expect(error).toMatchObject({ code, ...fields });
  });

  it('turns anything that is not a LiterLLMError into internal, without its message or stack', async () => {
    const { engine } = setup({ a: new ScriptedProvider('a') });
    // The real engine wraps a provider's plain Error itself; an engine that throws one reaches this guard.
    const broken: Engine = {
      chat: () => Promise.reject(new Error('secret detail at /home/me/file.ts:12')),
      chatStream: (request, options) => engine.chatStream(request, options),
      embed: (request, options) => engine.embed(request, options),
      listModels: () => engine.listModels(),
      stats: () => engine.stats(),
      close: () => engine.close(),
    };
    const log: ProtocolLogEntry[] = [];
    const client = createLoopbackClient(broken, { log: (entry: ProtocolLogEntry) => log.push(entry) });
    open.push({ client, engine });
    const error = await failureOf(client.chat({ model: 'a/m', messages: USER }));
    expect(error).toMatchObject({ code: 'internal', retryable: false });
    const frame = client.received.find((candidate) => candidate.type === 'error')!;
    expect(JSON.stringify(frame)).not.toMatch(/secret detail|file\.ts/);
    expect(log).toEqual([expect.objectContaining({ level: 'error', id: 2, error: expect.stringContaining('secret detail') })]);
  });

  it('names the field of a malformed call and keeps serving the other calls', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'reply', text: 'slow one', delayMs: 50 });
    const { client } = setup({ a });
    await client.initialized;
    const pending = client.chat({ model: 'a/m', messages: USER });
    const bad = async (frame: object | Uint8Array, id: number | null) => {
      client.send(frame);
      return (await client.nextFrame(id)) as Extract<EngineFrame, { type: 'error' }>;
    };
    const wrongType = await bad(
      { id: 100, method: 'chat', params: { model: 'a/m', messages: [{ role: 'user', content: 5 }] } },
      100,
    );
    expect(wrongType.error).toMatchObject({ code: 'invalid_request', param: 'params.messages[0].content' });
    const unknownField = await bad({ id: 101, method: 'chat', params: { model: 'a/m', messages: USER, max_tokens: 3 } }, 101);
    expect(unknownField.error).toMatchObject({
      code: 'invalid_request',
      param: 'params.max_tokens',
      message: 'params.max_tokens: unknown field',
    });
    const missing = await bad({ id: 102, method: 'embed', params: { model: 'a/m' } }, 102);
    expect(missing.error).toMatchObject({ code: 'invalid_request', param: 'params.input' });
    const unknownMethod = await bad({ id: 103, method: 'complete', params: {} }, 103);
    expect(unknownMethod.error).toMatchObject({ code: 'invalid_request', param: 'method' });
    expect(unknownMethod.error.message).toMatch(/unknown method "complete"/);
    const noId = await bad({ method: 'models' }, null);
    expect(noId).toMatchObject({ id: null, error: { code: 'invalid_request', param: 'id' } });
    const notJSON = await bad(Buffer.concat([Buffer.from([0, 0, 0, 5]), Buffer.from('{nope')]), null);
    expect(notJSON).toMatchObject({ id: null, error: { code: 'invalid_request', param: 'frame' } });
    const tooLarge = Buffer.alloc(4);
    tooLarge.writeUInt32BE(0xffffffff, 0);
    expect(await bad(tooLarge, null)).toMatchObject({ error: { code: 'invalid_request', param: 'length' } });
    expect((await pending).text).toBe('slow one');
  });

  it('skips an oversized frame by its length and reads the next one', async () => {
    const { client } = setup({ a: new ScriptedProvider('a') }, {}, { maxFrameBytes: 200 });
    await client.initialized;
    client.send({ id: 50, method: 'chat', params: { model: 'a/m', messages: [{ role: 'user', content: 'x'.repeat(500) }] } });
    expect(await client.nextFrame(null)).toMatchObject({ error: { code: 'invalid_request', param: 'length' } });
    expect(await client.models()).toEqual([]);
  });

  it('refuses a frame nested too deep before validating it', async () => {
    const { client } = setup({ a: new ScriptedProvider('a') });
    await client.initialized;
    // Built as text: JSON.stringify itself overflows the stack on a value this deep.
    const deep = `${'{"deep":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const text = `{"id":60,"method":"chat","params":{"model":"a/m","messages":[{"role":"user","content":"hi"}],"providerOptions":{"openai":${deep}}}}`;
    const length = Buffer.alloc(4);
    length.writeUInt32BE(Buffer.byteLength(text), 0);
    client.send(Buffer.concat([length, Buffer.from(text)]));
    const frame = await client.nextFrame(60);
    expect(frame).toMatchObject({ type: 'error', error: { code: 'invalid_request' } });
    expect((frame as { error: { param: string } }).error.param).toMatch(/^params\.providerOptions\.openai/);
  });
});

describe('serveProtocol: cancel, shutdown, input end', () => {
  it('cancel aborts a stream upstream and frees its permit for the next call', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['one'], hang: true });
    const { client } = setup({ a }, { maxConcurrency: 1 });
    const stream = client.chatStream({ model: 'a/m', messages: USER });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    expect((await iterator.next()).value).toMatchObject({ type: 'text-delta', text: 'one' });
    expect(await client.cancel(stream.id)).toBe(true);
    const error = await failureOf(iterator.next());
    expect(error.code).toBe('cancelled');
    await until(() => a.streamsClosed === 1);
    expect(a.calls[0]!.options?.signal?.aborted).toBe(true);
    // max_concurrency 1 and no queue wait: this call is refused unless the permit came back.
    expect((await client.chat({ model: 'a/m', messages: USER })).provider).toBe('a');
    expect(await client.cancel(stream.id)).toBe(false);
  });

  it('breaking out of a stream cancels the call', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['one'], hang: true });
    const { client } = setup({ a }, { maxConcurrency: 1 });
    for await (const event of client.chatStream({ model: 'a/m', messages: USER })) if (event.type === 'text-delta') break;
    await until(() => a.streamsClosed === 1);
    expect(a.inFlight).toBe(0);
  });

  it('shutdown lets the calls in flight finish, refuses new ones, then ends the loop', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'reply', text: 'finished', delayMs: 60 });
    const { client } = setup({ a });
    await client.initialized;
    const inFlight = client.chat({ model: 'a/m', messages: USER });
    await until(() => a.calls.length === 1);
    const shutdown = client.shutdown();
    const refused = await failureOf(client.chat({ model: 'a/m', messages: USER }));
    expect(refused).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect((await inFlight).text).toBe('finished');
    expect(await shutdown).toBe('shutdown');
    const last = client.received.at(-1)!;
    expect(last).toMatchObject({ type: 'result', result: {} });
    expect(client.received.findIndex((frame) => frame === last)).toBeGreaterThan(
      client.received.findIndex((frame) => frame.type === 'result' && 'text' in frame.result),
    );
  });

  it('the end of the input cancels the calls in flight and ends the loop', async () => {
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas: ['one'], hang: true });
    const { client } = setup({ a });
    const iterator = client.chatStream({ model: 'a/m', messages: USER })[Symbol.asyncIterator]();
    await iterator.next();
    expect(await client.close()).toBe('input-end');
    expect(a.streamsClosed).toBe(1);
    expect(a.calls[0]!.options?.signal?.aborted).toBe(true);
  });
});

describe('serveProtocol: output', () => {
  it('waits for the output to drain before taking the next stream event', async () => {
    const deltas = Array.from({ length: 50 }, (_, index) => `delta-${index}-${'x'.repeat(200)}`);
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas });
    const engine = createEngine(
      { providers: { a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0 } } },
      { providerFactories: { 'openai-compatible': () => a } },
    );
    const chunks: Buffer[] = [];
    let release: (() => void)[] = [];
    const output = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        release.push(callback);
      },
    });
    const input = new PassThrough();
    const loop = serveProtocol({ engine, input, output });
    input.write(encodeFrame({ id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } }));
    input.write(encodeFrame({ id: 2, method: 'chat.stream', params: { model: 'a/m', messages: USER } }));
    const flush = () => {
      const pending = release;
      release = [];
      for (const callback of pending) callback();
    };
    await until(() => chunks.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing is acknowledged: the loop stops once the buffer is over its 1 KiB mark (a frame or
    // two of ~250 bytes past it), where without back-pressure all 52 frames (~13 KB) would pile up.
    expect(output.writableLength).toBeGreaterThan(1024);
    expect(output.writableLength).toBeLessThan(2048);
    const stalled = chunks.length;
    for (let round = 0; round < 200 && !decodeAll(chunks).some((frame) => frame.id === 2 && frame.type === 'result'); round++) {
      flush();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(stalled).toBeLessThan(chunks.length);
    const frames = decodeAll(chunks).filter((frame) => frame.id === 2);
    expect(frames).toHaveLength(deltas.length + 3);
    flush();
    input.end();
    await loop;
    await engine.close();
  });

  it('a cancel stops a stream whose reader stopped reading', async () => {
    const deltas = Array.from({ length: 50 }, (_, index) => `delta-${index}-${'x'.repeat(200)}`);
    const a = new ScriptedProvider('a').script({ kind: 'stream', deltas, hang: true });
    const engine = createEngine(
      { providers: { a: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9', maxRetries: 0 } } },
      { providerFactories: { 'openai-compatible': () => a } },
    );
    let writes = 0;
    // Takes the first write (the initialize answer), then never acknowledges another.
    const output = new Writable({
      highWaterMark: 1024,
      write(_chunk: Buffer, _encoding, callback) {
        if (++writes === 1) callback();
      },
    });
    const input = new PassThrough();
    const loop = serveProtocol({ engine, input, output });
    input.write(encodeFrame({ id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } }));
    input.write(encodeFrame({ id: 2, method: 'chat.stream', params: { model: 'a/m', messages: USER } }));
    await until(() => output.writableNeedDrain);
    input.write(encodeFrame({ id: 3, method: 'cancel', params: { id: 2 } }));
    await until(() => a.streamsClosed === 1);
    input.end();
    await expect(loop).resolves.toBe('input-end');
    await engine.close();
  });

  it("a throw while answering models is that call's internal error frame", async () => {
    const { engine } = setup({ a: new ScriptedProvider('a') });
    const broken: Engine = Object.assign(Object.create(engine) as Engine, {
      listModels: () => {
        throw new Error('models exploded');
      },
    });
    const log: ProtocolLogEntry[] = [];
    const client = createLoopbackClient(broken, { log: (entry: ProtocolLogEntry) => log.push(entry) });
    open.push({ client, engine });
    expect(await failureOf(client.models())).toMatchObject({ code: 'internal' });
    expect(log).toEqual([expect.objectContaining({ level: 'error', id: 2, error: expect.stringContaining('models exploded') })]);
    expect(await client.stats()).toHaveLength(1);
  });

  it('debug mirrors every frame both ways with the API keys redacted', async () => {
    const key = 'sk-test-0123456789abcdefghijkl';
    const a = new ScriptedProvider('a').script({ kind: 'reply', text: `the key is ${key}` });
    const log: ProtocolLogEntry[] = [];
    const { client } = setup(
      { a },
      { apiKey: key },
      { debug: true, secrets: [key], log: (entry: ProtocolLogEntry) => log.push(entry) },
    );
    await client.chat({ model: 'a/m', messages: [{ role: 'user', content: `my key ${key}` }] });
    const directions = log.filter((entry) => entry.msg === 'protocol frame').map((entry) => entry.direction);
    expect(directions).toEqual(['in', 'out', 'in', 'out']);
    const text = JSON.stringify(log);
    expect(text).not.toContain(key);
    expect(text).toContain('[REDACTED]');
  });
});

function readFrames(output: PassThrough): EngineFrame[] {
  const frames: EngineFrame[] = [];
  const decoder = createFrameDecoder();
  output.on('data', (chunk: Buffer) => {
    for (const decoded of decoder.push(chunk)) if (decoded.type === 'frame') frames.push(JSON.parse(decoded.text) as EngineFrame);
  });
  return frames;
}

function decodeAll(chunks: Buffer[]): EngineFrame[] {
  const decoder = createFrameDecoder();
  return decoder
    .push(Buffer.concat(chunks))
    .flatMap((decoded) => (decoded.type === 'frame' ? [JSON.parse(decoded.text) as EngineFrame] : []));
}

// Keeps the type guard import honest: errors rebuilt by the loopback are real LiterLLMErrors.
export function assertLiterLLMError(error: unknown): asserts error is LiterLLMError {
  if (!isLiterLLMError(error)) throw new Error('not a LiterLLMError');
}
