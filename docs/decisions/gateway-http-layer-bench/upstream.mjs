// A fast local provider: `json` answers a fixed chat.completion, `sse` a 52-event stream written
// one event per write. Prints its port over IPC.
import { createServer } from 'node:http';

const kind = process.argv[2] ?? 'json';
const completion = JSON.stringify({
  id: 'chatcmpl-1', object: 'chat.completion', created: 1700000000, model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21, prompt_tokens_details: { cached_tokens: 0 } },
  system_fingerprint: 'fp_1',
});
const head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":';
const events = [`data: ${head}{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}\n\n`];
for (let i = 0; i < 50; i++) events.push(`data: ${head}{"content":"tok${i} "},"logprobs":null,"finish_reason":null}]}\n\n`);
events.push(`data: ${head}{},"logprobs":null,"finish_reason":"stop"}]}\n\n`);
events.push('data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":50,"total_tokens":62}}\n\n', 'data: [DONE]\n\n');

const server = createServer((request, response) => {
  request.resume();
  request.on('end', async () => {
    if (kind === 'json') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
      response.end(completion);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of events) {
      response.write(event);
      await new Promise((resolve) => setImmediate(resolve));
    }
    response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
