import { spawn } from 'node:child_process';
import { Pool, Agent, request } from 'undici';
import { createEngine } from '/work/main/dist/create-engine.js';
const up = spawn('taskset', ['-c', '0', process.execPath, '/work/main/bench/mock-upstream.mjs', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => { let out = ''; up.stdout.on('data', (d) => { out += d; const m = /(http:\/\/[\d.:]+)/.exec(out); if (m) resolve(m[1]); }); });
const body = JSON.stringify({ model: 'bench-0ms', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there, how are you today?' }] });
const pool = new Pool(url, { connections: 64, pipelining: 1 });
const agent = new Agent({ connections: 64, pipelining: 1 });
const engine = createEngine({ providers: { up: { type: 'openai-compatible', baseURL: `${url}/v1`, maxConcurrency: 1000, maxRetries: 0 } } });
const canonical = { model: 'up/bench-0ms', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there, how are you today?' }] };
const variants = {
  pool: async () => { const r = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body }); await r.body.json(); },
  agent: async () => { const r = await request(`${url}/v1/chat/completions`, { dispatcher: agent, method: 'POST', headers: { 'content-type': 'application/json' }, body }); await r.body.json(); },
  engine: async () => { await engine.chat(canonical); },
};
async function measure(name, fn, n = 20000, c = 16) {
  let left = n; const worker = async () => { while (left-- > 0) await fn(); };
  await Promise.all(Array.from({ length: c }, worker));
  left = n; const t0 = process.cpuUsage(); const w0 = performance.now();
  await Promise.all(Array.from({ length: c }, worker));
  const cpu = process.cpuUsage(t0); return `${name}: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/call, ${(n / ((performance.now() - w0) / 1000)).toFixed(0)} calls/s`;
}
for (const round of [1, 2]) for (const [name, fn] of Object.entries(variants)) console.log(await measure(name, fn));
up.kill(); await engine.close(); await pool.close(); await agent.close();
