/**
 * Drain over real sockets with the real engine: calls still running at the drain deadline are cut
 * by aborting their engine calls (not only by closing their sockets), and their callers get a 503
 * in the endpoint's own format: a JSON error body, or an in-band error event for a stream that
 * already said 200. Then the provider's permits are back and the upstream saw the aborts.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import type { ReloadableEngine } from '../engine/create-engine-core.js';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { startGateway, type RunningGateway } from './start-gateway.js';

let upstream: MockProviderServer;
let engine: ReloadableEngine;
let running: RunningGateway | undefined;

beforeAll(async () => {
  // "hang" in the prompt: the upstream sends its status line (and for a stream, its first two
  // events), then nothing more, as a stuck model server would.
  upstream = await MockProviderServer.start({
    handler: async (request) => {
      const hang = JSON.stringify(request.json).includes('hang');
      const response = await echoOpenAIHandler(request);
      if (!hang) return response;
      return Array.isArray(response.body)
        ? { ...response, hangAfterChunks: 2 }
        : { ...response, body: '{"id":', hangAfterChunks: 1 };
    },
  });
});

beforeEach(() => {
  engine = createEngine({
    providers: { echo: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, maxConcurrency: 4, maxRetries: 0 } },
  });
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  await engine.close();
  upstream.requests.length = 0;
});

afterAll(() => upstream.close());

function post(path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${running!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const chatBody = (stream: boolean) => ({ model: 'echo/m', stream, messages: [{ role: 'user', content: 'hang please' }] });
const messagesBody = (stream: boolean) => ({ ...chatBody(stream), max_tokens: 16 });

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function inFlight(): number {
  return engine.stats().find((provider) => provider.name === 'echo')?.inFlight ?? -1;
}

const DRAIN_TIMEOUT_MS = 150;

describe('drain cuts what is still running at its deadline', () => {
  it('JSON calls get a 503 error body in the endpoint format, within the deadline, and their engine calls end', async () => {
    running = await startGateway({ engine, config: { drainTimeoutMs: DRAIN_TIMEOUT_MS }, host: '127.0.0.1', port: 0 });
    const openAI = post('/v1/chat/completions', chatBody(false));
    const anthropic = post('/v1/messages', messagesBody(false));
    await waitFor(() => upstream.requests.length === 2 && inFlight() === 2);
    const started = Date.now();
    const result = await running.drain();
    const took = Date.now() - started;
    expect(result).toEqual({ completed: false, abandoned: 2 });
    expect(took).toBeGreaterThanOrEqual(DRAIN_TIMEOUT_MS - 10);
    expect(took).toBeLessThan(DRAIN_TIMEOUT_MS + 1_000);

    const openAIResponse = await openAI;
    expect(openAIResponse.status).toBe(503);
    expect(openAIResponse.headers.get('connection')).toBe('close');
    expect(await openAIResponse.json()).toMatchObject({
      error: {
        type: 'service_unavailable_error',
        code: 'provider_unavailable',
        retryable: true,
        message: expect.stringContaining('drain'),
      },
    });
    const anthropicResponse = await anthropic;
    expect(anthropicResponse.status).toBe(503);
    expect(await anthropicResponse.json()).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: expect.stringContaining('drain') },
    });

    await upstream.waitForAborts(2);
    await waitFor(() => inFlight() === 0);
    const metrics = await running.handler.metrics.render();
    expect(metrics.body).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="503"} 1');
  });

  it('streams that already said 200 end with an in-band error event', async () => {
    running = await startGateway({ engine, config: { drainTimeoutMs: DRAIN_TIMEOUT_MS }, host: '127.0.0.1', port: 0 });
    const openAI = await post('/v1/chat/completions', chatBody(true));
    const anthropic = await post('/v1/messages', messagesBody(true));
    expect([openAI.status, anthropic.status]).toEqual([200, 200]);
    const started = Date.now();
    const result = await running.drain();
    expect(Date.now() - started).toBeLessThan(DRAIN_TIMEOUT_MS + 1_000);
    expect(result).toEqual({ completed: false, abandoned: 2 });

    const openAIText = await openAI.text();
    const lastOpenAIEvent = openAIText.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(lastOpenAIEvent.slice('data: '.length))).toMatchObject({
      error: { type: 'service_unavailable_error', code: 'provider_unavailable', message: expect.stringContaining('drain') },
    });
    const anthropicText = await anthropic.text();
    expect(anthropicText.trim().split('\n\n').at(-1)).toMatch(/^event: error\ndata: .*"overloaded_error".*drain/s);

    await upstream.waitForAborts(2);
    await waitFor(() => inFlight() === 0);
  });
});

describe('drain delay (server.drain_delay_ms)', () => {
  it('answers /readyz 503 while still accepting new connections and calls, then stops accepting', async () => {
    running = await startGateway({ engine, config: { drainDelayMs: 300, drainTimeoutMs: 1_000 }, host: '127.0.0.1', port: 0 });
    const { url } = running;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const started = Date.now();
    const drained = running.drain();
    // A new connection each time (a load balancer's probe, a caller that has not noticed yet).
    const readiness = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toEqual({ status: 'draining' });
    const call = await post('/v1/chat/completions', { model: 'echo/m', messages: [{ role: 'user', content: 'still served' }] });
    expect(call.status).toBe(200);
    // Served, but asked to reconnect (elsewhere) for the next one.
    expect(call.headers.get('connection')).toBe('close');
    expect(await call.json()).toMatchObject({ choices: [{ message: { content: 'Echo: still served' } }] });
    expect(await drained).toEqual({ completed: true, abandoned: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it('close() during the delay stops at once', async () => {
    running = await startGateway({ engine, config: { drainDelayMs: 60_000 }, host: '127.0.0.1', port: 0 });
    const started = Date.now();
    const drained = running.drain();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await running.close();
    expect(await drained).toEqual({ completed: true, abandoned: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
