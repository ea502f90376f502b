#!/usr/bin/env node
// A/B comparison of two Liter-LLM gateways under the same load, in the same run: for judging one
// change when the machine is too noisy for two separate `make bench` runs to tell 10% apart.
//
//   node bench/compare-builds.mjs [--baseline REF] [--mode json|stream] [--concurrency 16]
//                                 [--latency-ms 0] [--rounds 6] [--duration-ms 2000] [--warmup-ms 500]
//                                 [--a-env K=V,...] [--b-env K=V,...] [--warm-modes json,stream] [--rate N]
//                                 [--a-store memory|redis] [--b-store memory|redis]
//
// A is the build of git REF (default HEAD: the last commit), checked out into a temporary worktree
// and built there; B is this checkout's dist/ (build it first: `npx tsc -b`). With the same build
// on both sides (`--baseline none`), --a-env/--b-env compare settings instead (LITER_LLM_LOG_LEVEL=silent).
// Both gateways share the gateway core (only one is under load at a time); the upstream and the
// load generator share the other. Rounds alternate A,B then B,A so that drift hits both alike, and
// the report gives each side's median CPU µs per request and throughput, and B/A. With --rate N the
// measured rounds are open loop (N requests/s arriving at random on the idle connections), for the
// latency a gateway adds when it is not the bottleneck. --b-store redis puts B's buckets in a
// redis-server this script starts on loopback (`limits.store: redis`), so
// `--baseline none --b-store redis` prints what the shared store costs per call (B−A).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllStarted, pinSelf, planCPUPinning, runLoadGenerator, stopProcess } from './lib/bench-processes.mjs';
import { createRequestBody, startLiterLLMGateway, startMockUpstream, startRedisServer } from './lib/bench-servers.mjs';
import { readCPUMicros, readMemory, resetPeakRSS } from './lib/proc-stats.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.dirname(BENCH_DIR);

