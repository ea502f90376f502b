/** startGateway over real sockets: oversized bodies, drain with and without a timeout, close. */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { createChatResponse, createScriptedEngine } from './testing/create-scripted-engine.js';

const CHAT_BODY = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
let running: RunningGateway | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a body in pieces (chunked, no Content-Length unless given) and reads the answer, even if the server stops reading early. */
function send(url: string, pieces: Buffer[], headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}/v1/chat/completions`,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
      },
    );
    // The server may close the connection before the whole body went out; the answer still counts.
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    void (async () => {
      for (const piece of pieces) {
        if (request.destroyed) return;
        if (!request.write(piece)) await new Promise((resolve) => request.once('drain', resolve));
      }
      request.end();
    })();
  });
}

describe('startGateway', () => {
  it('refuses to start with api keys that are all blank, rather than without authentication', async () => {
    const engine = createScriptedEngine({ chat: () => createChatResponse() });
    await expect(startGateway({ engine, config: { apiKeys: [''] }, host: '127.0.0.1', port: 0 })).rejects.toThrow(
      /server\.apiKeys holds no usable key/,
    );
  });

  it('answers an oversized chunked body with 413 while it is still being sent', async () => {
    const engine = createScriptedEngine({ chat: () => createChatResponse() });
    running = await startGateway({ engine, config: { maxBodyBytes: 1024 }, host: '127.0.0.1', port: 0 });
    const pieces = Array.from({ length: 256 }, () => Buffer.alloc(16 * 1024, 'x'));
    const response = await send(running.url, pieces);
    expect(response.status).toBe(413);
    // The rest of the body is read and dropped, not reset (start-gateway-connections.test.ts), so no close is needed.
    expect(response.headers['connection']).not.toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(engine.calls).toHaveLength(0);
  });

  it('refuses a declared Content-Length over the limit at once', async () => {
    const engine = createScriptedEngine({ chat: () => createChatResponse() });
    running = await startGateway({ engine, config: { maxBodyBytes: 1024 }, host: '127.0.0.1', port: 0 });
    const body = Buffer.alloc(64 * 1024, ' ');
    const response = await send(running.url, [body], { 'content-length': String(body.length) });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: { message: expect.stringContaining('65536 bytes') } });
  });

  it('drain() lets the request in flight finish, refuses new connections, and reports completion', async () => {
    let release!: () => void;
    const engine = createScriptedEngine({
      chat: () => new Promise((resolve) => (release = () => resolve(createChatResponse({ text: 'late' })))),
    });
    running = await startGateway({ engine, host: '127.0.0.1', port: 0 });
    const { url } = running;
    const pending = send(url, [Buffer.from(CHAT_BODY)]);
    await waitFor(() => engine.calls.length === 1);
    const drained = running.drain(2_000);
    expect(running.handler.draining).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    release();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ choices: [{ message: { content: 'late' } }] });
    expect(await drained).toEqual({ completed: true, abandoned: 0 });
  });

  it('drain() gives up after the timeout, cuts what is left with a 503 and closes it', async () => {
    const engine = createScriptedEngine({
      chat: (_request, options) =>
        new Promise((_, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal?.reason as Error))),
    });
    running = await startGateway({ engine, config: { drainTimeoutMs: 100 }, host: '127.0.0.1', port: 0 });
    const pending = send(running.url, [Buffer.from(CHAT_BODY)]);
    await waitFor(() => engine.calls.length === 1);
    const started = Date.now();
    const result = await running.drain();
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(result).toEqual({ completed: false, abandoned: 1 });
    const response = await pending;
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: 'provider_unavailable', message: expect.stringContaining('drain deadline') },
    });
    // The drain deadline aborted the engine call itself, with the error the caller got.
    expect(engine.calls[0]?.options?.signal?.aborted).toBe(true);
    expect(String(engine.calls[0]?.options?.signal?.reason)).toContain('drain deadline');
  });

  it('reports a loopback URL when bound to every interface', async () => {
    running = await startGateway({ engine: createScriptedEngine(), host: '0.0.0.0', port: 0 });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
