#!/usr/bin/env node
// A soak of the gateway: mixed traffic for a while, then the checks that nothing leaked or was lost.
//
//   node bench/soak-gateway.mjs [--seconds 60] [--clients 16]
//
// Starts the mock upstream (bench/mock-upstream/, Go) and `liter-llm serve` (dist/: run `npx tsc -b` first), then runs
// three kinds of clients side by side, `--clients` of each: JSON calls, streams read to the end, and
// streams the client abandons after three chunks (the gateway must abort the upstream call and free
// its permit). Afterwards it checks, and exits 1 when any check fails:
//   - every answer was whole: JSON with the completion, streams ending in [DONE];
//   - `liter_llm_inflight_requests` is back to 0 (no permit leaked);
//   - every response the gateway counted has its JSON request log line (none lost);
//   - RSS in the last third of the run is not above the first third's peak by more than 25%.
// All traffic is on 127.0.0.1 and the run stops by itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { killAllStarted, stopProcess } from './lib/bench-processes.mjs';
import { createRequestBody, startLiterLLMGateway, startMockUpstream } from './lib/bench-servers.mjs';
import { readMemory } from './lib/proc-stats.mjs';

const ROOT_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { values: options } = parseArgs({
  options: { seconds: { type: 'string', default: '60' }, clients: { type: 'string', default: '16' } },
});
const seconds = Number(options.seconds);
const clients = Number(options.clients);

const requestBody = (stream) => JSON.stringify(createRequestBody('bench/bench-0ms', stream));

async function runClient(pool, kind, until, counts) {
  while (Date.now() < until) {
    const controller = new AbortController();
    try {
      const response = await pool.request({
        path: '/v1/chat/completions',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody(kind !== 'json'),
        signal: controller.signal,
      });
      if (kind === 'abandon') {
        let chunks = 0;
        for await (const _chunk of response.body) {
          chunks += 1;
          if (chunks === 3) {
            controller.abort();
            break;
          }
        }
        counts.abandoned += 1;
        continue;
      }
      const text = await response.body.text();
      const whole = kind === 'json' ? text.includes('The quick brown fox') : text.trimEnd().endsWith('data: [DONE]');
      if (response.statusCode === 200 && whole) counts.answered += 1;
      else {
        counts.failed += 1;
        if (counts.samples.length < 3) counts.samples.push(`${response.statusCode}: ${text.slice(0, 200)}`);
      }
    } catch (error) {
      if (kind === 'abandon' && controller.signal.aborted) counts.abandoned += 1;
      else {
        counts.failed += 1;
        if (counts.samples.length < 3) counts.samples.push(String(error?.message ?? error));
      }
    }
  }
}

function metricValues(text, name) {
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .map((line) => Number(line.slice(line.lastIndexOf(' ') + 1)));
}

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-soak-'));
  const handles = [];
  try {
    const upstream = await startMockUpstream();
    handles.push(upstream.handle);
    const started = await startLiterLLMGateway({
      name: 'liter-llm',
      root: ROOT_DIR,
      upstreamPort: upstream.port,
      workDir,
      maxConcurrency: clients * 4,
    });
    const gateway = started.handle;
    handles.push(gateway);
    const url = `http://127.0.0.1:${started.port}`;

    const pool = new Pool(url, { connections: clients * 3 });
    const counts = { answered: 0, abandoned: 0, failed: 0, samples: [] };
    const rss = [];
    const sampler = setInterval(() => rss.push(readMemory(gateway.pid)?.rss ?? 0), 1000);
    const until = Date.now() + seconds * 1000;
    process.stderr.write(`[soak] ${seconds} s, ${clients} JSON + ${clients} stream + ${clients} abandoning clients against ${url}\n`);
    await Promise.all(
      ['json', 'stream', 'abandon'].flatMap((kind) => Array.from({ length: clients }, () => runClient(pool, kind, until, counts))),
    );
    clearInterval(sampler);
    await pool.close();
    // Abandoned streams end on the gateway a moment after the client left.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const inFlight = metricValues(metrics, 'liter_llm_inflight_requests{').reduce((sum, value) => sum + value, 0);
    const responses = metricValues(metrics, 'liter_llm_gateway_responses_total{endpoint="/v1/chat/completions"').reduce((sum, value) => sum + value, 0);
    await stopProcess(gateway);
    const logLines = readFileSync(started.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"msg":"request"')).length;

    const third = Math.max(1, Math.floor(rss.length / 3));
    const early = Math.max(...rss.slice(0, third));
    const late = Math.max(...rss.slice(-third));
    const checks = [
      [`every answer whole (${counts.answered} answered, ${counts.abandoned} abandoned by the client)`, counts.failed === 0],
      [`no permit left in flight (liter_llm_inflight_requests = ${inFlight})`, inFlight === 0],
      [`one log line per response (${logLines} lines, ${responses} responses)`, logLines === responses],
      [
        `RSS steady (peak ${(early / 1048576).toFixed(0)} MB in the first third, ${(late / 1048576).toFixed(0)} MB in the last)`,
        late <= early * 1.25,
      ],
    ];
    for (const [what, ok] of checks) process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
    if (counts.failed > 0) process.stdout.write(`     failures: ${counts.failed}; first: ${counts.samples.join(' | ')}\n`);
    return checks.every(([, ok]) => ok) ? 0 : 1;
  } finally {
    await Promise.all(handles.map((handle) => stopProcess(handle)));
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  killAllStarted();
  process.exit(130);
});

main().then(
  (code) => process.exit(code),
  (error) => {
    killAllStarted();
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  },
);
