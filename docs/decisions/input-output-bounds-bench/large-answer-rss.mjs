// Peak RSS of the gateway process while it serves N concurrent /v1/embeddings calls whose upstream
// answer is ~SIZE_MB of float JSON. The upstream and the clients run in a child process.
// usage (after npx tsc -b): node --expose-gc docs/decisions/input-output-bounds-bench/large-answer-rss.mjs dist [concurrency=1] [sizeMB=50] [maxResponseBytes]
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { resolve } from 'node:path';
const [distArg, concurrencyArg = '1', sizeArg = '50', limitArg] = process.argv.slice(2);
const dist = resolve(distArg ?? 'dist');
if (process.env.CHILD === '1') {
  const size = Number(sizeArg) * 1e6;
  const vector = Array.from({ length: 3072 }, (_, i) => Math.fround(Math.sin(i) / 10));
  const embedding = JSON.stringify(vector);
  const count = Math.ceil(size / (embedding.length + 40));
  const items = Array.from({ length: count }, (_, index) => `{"object":"embedding","index":${index},"embedding":${embedding}}`);
  const body = `{"object":"list","model":"m","usage":{"prompt_tokens":1,"total_tokens":1},"data":[${items.join(',')}]}`;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, bytes: body.length }));
  process.on('message', async ({ url, concurrency }) => {
    const results = await Promise.all(
      Array.from({ length: concurrency }, async () => {
        const answer = await fetch(`${url}/v1/embeddings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'local/m', input: Array.from({ length: count }, () => 'a') }),
        });
        const text = await answer.text();
        return answer.status === 200 ? `200:${text.length}` : `${answer.status}:${text.slice(0, 300)}`;
      }),
    );
    process.send({ results });
  });
} else {
  const { createEngine } = await import(`${dist}/create-engine.js`);
  const { startGateway } = await import(`${dist}/gateway/start-gateway.js`);
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), { env: { ...process.env, CHILD: '1' } });
  const { port, bytes } = await new Promise((resolve) => child.once('message', resolve));
  const engine = createEngine({
    providers: {
      local: {
        type: 'openai-compatible',
        baseURL: `http://127.0.0.1:${port}/v1`,
        maxRetries: 0,
        timeoutMs: 120000,
        ...(limitArg && { maxResponseBytes: Number(limitArg) }),
      },
    },
  });
  const gateway = await startGateway({ engine, host: '127.0.0.1', port: 0, config: { maxBodyBytes: 1e6 } });
  global.gc?.();
  const idle = process.memoryUsage().rss;
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  const started = performance.now();
  child.send({ url: gateway.url, concurrency: Number(concurrencyArg) });
  const { results } = await new Promise((resolve) => child.once('message', resolve));
  clearInterval(timer);
  const mb = (value) => `${Math.round(value / 1048576)} MB`;
  console.log(
    `answer ${(bytes / 1e6).toFixed(1)} MB x ${concurrencyArg}: idle RSS ${mb(idle)}, peak RSS ${mb(peak)}, ${Math.round(performance.now() - started)} ms, results ${[...new Set(results)].join(' ')}`,
  );
  child.kill();
  await gateway.close();
  await engine.close();
}
