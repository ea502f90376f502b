#!/usr/bin/env node
// Per-call cost of POST /v1/engine/chat (the stdio protocol's chat over HTTP, what the bindings'
// HTTP mode calls) next to POST /v1/chat/completions (the OpenAI wire), for one simple JSON call:
// the same gateway (`liter-llm serve` of this checkout), the same Go mock upstream at 0 ms, the
// same closed-loop client (an undici Pool), the two endpoints alternating round by round so the
// shared machine's drift hits both alike. Prints calls/s (the median of the rounds) and the mean µs per call it implies.
//
//   npx tsc -b && node bench/engine-endpoint-overhead.mjs [--concurrency 1,16] [--rounds 6] [--duration-ms 3000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { killAllStarted, stopProcess } from './lib/bench-processes.mjs';
import { readCPUMicros } from './lib/proc-stats.mjs';
import { createRequestBody, startLiterLLMGateway, startMockUpstream } from './lib/bench-servers.mjs';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '1,16' },
    rounds: { type: 'string', default: '6' },
    'duration-ms': { type: 'string', default: '3000' },
    'warmup-ms': { type: 'string', default: '1500' },
  },
});
const levels = values.concurrency.split(',').map(Number);
const rounds = Number(values.rounds);
const durationMs = Number(values['duration-ms']);
const warmupMs = Number(values['warmup-ms']);
const root = path.resolve(import.meta.dirname, '..');

const openAI = createRequestBody('bench/m', false);
const engine = {
  params: {
    model: 'bench/m',
    messages: openAI.messages,
    maxTokens: openAI.max_tokens,
    temperature: openAI.temperature,
  },
};
const endpoints = [
  {
    name: '/v1/chat/completions',
    path: '/v1/chat/completions',
    body: JSON.stringify(openAI),
    text: (json) => json.choices[0].message.content,
  },
  { name: '/v1/engine/chat', path: '/v1/engine/chat', body: JSON.stringify(engine), text: (json) => json.result.text },
];

async function callOnce(pool, endpoint) {
  const { statusCode, body } = await pool.request({
    path: endpoint.path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: endpoint.body,
  });
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`${endpoint.name} answered ${statusCode}: ${text.slice(0, 200)}`);
  return text;
}

/** Closed loop: `concurrency` callers, each sending its next call when the last one is answered. */
async function runLoop(pool, endpoint, concurrency, ms, gatewayPid) {
  const deadline = performance.now() + ms;
  let calls = 0;
  const cpuBefore = readCPUMicros(gatewayPid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await callOnce(pool, endpoint);
        calls++;
      }
    }),
  );
  const rate = (calls / (performance.now() - started)) * 1000;
  return { rate, gatewayCPUMicros: (readCPUMicros(gatewayPid) - cpuBefore) / calls };
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const workDir = mkdtempSync(path.join(tmpdir(), 'engine-endpoint-'));
try {
  const upstream = await startMockUpstream();
  const gateway = await startLiterLLMGateway({ name: 'liter-llm', root, upstreamPort: upstream.port, workDir });
  console.log(
    `node ${process.version}, ${rounds} rounds of ${durationMs} ms per endpoint and concurrency, endpoints alternating`,
  );
  console.log(
    '| concurrency | endpoint | calls/s, median (range of rounds) | µs per call (mean latency) | Δ µs per call, median of per-round pairs | gateway CPU µs per call (median) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const concurrency of levels) {
    const pool = new Pool(`http://127.0.0.1:${gateway.port}`, { connections: concurrency, pipelining: 1 });
    for (const endpoint of endpoints) {
      const answer = JSON.parse(await callOnce(pool, endpoint));
      if (!String(endpoint.text(answer)).includes('fox')) throw new Error(`${endpoint.name}: unexpected answer`);
      await runLoop(pool, endpoint, concurrency, warmupMs, gateway.handle.pid);
    }
    const results = new Map(endpoints.map((endpoint) => [endpoint.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? endpoints : [...endpoints].reverse();
      for (const endpoint of order)
        results.get(endpoint.name).push(await runLoop(pool, endpoint, concurrency, durationMs, gateway.handle.pid));
    }
    // Closed loop: each of the `concurrency` callers waits for its answer, so latency = concurrency / rate.
    const micros = (rate) => (concurrency / rate) * 1e6;
    const baseline = results.get(endpoints[0].name);
    for (const endpoint of endpoints) {
      const cells = results.get(endpoint.name);
      const rates = cells.map((cell) => cell.rate);
      // The two endpoints of one round ran back to back: their difference is the least disturbed by drift.
      const delta = median(cells.map((cell, round) => micros(cell.rate) - micros(baseline[round].rate)));
      const cpu = median(cells.map((cell) => cell.gatewayCPUMicros));
      const range = `${Math.min(...rates).toFixed(0)}–${Math.max(...rates).toFixed(0)}`;
      const shown = endpoint === endpoints[0] ? '' : `${delta >= 0 ? '+' : ''}${delta.toFixed(0)}`;
      console.log(
        `| ${concurrency} | ${endpoint.name} | ${median(rates).toFixed(0)} (${range}) | ${micros(median(rates)).toFixed(0)} | ${shown} | ${cpu.toFixed(0)} |`,
      );
    }
    await pool.close();
  }
  await stopProcess(gateway.handle);
  await stopProcess(upstream.handle);
} finally {
  killAllStarted();
  rmSync(workDir, { recursive: true, force: true });
}
