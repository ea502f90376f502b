// node drive.mjs VARIANT [REQUESTS] [CONCURRENCY]; env STREAM=1 (SSE upstream, stream:true), KEYS=1 (bearer key).
// Pins the server to CPU 1 and this driver and the upstream to CPU 0, warms up with 5,000
// requests, then reports the server's CPU time per request (user + system, all its threads).
import { fork } from 'node:child_process';
import { Pool } from 'undici';

const [variant, total = 20000, concurrency = 16] = [process.argv[2], Number(process.argv[3] ?? 20000), Number(process.argv[4] ?? 16)];
const stream = process.env.STREAM === '1';
const here = new URL('.', import.meta.url).pathname;
function start(args, cpu, env = {}) {
  const child = fork(`${here}${args[0]}`, args.slice(1), { env: { ...process.env, ...env }, execPath: 'taskset', execArgv: ['-c', cpu, process.execPath] });
  return new Promise((resolve) => child.once('message', (message) => resolve({ child, port: message.port })));
}
const ask = (child, message) => new Promise((resolve) => { child.once('message', resolve); child.send(message); });
const upstream = await start(['upstream.mjs', stream ? 'sse' : 'json'], '0');
const server = await start(['server.mjs', variant], '1', { UPSTREAM: `http://127.0.0.1:${upstream.port}` });
const stop = () => { server.child.kill(); upstream.child.kill(); };
process.on('unhandledRejection', (error) => { console.error(String(error)); stop(); process.exit(1); });

const pool = new Pool(`http://127.0.0.1:${server.port}`, { connections: concurrency });
const body = JSON.stringify({
  model: 'openai/gpt-4o-mini', temperature: 0.2, max_tokens: 64, ...(stream && { stream: true }),
  messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Say hello in one short sentence please.' }],
});
const headers = { 'content-type': 'application/json', ...(process.env.KEYS === '1' && { authorization: 'Bearer bench-key' }) };
async function run(count) {
  let next = 0;
  async function worker() {
    while (next++ < count) {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
}
await run(5000);
await ask(server.child, 'reset');
const started = performance.now();
await run(total);
const seconds = (performance.now() - started) / 1000;
const { cpuMicros, rss } = await ask(server.child, 'report');
console.log(JSON.stringify({ variant: `${variant}${stream ? ' (stream)' : ''}${process.env.KEYS === '1' ? ' (api keys)' : ''}`, total, concurrency, cpuMicrosPerRequest: +(cpuMicros / total).toFixed(1), requestsPerSecond: Math.round(total / seconds), rssMB: Math.round(rss / 1e6) }));
stop();
await pool.close();