const { values: options } = parseArgs({
  options: {
    baseline: { type: 'string', default: 'HEAD' },
    mode: { type: 'string', default: 'json' },
    concurrency: { type: 'string', default: '16' },
    'latency-ms': { type: 'string', default: '0' },
    rounds: { type: 'string', default: '6' },
    'duration-ms': { type: 'string', default: '2000' },
    'warmup-ms': { type: 'string', default: '500' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    'warm-modes': { type: 'string', default: 'json,stream' },
    rate: { type: 'string', default: '0' },
    'a-store': { type: 'string', default: 'memory' },
    'b-store': { type: 'string', default: 'memory' },
    help: { type: 'boolean', default: false },
  },
});

if (options.help) {
  process.stdout.write(`${readUsage()}\n`);
  process.exit(0);
}

/** The usage is the header comment of this file. */
function readUsage() {
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const usage = source.slice(
    1,
    source.findIndex((line, index) => index > 0 && !line.startsWith('//')),
  );
  return usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n');
}

function parseEnv(text) {
  const env = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--a-env/--b-env take NAME=VALUE pairs separated by commas, got "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

function log(line) {
  process.stderr.write(`[compare] ${line}\n`);
}

/** A worktree of `ref` with its own dist/, sharing this checkout's node_modules. */
function buildBaseline(ref) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', dir, ref], { cwd: ROOT_DIR, stdio: 'ignore' });
  symlinkSync(path.join(ROOT_DIR, 'node_modules'), path.join(dir, 'node_modules'));
  log(`building ${ref} in ${dir}`);
  const build = spawnSync('npx', ['tsc', '-b'], { cwd: dir, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npx tsc -b failed for ${ref}`);
  return dir;
}

function removeBaseline(dir) {
  spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: ROOT_DIR, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

function requestSpec(gateway, stream, timing = {}) {
  return {
    host: '127.0.0.1',
    port: gateway.port,
    path: '/v1/chat/completions',
    headers: {},
    body: createRequestBody(`bench/bench-${options['latency-ms']}ms`, stream),
    stream,
    concurrency: Number(options.concurrency),
    warmupMs: timing.warmupMs ?? Number(options['warmup-ms']),
    durationMs: timing.durationMs ?? Number(options['duration-ms']),
    drainMs: 5000,
    // Open loop (the measured rounds only; warming stays closed-loop).
    ...(Number(options.rate) > 0 && timing.durationMs === undefined && { ratePerSecond: Number(options.rate) }),
  };
}

async function measure(gateway, pinning, mode = options.mode, timing = {}) {
  resetPeakRSS(gateway.handle.pid);
  const before = readCPUMicros(gateway.handle.pid);
  const result = await runLoadGenerator(requestSpec(gateway, mode === 'stream', timing), { cpus: pinning.driverCPUs });
  const served = Object.values(result.statusCounts).reduce((sum, count) => sum + count, 0);
  if (result.errors + result.invalid > 0) throw new Error(`${gateway.name}: ${result.errors + result.invalid} failed requests`);
  return {
    cpu: (readCPUMicros(gateway.handle.pid) - before) / served,
    throughput: result.throughput,
    p50: result.latencyMs.p50,
    p99: result.latencyMs.p99,
    rss: (readMemory(gateway.handle.pid)?.peak ?? 0) / 1048576,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  const pinning = planCPUPinning(true);
  pinSelf(pinning.driverCPUs);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-compare-'));
  const baselineDir = options.baseline === 'none' ? null : buildBaseline(options.baseline);
  const handles = [];
  try {
    const upstream = await startMockUpstream({ cpus: pinning.driverCPUs });
    handles.push(upstream.handle);
    const stores = [options['a-store'], options['b-store']];
    for (const store of stores)
      if (store !== 'memory' && store !== 'redis') throw new Error(`--a-store/--b-store: memory or redis, got "${store}"`);
    // Redis runs on the driver's CPUs, as it would on another machine, so the gateway's CPU is its own.
    const redis = stores.includes('redis') ? await startRedisServer({ cpus: pinning.driverCPUs }) : undefined;
    if (redis) handles.push(redis.handle);
    const gateway = (name, root, env, store) =>
      startLiterLLMGateway({
        name,
        root,
        upstreamPort: upstream.port,
        workDir,
        cpus: pinning.gatewayCPUs,
        env: parseEnv(env),
        ...(store === 'redis' && { redisURL: redis.url }),
      });
    const a = await gateway('A', baselineDir ?? ROOT_DIR, options['a-env'], options['a-store']);
    const b = await gateway('B', ROOT_DIR, options['b-env'], options['b-store']);
    handles.push(a.handle, b.handle);
    log(
      `A = ${baselineDir ? options.baseline : 'this checkout'} ${options['a-env']} (${options['a-store']} store); ` +
        `B = this checkout ${options['b-env']} (${options['b-store']} store)`,
    );
    log(`${options.mode}, c=${options.concurrency}, upstream ${options['latency-ms']} ms, ${options.rounds} rounds`);
    // Warm both (JIT, pools) before anything is measured, with both modes by default, as
    // run-gateway-bench.mjs does: code that has seen streams is not as fast on JSON as fresh code.
    for (const gateway of [a, b]) {
      for (const mode of options['warm-modes'].split(','))
        await measure(gateway, pinning, mode, { warmupMs: 0, durationMs: 2000 });
    }
    const samples = { A: [], B: [] };
    for (let round = 0; round < Number(options.rounds); round += 1) {
      for (const gateway of round % 2 === 0 ? [a, b] : [b, a]) {
        const sample = await measure(gateway, pinning);
        samples[gateway.name].push(sample);
        log(
          `round ${round + 1} ${gateway.name}: ${sample.cpu.toFixed(0)} µs/req, ${Math.round(sample.throughput)}/s, p50 ${sample.p50.toFixed(2)} ms`,
        );
      }
    }
    const summary = (name) => ({
      cpu: median(samples[name].map((sample) => sample.cpu)),
      throughput: median(samples[name].map((sample) => sample.throughput)),
      p50: median(samples[name].map((sample) => sample.p50)),
      p99: median(samples[name].map((sample) => sample.p99)),
      rss: Math.max(...samples[name].map((sample) => sample.rss)),
    });
    const [sa, sb] = [summary('A'), summary('B')];
    const row = (name, s) =>
      `| ${name} | ${s.cpu.toFixed(0)} | ${Math.round(s.throughput)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.rss.toFixed(0)} |`;
    process.stdout.write(
      [
        '| side | CPU µs/req (median) | req/s (median) | p50 ms (median) | p99 ms (median) | peak RSS MB |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        row('A', sa),
        row('B', sb),
        `| B/A | ${(sb.cpu / sa.cpu).toFixed(3)} | ${(sb.throughput / sa.throughput).toFixed(3)} | ${(sb.p50 / sa.p50).toFixed(3)} | ${(sb.p99 / sa.p99).toFixed(3)} | |`,
        `| B−A | ${(sb.cpu - sa.cpu).toFixed(1)} µs | | ${((sb.p50 - sa.p50) * 1000).toFixed(0)} µs | ${((sb.p99 - sa.p99) * 1000).toFixed(0)} µs | |`,
        '',
      ].join('\n'),
    );
  } finally {
    await Promise.all(handles.map((handle) => stopProcess(handle)));
    if (baselineDir) removeBaseline(baselineDir);
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  killAllStarted();
  process.exit(130);
});

main().catch((error) => {
  killAllStarted();
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

if (!existsSync(path.join(ROOT_DIR, 'dist/cli/main.js'))) log('no dist/cli/main.js here: run `npx tsc -b` first');
