import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { failureOf } from '../testing/failure-of.js';
import { spawnEngineClient, type EngineProcessClient } from './spawn-engine-client.js';

// A real engine process (serveProtocol on its stdin/stdout, a hanging scripted stream).
const FIXTURE = fileURLToPath(new URL('./__fixtures__/serve-stdio.mjs', import.meta.url));
const STREAM = { model: 'a/m', messages: [{ role: 'user' as const, content: 'hi' }] };
const clients: EngineProcessClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) if (client.pid !== undefined) await client.close();
});

function start(): EngineProcessClient {
  const client = spawnEngineClient({ command: [process.execPath, FIXTURE] });
  clients.push(client);
  return client;
}

describe('spawnEngineClient', () => {
  it('drives an engine process: handshake, a stream, break sends cancel, and close ends it with exit 0', async () => {
    const engine = start();
    expect(await engine.initialized).toMatchObject({ protocolVersion: expect.any(String) });
    const stream = engine.chatStream(STREAM);
    const events: string[] = [];
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'text-delta') break;
    }
    expect(events).toEqual(['start', 'text-delta']);
    expect(await engine.nextFrame(stream.id)).toMatchObject({ type: 'error', error: { code: 'cancelled' } });
    expect(await engine.close()).toEqual({ code: 0, signal: null });
  });

  it('fails the calls in flight at once when the engine dies, and the calls after it too', async () => {
    const engine = start();
    const iterator = engine.chatStream(STREAM)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'start' });
    process.kill(engine.pid!, 'SIGKILL');
    const error = await failureOf(
      (async () => {
        for (;;) if ((await iterator.next()).done === true) return;
      })(),
    );
    expect(error).toMatchObject({ code: 'internal', message: 'the engine ended before answering the call' });
    expect(await failureOf(engine.models())).toMatchObject({ code: 'internal' });
    expect(await engine.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });
});
