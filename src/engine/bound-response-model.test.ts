import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../spec/chat-request.js';
import type { EmbedRequest } from '../spec/embed.js';
import type { CallOptions, Provider } from '../spec/provider.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { ScriptedProvider } from '../testing/create-scripted-provider.js';
import { validateConfigInput } from './config/validate-config-input.js';
import { createEngineCore } from './create-engine-core.js';
import { engineChannels, type RequestContext } from './engine-events.js';
import { MAX_MODEL_NAME_BYTES } from './validate-request.js';

const USER = [{ role: 'user' as const, content: 'hi' }];

/** A provider whose answers name `served` as their model, whatever was asked (a server that echoes or invents). */
function servingModel(served: string): Provider {
  const inner = new ScriptedProvider('local');
  return {
    specificationVersion: 'v1',
    name: 'local',
    type: 'openai-compatible',
    chat: async (request: ChatRequest, options?: CallOptions) => ({ ...(await inner.chat(request, options)), model: served }),
    embed: async (request: EmbedRequest, options?: CallOptions) => ({ ...(await inner.embed(request, options)), model: served }),
    async chatStream(request: ChatRequest, options?: CallOptions) {
      const events = await inner.chatStream(request, options);
      return (async function* (): AsyncGenerator<StreamEvent> {
        for await (const event of events) yield event.type === 'start' ? { ...event, model: served } : event;
      })();
    },
    close: () => inner.close(),
  };
}

function engineServing(served: string) {
  const result = validateConfigInput({ providers: { local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9' } } });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return createEngineCore(result.config, { providerFactories: { 'openai-compatible': () => servingModel(served) } });
}

describe('the model an upstream says it served', () => {
  it('is replaced by the model the engine asked for when it is longer than the model name limit', async () => {
    const engine = engineServing('x'.repeat(9_000_000));
    const seen: RequestContext[] = [];
    const onEnd = (message: unknown) => seen.push(message as RequestContext);
    engineChannels.requestEnd.subscribe(onEnd);
    try {
      expect((await engine.chat({ model: 'local/small', messages: USER })).model).toBe('small');
      expect((await engine.embed({ model: 'local/small', input: 'a' })).model).toBe('small');
      const events: StreamEvent[] = [];
      for await (const event of engine.chatStream({ model: 'local/small', messages: USER })) events.push(event);
      expect(events[0]).toMatchObject({ type: 'start', model: 'small' });
      expect(seen.map((context) => context.responseModel)).toEqual(['small', 'small', 'small']);
    } finally {
      engineChannels.requestEnd.unsubscribe(onEnd);
      await engine.close();
    }
  });

  it('is kept as served when it fits', async () => {
    const served = `org/${'m'.repeat(MAX_MODEL_NAME_BYTES - 4)}`;
    const engine = engineServing(served);
    expect((await engine.chat({ model: 'local/small', messages: USER })).model).toBe(served);
    await engine.close();
  });
});
