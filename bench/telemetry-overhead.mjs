#!/usr/bin/env node
// What telemetry costs per engine call: the same closed-loop load through one engine with telemetry
// off, then with each part on (metrics, JSON logs to /dev/null, tracing into an in-memory exporter)
// and with all three, alternating modes over several rounds so drift hits every mode alike.
//
// The upstream is bench/mock-upstream/ (Go) in its own process (OpenAI wire format, 0 ms latency), so
// the CPU measured here is the engine's and telemetry's only: process user+system time over the
// window divided by the calls completed in it.
//
// A second table replays the engine's events for one successful JSON call (requestStart,
// attemptStart, attemptEnd, requestEnd) without any I/O, so the telemetry's own CPU per call is
// measured without the network's noise.
//
// Usage: node bench/telemetry-overhead.mjs [--seconds 3] [--rounds 3] [--concurrency 16] [--stream]
//        [--modes off,metrics,logs,tracing,all]
// Needs the build (`npx tsc -b`); prints one markdown table.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createEngine } from '../dist/create-engine.js';
import { engineChannels } from '../dist/engine/engine-events.js';
import { createMetrics } from '../dist/telemetry/create-metrics.js';
import { createRequestLogger } from '../dist/telemetry/create-request-logger.js';
import { createTracing } from '../dist/telemetry/create-tracing.js';
import { buildGoProgram } from './lib/bench-processes.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    stream: { type: 'boolean', default: false },
    modes: { type: 'string', default: 'off,metrics,logs,tracing,all' },
    'synthetic-calls': { type: 'string', default: '200000' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONCURRENCY = Number(values.concurrency);
const STREAM = values.stream;
const MESSAGES = [{ role: 'user', content: 'Say something short.' }];

const upstream = spawn(buildGoProgram('mock-upstream'), ['--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
// Never leave the upstream behind, even when this process dies (a closed pipe, Ctrl-C).
process.on('exit', () => upstream.kill());
process.on('SIGINT', () => process.exit(130));
process.stdout.on('error', () => process.exit(0));
const [line] = await once(createInterface({ input: upstream.stdout }), 'line');
const { port } = JSON.parse(line);

const engine = createEngine({
  providers: {
    bench: {
      type: 'openai-compatible',
      baseURL: `http://127.0.0.1:${port}/v1`,
      maxConcurrency: 10_000,
      maxRetries: 0,
      maxConnections: 64,
    },
  },
});

const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });

/** Each mode turns its parts on and returns the function that turns them off again. */
const MODES = {
  off: () => () => undefined,
  metrics: () => {
    const metrics = createMetrics({ engine });
    return () => metrics.unsubscribe();
  },
  logs: () => {
    const logs = createRequestLogger({ destination: '/dev/null', level: 'info' });
    return () => {
      logs.unsubscribe();
      logs.flush();
    };
  },
  tracing: () => {
    const tracing = createTracing({ tracerProvider });
    return () => tracing.unsubscribe();
  },
  all: () => {
    const parts = [MODES.metrics(), MODES.logs(), MODES.tracing()];
    return () => parts.forEach((stop) => stop());
  },
};

async function callOnce() {
  if (!STREAM) {
    await engine.chat({ model: 'bench/bench-0ms', messages: MESSAGES });
    return;
  }
  for await (const event of engine.chatStream({ model: 'bench/bench-0ms', messages: MESSAGES })) void event;
}

async function measure(seconds) {
  let calls = 0;
  let running = true;
  // Drop exported spans as a real exporter would once sent, so they do not pile up in memory.
  const dropSpans = setInterval(() => exporter.reset(), 50);
  const startCPU = process.cpuUsage();
  const start = performance.now();
  const workers = Array.from({ length: CONCURRENCY }, async () => {
    while (running) {
      await callOnce();
      calls++;
    }
  });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(startCPU);
  await Promise.all(workers);
  clearInterval(dropSpans);
  exporter.reset();
  return { calls, elapsed, cpuMicros: cpu.user + cpu.system };
}

await measure(1); // warm up connections and the JIT
const selected = values.modes.split(',').filter((mode) => mode in MODES);
if (!selected.includes('off')) selected.unshift('off');
const totals = Object.fromEntries(selected.map((mode) => [mode, { calls: 0, elapsed: 0, cpuMicros: 0 }]));
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of selected) {
    const stop = MODES[mode]();
    const result = await measure(SECONDS);
    stop();
    await tracerProvider.forceFlush();
    exporter.reset();
    totals[mode].calls += result.calls;
    totals[mode].elapsed += result.elapsed;
    totals[mode].cpuMicros += result.cpuMicros;
  }
}

