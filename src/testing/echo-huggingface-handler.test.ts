import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHuggingFaceProvider } from '../providers/huggingface/create-huggingface-provider.js';
import type { LiterLLMError } from '../spec/errors.js';
import type { StreamEvent } from '../spec/stream-event.js';
import { echoHuggingFaceHandler } from './echo-huggingface-handler.js';
import { createEchoEmbedding } from './echo-openai-handler.js';
import { MockProviderServer } from './mock-provider-server.js';

let server: MockProviderServer;

beforeAll(async () => {
  server = await MockProviderServer.start({ handler: echoHuggingFaceHandler });
});
afterAll(async () => {
  await server.close();
});

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
const textOf = (events: StreamEvent[]) => events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');

describe('echoHuggingFaceHandler, driven by the Hugging Face adapter', () => {
  it('answers the TGI chat route as JSON and as a stream with usage', async () => {
    const provider = createHuggingFaceProvider({ baseURL: server.url });
    const response = await provider.chat({ model: 'tgi', messages: [{ role: 'user', content: 'Hello TGI' }] });
    expect(response).toMatchObject({ id: '', model: 'tgi', text: 'Echo: Hello TGI', finishReason: 'stop' });
    expect(response.providerMetadata).toMatchObject({ system_fingerprint: '3.0.1-sha-echo' });

    const events = await collect(await provider.chatStream({ model: 'tgi', messages: [{ role: 'user', content: 'Hello TGI' }] }));
    expect(textOf(events)).toBe('Echo: Hello TGI');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { outputTokens: 3 } });
    await provider.close();
  });

  it('answers /generate and /generate_stream, echoing the last user block of the rendered transcript', async () => {
    const provider = createHuggingFaceProvider({ baseURL: server.url, chatAPI: 'tgi-generate' });
    const request = {
      model: 'tgi',
      messages: [
        { role: 'system' as const, content: 'Be brief.' },
        { role: 'user' as const, content: 'What is TGI?' },
      ],
    };
    const response = await provider.chat(request);
    expect(response).toMatchObject({
      text: 'Echo: What is TGI?',
      finishReason: 'stop',
      rawFinishReason: 'eos_token',
      usage: { outputTokens: 5 },
    });

    const events = await collect(await provider.chatStream({ ...request, maxTokens: 2 }));
    expect(textOf(events)).toBe('Echo: What ');
    expect(events.at(-1)).toMatchObject({ finishReason: 'length', rawFinishReason: 'length', usage: { outputTokens: 2 } });
    await provider.close();
  });

  it('answers TEI /embed and the hosted feature-extraction route with the deterministic vectors', async () => {
    const tei = createHuggingFaceProvider({ baseURL: server.url, embedAPI: 'tei' });
    const batch = await tei.embed({ model: 'bge', input: ['a', 'b'] });
    expect(batch.embeddings).toEqual([createEchoEmbedding('a', 384), createEchoEmbedding('b', 384)]);
    expect(batch.usage.inputTokens).toBe(2);
    const hosted = createHuggingFaceProvider({ baseURL: server.url, embedAPI: 'feature-extraction' });
    const single = await hosted.embed({ model: 'sentence-transformers/all-MiniLM-L6-v2', input: 'a' });
    expect(server.lastRequest!.url).toBe(
      '/hf-inference/models/sentence-transformers/all-MiniLM-L6-v2/pipeline/feature-extraction',
    );
    expect(single.embeddings).toEqual([createEchoEmbedding('a', 384)]);
    expect(single.warnings).toEqual([]);
    await tei.close();
    await hosted.close();
  });

  it('answers malformed and oversize requests with TGI error shapes the adapter maps', async () => {
    const provider = createHuggingFaceProvider({ baseURL: server.url, chatAPI: 'tgi-generate' });
    const empty = (await provider
      .chat({ model: 'tgi', messages: [{ role: 'user', content: '' }] })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(empty).toMatchObject({ code: 'invalid_request', status: 422 });
    expect(empty.message).toContain('`inputs` cannot be empty (type validation)');
    const tooLong = (await provider
      .chat({ model: 'tgi', messages: [{ role: 'user', content: 'x' }], maxTokens: 10_000 })
      .catch((caught: unknown) => caught)) as LiterLLMError;
    expect(tooLong).toMatchObject({ code: 'context_length_exceeded', status: 422 });
    await provider.close();
  });

  it('answers a body that does not deserialize with a text/plain 422, like TGI', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"tgi"}',
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toMatch(/^Failed to deserialize the JSON body into the target type: missing field `messages`/);
  });
});
