/**
 * Credentials configured as headers (`providers.NAME.headers`: an Azure `api-key`, a custom
 * `authorization: Bearer …`, a vendor token) are as secret as `api_key`: upstream answers that quote
 * them back must not carry them (nor the API key) into errors or logs, whichever path the answer takes.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/create-engine.js';
import type { ReloadableEngine } from '../src/engine/create-engine-core.js';
import { isLiterLLMError } from '../src/spec/errors.js';
import { createTelemetry, type Telemetry } from '../src/telemetry/create-telemetry.js';
import { MockProviderServer, type ScriptedResponse } from '../src/testing/mock-provider-server.js';

const API_KEY = 'sk-api-key-0123456789abcdef';
const AZURE_KEY = 'azure0123456789abcdef0123456789ab';
const BEARER_TOKEN = 'custom-bearer-token-5566778899';
const VENDOR_TOKEN = 'vendor-token-aabbccddeeff';
const SECRETS = [API_KEY, AZURE_KEY, BEARER_TOKEN, VENDOR_TOKEN];
const QUOTED = `api key ${API_KEY}, key ${AZURE_KEY}, token ${BEARER_TOKEN}, vendor ${VENDOR_TOKEN}`;
const USER = [{ role: 'user' as const, content: 'Hello there' }];

class LineCollector extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    callback();
  }
}

let upstream: MockProviderServer;
let engine: ReloadableEngine;
let telemetry: Telemetry;
const output = new LineCollector();

beforeAll(async () => {
  upstream = await MockProviderServer.start();
  const headers = { 'api-key': AZURE_KEY, Authorization: `Bearer ${BEARER_TOKEN}`, 'X-Vendor-Token': VENDOR_TOKEN };
  engine = createEngine(
    {
      providers: {
        azure: { type: 'openai-compatible', baseURL: `${upstream.url}/v1`, apiKey: API_KEY, headers, maxRetries: 0 },
        anthropic: { baseURL: upstream.url, apiKey: API_KEY, headers, maxRetries: 0 },
        huggingface: { baseURL: upstream.url, apiKey: API_KEY, headers, maxRetries: 0 },
      },
    },
    { random: () => 0 },
  );
  telemetry = await createTelemetry({
    env: { LITER_LLM_LOG_LEVEL: 'debug' },
    logs: { destination: output },
    tracing: false,
    engine,
  });
});

afterAll(async () => {
  await telemetry.shutdown();
  await engine.close();
  await upstream.close();
});

async function messageOf(call: () => Promise<unknown>, response: ScriptedResponse): Promise<string> {
  upstream.enqueue(response);
  try {
    await call();
  } catch (error) {
    if (isLiterLLMError(error)) return `${error.message}\n${error.stack ?? ''}`;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const json = (status: number, body: unknown): ScriptedResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const chat = (model: string) => () => engine.chat({ model, messages: USER });

describe('configured header values never reach errors or logs', () => {
  it('reach the upstream as configured', async () => {
    upstream.enqueue(json(401, { error: { message: 'denied' } }));
    await chat('azure/m')().catch(() => undefined);
    expect(upstream.lastRequest!.headers).toMatchObject({
      'api-key': AZURE_KEY,
      authorization: `Bearer ${BEARER_TOKEN}`,
      'x-vendor-token': VENDOR_TOKEN,
    });
  });

  it.each([
    ['an OpenAI-compatible 401', 'azure/m', json(401, { error: { message: `Access denied: invalid subscription ${QUOTED}` } })],
    [
      'an Anthropic 401',
      'anthropic/claude-haiku-4-5',
      json(401, { type: 'error', error: { type: 'authentication_error', message: QUOTED } }),
    ],
    [
      'a Hugging Face 401',
      'huggingface/org/model',
      json(401, { error: `Invalid credentials in Authorization header: ${QUOTED}` }),
    ],
    [
      'a 200 that is not JSON',
      'azure/m',
      { status: 200, headers: { 'content-type': 'text/html' }, body: `<p>proxy: ${QUOTED}</p>` },
    ],
    ['an error object in a 200 answer', 'azure/m', json(200, { object: 'error', message: `bad request: ${QUOTED}`, code: 400 })],
  ])('%s that quotes them', async (_name, model, response) => {
    const message = await messageOf(chat(model), response);
    expect(message).toContain('[REDACTED]');
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it('a stream chunk that quotes them', async () => {
    const message = await messageOf(
      async () => {
        for await (const event of engine.chatStream({ model: 'azure/m', messages: USER })) void event;
      },
      { status: 200, headers: { 'content-type': 'text/event-stream' }, body: `data: not json ${QUOTED}\n\n` },
    );
    expect(message).toContain('[REDACTED]');
    for (const secret of SECRETS) expect(message).not.toContain(secret);
  });

  it('nothing logged carries them, the config included', () => {
    telemetry.logger!.info({ config: engine.config }, 'config loaded');
    telemetry.logger!.warn(`retrying with ${QUOTED}`);
    const logged = output.lines.join('\n');
    expect(logged).toContain('config loaded');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
  });
});