const off = totals.off;
const offRate = off.calls / off.elapsed;
const offCPU = off.cpuMicros / off.calls;
console.log(
  `Engine ${STREAM ? 'chatStream' : 'chat'} calls, concurrency ${CONCURRENCY}, ${ROUNDS} × ${SECONDS} s per mode, Node ${process.version}\n`,
);
console.log('| telemetry | calls/s | vs off | CPU µs/call | added CPU µs/call |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [mode, total] of Object.entries(totals)) {
  const rate = total.calls / total.elapsed;
  const cpu = total.cpuMicros / total.calls;
  console.log(
    `| ${mode} | ${rate.toFixed(0)} | ${(rate / offRate).toFixed(3)} | ${cpu.toFixed(1)} | ${mode === 'off' ? '–' : (cpu - offCPU).toFixed(1)} |`,
  );
}

/** The events of one successful JSON call, as the engine publishes them. */
const REQUEST = { model: 'bench/bench-0ms', messages: MESSAGES };
function replayCall(index) {
  const context = {
    requestId: `req-${index}`,
    operation: 'chat',
    request: REQUEST,
    requestedModel: 'bench/bench-0ms',
    route: undefined,
    startedAt: performance.now(),
    attempts: 0,
    rateLimitWaitMs: 0,
    observers: {},
  };
  if (engineChannels.requestStart.hasSubscribers) engineChannels.requestStart.publish(context);
  context.attempts++;
  context.provider = 'bench';
  context.model = 'bench-0ms';
  const attempt = {
    request: context,
    attempt: 1,
    provider: 'bench',
    providerType: 'openai-compatible',
    model: 'bench-0ms',
    startedAt: performance.now(),
    headers: {},
    observers: {},
  };
  if (engineChannels.attemptStart.hasSubscribers) engineChannels.attemptStart.publish(attempt);
  attempt.durationMs = performance.now() - attempt.startedAt;
  if (engineChannels.attemptEnd.hasSubscribers) engineChannels.attemptEnd.publish(attempt);
  context.usage = { inputTokens: 19, outputTokens: 20, totalTokens: 39 };
  context.responseModel = 'bench-0ms';
  context.finishReason = 'stop';
  if (engineChannels.requestEnd.hasSubscribers) engineChannels.requestEnd.publish(context);
}

async function measureReplay(calls) {
  const startCPU = process.cpuUsage();
  for (let index = 0; index < calls; index++) {
    replayCall(index);
    // Let the log destination and the span processor do their asynchronous share of the work.
    if (index % 1000 === 999) {
      exporter.reset();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const cpu = process.cpuUsage(startCPU);
  return (cpu.user + cpu.system) / calls;
}

const SYNTHETIC_CALLS = Number(values['synthetic-calls']);
console.log(`\nTelemetry CPU per call without I/O (engine events of one JSON call replayed ${SYNTHETIC_CALLS} times)\n`);
console.log('| telemetry | CPU µs/call | added CPU µs/call |');
console.log('| --- | ---: | ---: |');
let replayOff;
for (const mode of selected) {
  const stop = MODES[mode]();
  await measureReplay(SYNTHETIC_CALLS / 10); // warm up this mode's code paths
  const perCall = await measureReplay(SYNTHETIC_CALLS);
  stop();
  await tracerProvider.forceFlush();
  exporter.reset();
  replayOff ??= perCall;
  console.log(`| ${mode} | ${perCall.toFixed(2)} | ${mode === 'off' ? '–' : (perCall - replayOff).toFixed(2)} |`);
}

await engine.close();
await tracerProvider.shutdown();
upstream.kill();
