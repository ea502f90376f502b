#!/usr/bin/env node
// The gateway load benchmark (issue 4): direct upstream vs a bare Node pass-through vs Liter-LLM vs the
// Portkey gateway, side by side in one run, JSON and SSE, upstream latency 0 and 50 ms, concurrency 1/16/64/256.
//
//   node bench/run-gateway-bench.mjs [--quick] [--update-readme] [--cpu-prof]
//                                    [--concurrency 1,16,64,256] [--latencies 0,50] [--modes json,stream]
//                                    [--targets direct,bare,liter-llm,portkey] [--duration-ms N] [--warmup-ms N]
//                                    [--chunk-spacing-ms 1] [--no-pin] [--no-settle]
//                                    [--paced-rates json=500,stream=200] [--no-paced] [--pod-heap-mb 1024]
//   node bench/run-gateway-bench.mjs --from-json bench/results/latest.json [--update-readme]
//                                    (re-renders the report of a recorded run, runs nothing)
//
// Process layout (see README.md): the gateway under test has the last core to itself; the upstream,
// the load generator and this orchestrator share the others. All traffic stays on 127.0.0.1, every
// cell is bounded in time, and every process started here is stopped before exit.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import {
  findFreePort,
  killAllStarted,
  pinSelf,
  planCPUPinning,
  runLoadGenerator,
  startProcess,
  stopProcess,
  waitForHTTP,
  waitForOutput,
} from './lib/bench-processes.mjs';
import { createRequestBody, startLiterLLMGateway, startMockUpstream, UPSTREAM_KEY } from './lib/bench-servers.mjs';
import { formatBenchReport } from './lib/format-bench-report.mjs';
import { readCPUMicros, readMachineBusyMicros, readMemory, resetPeakRSS } from './lib/proc-stats.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.dirname(BENCH_DIR);
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const PORTKEY_SERVER = path.join(BENCH_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');
const LITER_LLM_CLI = path.join(ROOT_DIR, 'dist/cli/main.js');
const README = path.join(BENCH_DIR, 'README.md');
const README_START = '<!-- bench:results:start -->';
const README_END = '<!-- bench:results:end -->';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'update-readme': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
    latencies: { type: 'string' },
    modes: { type: 'string' },
    targets: { type: 'string' },
    'duration-ms': { type: 'string' },
    'warmup-ms': { type: 'string' },
    'chunk-spacing-ms': { type: 'string', default: '1' },
    'no-pin': { type: 'boolean', default: false },
    'no-settle': { type: 'boolean', default: false },
    'from-json': { type: 'string' },
    'paced-rates': { type: 'string', default: 'json=500,stream=200' },
    'no-paced': { type: 'boolean', default: false },
    'pod-heap-mb': { type: 'string', default: '1024' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (options.help) {
  // The usage is the header comment of this file.
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const usage = source.slice(1, source.findIndex((line, index) => index > 0 && !line.startsWith('//')));
  process.stdout.write(`${usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\nMethod and latest figures: bench/README.md\n`);
  process.exit(0);
}

const list = (value, fallback, map = (item) => item) => (value ? value.split(',').map((item) => map(item.trim())) : fallback);
const plan = {
  concurrencies: list(options.concurrency, options.quick ? [16, 256] : [1, 16, 64, 256], Number),
  upstreamLatencies: list(options.latencies, [0, 50], Number),
  modes: list(options.modes, ['json', 'stream']),
  targets: list(options.targets, ['direct', 'bare', 'liter-llm', 'portkey']),
  warmupMs: Number(options['warmup-ms'] ?? (options.quick ? 500 : 1000)),
  durationMs: Number(options['duration-ms'] ?? (options.quick ? 1500 : 4000)),
  drainMs: 5000,
  // Open-loop cells (c=16 connections, 0 ms upstream): the offered rate per mode, "hundreds of
  // requests per second" as PRODUCT.md's latency bar puts it, well below any path's saturation.
  pacedRates: options['no-paced'] ? {} : parsePacedRates(options['paced-rates']),
  // The pod-heap cells (0 turns them off): bare and Liter-LLM again at the highest concurrency, 0 ms
  // upstream, started with the old-space size Node gives itself in a pod limited to 2 GiB (see
  // README.md, "Memory"). On this VM, without a memory limit, Node sizes the heap from 24 GiB and
  // lets the old space grow to ~4x the live heap between collections; under a limit it allows ~1.6x.
  podHeapMB: Number(options['pod-heap-mb']),
};
if (!Number.isInteger(plan.podHeapMB) || plan.podHeapMB < 0) throw new Error(`--pod-heap-mb takes a whole number of MB, got "${options['pod-heap-mb']}"`);

function parsePacedRates(text) {
  const rates = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [mode, rate] = pair.split('=');
    if (!['json', 'stream'].includes(mode) || !(Number(rate) > 0)) throw new Error(`--paced-rates takes mode=rate pairs (json=500,stream=200), got "${pair}"`);
    rates[mode] = Number(rate);
  }
  return rates;
}

function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

function ensureDependencies() {
  if (!existsSync(PORTKEY_SERVER) && plan.targets.includes('portkey')) {
    log('installing the bench-only dependencies (bench/package.json: the Portkey gateway)');
    // --ignore-scripts: Portkey's only install script is patch-package, which has nothing to patch
    // in the published package.
    const install = spawnSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: BENCH_DIR, stdio: 'inherit' });
    if (install.status !== 0) throw new Error('npm ci in bench/ failed');
  }
  if (!existsSync(LITER_LLM_CLI) && plan.targets.includes('liter-llm')) {
    log('building Liter-LLM (npx tsc -b)');
    const build = spawnSync('npx', ['tsc', '-b'], { cwd: ROOT_DIR, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npx tsc -b failed');
  }
}

function startUpstream(pinning) {
  return startMockUpstream({ cpus: pinning.driverCPUs, args: ['--chunk-spacing-ms', options['chunk-spacing-ms']] });
}

const PROFILE_DIR = path.join(RESULTS_DIR, 'profiles');

/** With --cpu-prof every gateway preloads profile-on-signal.mjs: SIGUSR2 toggles a V8 CPU profile. */
function profilerArgs() {
  return options['cpu-prof'] ? ['--import', pathToFileURL(path.join(BENCH_DIR, 'lib/profile-on-signal.mjs')).href] : [];
}

function profilerEnv() {
  if (!options['cpu-prof']) return {};
  mkdirSync(PROFILE_DIR, { recursive: true });
  return { BENCH_PROFILE_DIR: PROFILE_DIR };
}

/** Stops the profile that SIGUSR2 started and files it under the cell's name. */
async function collectProfile(gateway, name) {
  const seen = gateway.output.length;
  gateway.child.kill('SIGUSR2');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const match = /\[profile-on-signal\] wrote (\S+)/.exec(gateway.output.slice(seen));
    if (match) {
      const file = path.join(PROFILE_DIR, `${name}.cpuprofile`);
      renameSync(match[1], file);
      return file;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`no profile from ${gateway.name} for ${name}`);
  return null;
}

async function startBarePassthrough(pinning, upstreamPort, { name = 'bare', nodeArgs = [] } = {}) {
  const handle = startProcess(
    name,
    process.execPath,
    [
      ...nodeArgs,
      ...profilerArgs(),
      path.join(BENCH_DIR, 'bare-passthrough.mjs'),
      '--port',
      '0',
      '--upstream',
      `http://127.0.0.1:${upstreamPort}`,
    ],
    { cpus: pinning.gatewayCPUs, cwd: ROOT_DIR, env: profilerEnv() },
  );
  const match = await waitForOutput(handle, /"port":(\d+)/);
  return { handle, port: Number(match[1]) };
}

function startLiterLLM(pinning, upstreamPort, workDir, { name = 'liter-llm', nodeArgs = [] } = {}) {
  return startLiterLLMGateway({
    name,
    root: ROOT_DIR,
    upstreamPort,
    workDir,
    cpus: pinning.gatewayCPUs,
    env: profilerEnv(),
    nodeArgs: [...nodeArgs, ...profilerArgs()],
    maxBodyBytes: 1_048_576,
  });
}

async function startPortkey(pinning, workDir) {
  const port = await findFreePort();
  // --headless and NODE_ENV=production: no console UI, no in-memory log streaming to that UI.
  const handle = startProcess('portkey', process.execPath, [...profilerArgs(), PORTKEY_SERVER, `--port=${port}`, '--headless'], {
    cpus: pinning.gatewayCPUs,
    env: { NODE_ENV: 'production', ...profilerEnv() },
    cwd: BENCH_DIR,
    stdoutFile: path.join(workDir, 'portkey.stdout.log'),
  });
  await waitForHTTP(handle, `http://127.0.0.1:${port}/`);
  return { handle, port };
}

/** How each path is called: the same body, only the address, model name and headers differ. */
function describeTarget(target, processes, upstreamLatencyMs, stream) {
  const model = `bench-${upstreamLatencyMs}ms`;
  const authorization = { authorization: `Bearer ${UPSTREAM_KEY}` };
  const call = (port, headers, requestedModel = model) => ({
    port,
    path: '/v1/chat/completions',
    headers,
    body: createRequestBody(requestedModel, stream),
  });
  switch (target) {
    case 'direct':
      return call(processes.upstream.port, authorization);
    case 'bare':
      return call(processes.bare.port, authorization);
    case 'liter-llm':
      // Liter-LLM has the key in its config; the model is addressed as provider/model.
      return call(processes['liter-llm'].port, {}, `bench/${model}`);
    default:
      return call(processes.portkey.port, {
        ...authorization,
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `http://127.0.0.1:${processes.upstream.port}/v1`,
      });
  }
}

/** CPU of every long-lived process of the benchmark, this one included (not the load generator). */
function readOwnCPUMicros(processes) {
  const usage = process.cpuUsage();
  let sum = usage.user + usage.system;
  for (const name of ['upstream', ...plan.targets]) if (processes[name]) sum += readCPUMicros(processes[name].handle.pid) ?? 0;
  return sum;
}

/** Cores' worth of CPU that other processes on the machine use, over `ms`. */
async function measureForeignLoad(processes, ms) {
  const machineBefore = readMachineBusyMicros();
  if (machineBefore === null) return 0;
  const oursBefore = readOwnCPUMicros(processes);
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const foreign = readMachineBusyMicros() - machineBefore - (readOwnCPUMicros(processes) - oursBefore);
  return Math.max(0, foreign / ((performance.now() - startedAt) * 1000));
}

const SETTLE_THRESHOLD = 0.1; // cores
const SETTLE_MAX_WAIT_MS = 30_000;
const MAX_CELL_RETRIES = 2;

/**
 * Other sessions or builds on the machine distort every number (they are not pinned away from the
 * gateway's core). Unless --no-settle: wait (bounded) for the machine to be quiet before a cell, and
 * run a cell again (at most twice) when other load ran during it; the quietest attempt is kept.
 */
const RUN_STARTED_AT = Date.now();
// Waiting and reruns stop once the run has taken this long, so a busy machine cannot stretch it forever.
const SETTLE_BUDGET_MS = options.quick ? 4 * 60_000 : 15 * 60_000;

async function runSettledCell(target, mode, upstreamLatencyMs, concurrency, processes, pinning, ratePerSecond = null) {
  if (options['no-settle'] || Date.now() - RUN_STARTED_AT > SETTLE_BUDGET_MS)
    return runCell(target, mode, upstreamLatencyMs, concurrency, processes, pinning, plan, ratePerSecond);
  let best = null;
  for (let attempt = 0; attempt <= MAX_CELL_RETRIES; attempt += 1) {
    const waitUntil = Math.min(Date.now() + SETTLE_MAX_WAIT_MS, RUN_STARTED_AT + SETTLE_BUDGET_MS);
    let waited = false;
    while ((await measureForeignLoad(processes, 300)) > SETTLE_THRESHOLD && Date.now() < waitUntil) {
      if (!waited) log('other load on the machine: waiting for it to settle');
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    const cell = await runCell(target, mode, upstreamLatencyMs, concurrency, processes, pinning, plan, ratePerSecond);
    cell.attempts = attempt + 1;
    if (!best || cell.foreignCores < best.foreignCores) best = { ...cell, attempts: attempt + 1 };
    const outOfBudget = Date.now() - RUN_STARTED_AT > SETTLE_BUDGET_MS;
    if (cell.foreignCores <= SETTLE_THRESHOLD * 2 || attempt === MAX_CELL_RETRIES || outOfBudget) break;
    log(`${describeCell(cell)} — disturbed, running it again`);
  }
  return best;
}

async function runCell(target, mode, upstreamLatencyMs, concurrency, processes, pinning, timing = plan, ratePerSecond = null) {
  const stream = mode === 'stream';
  const request = describeTarget(target, processes, upstreamLatencyMs, stream);
  const gateway = target === 'direct' ? null : processes[target].handle;
  const peakResettable = gateway ? resetPeakRSS(gateway.pid) : false;
  const cpuBefore = gateway ? readCPUMicros(gateway.pid) : null;
  const ours = () => readOwnCPUMicros(processes);
  const profiling = options['cpu-prof'] && gateway && timing === plan;
  if (profiling) {
    gateway.child.kill('SIGUSR2');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const machineBefore = readMachineBusyMicros();
  const oursBefore = ours();
  const startedAt = performance.now();
  // Without a resettable VmHWM, sample VmRSS instead (a sampled peak can only be lower).
  let sampledPeak = 0;
  const sampler =
    gateway && !peakResettable
      ? setInterval(() => {
          sampledPeak = Math.max(sampledPeak, readMemory(gateway.pid)?.rss ?? 0);
        }, 50)
      : null;
  const result = await runLoadGenerator(
    {
      host: '127.0.0.1',
      ...request,
      stream,
      concurrency,
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      drainMs: plan.drainMs,
      ...(ratePerSecond && { ratePerSecond }),
    },
    { cpus: pinning.driverCPUs },
  );
  if (sampler) clearInterval(sampler);
  // CPU that none of the benchmark's processes spent: other work on the machine, disturbing the cell.
  const elapsedMicros = (performance.now() - startedAt) * 1000;
  const foreignMicros =
    machineBefore === null ? null : readMachineBusyMicros() - machineBefore - (ours() - oursBefore) - result.cpuMicros;
  const cell = {
    target,
    mode,
    upstreamLatencyMs,
    concurrency,
    ratePerSecond,
    result,
    gateway: null,
    foreignCores: foreignMicros === null ? null : Math.max(0, foreignMicros / elapsedMicros),
  };
  if (gateway) {
    if (gateway.exited) throw new Error(`${gateway.name} exited during the run:\n${gateway.output}`);
    const served = Object.values(result.statusCounts).reduce((sum, count) => sum + count, 0);
    const cpuAfter = readCPUMicros(gateway.pid);
    const memory = readMemory(gateway.pid);
    cell.gateway = {
      cpuMicrosPerRequest: cpuBefore !== null && served > 0 ? (cpuAfter - cpuBefore) / served : null,
      peakRSSBytes: peakResettable ? (memory?.peak ?? null) : sampledPeak || null,
    };
  }
  // After the readings: writing the profile costs the gateway CPU and memory too.
  if (profiling)
    await collectProfile(gateway, `${gateway.name}-${mode}-${upstreamLatencyMs}ms-c${concurrency}${ratePerSecond ? `-r${ratePerSecond}` : ''}`);
  return cell;
}

function describeCell(cell) {
  const r = cell.result;
  const ttft = r.ttftMs ? ` ttft50=${r.ttftMs.p50.toFixed(2)}` : '';
  const gateway = cell.gateway
    ? ` cpu=${cell.gateway.cpuMicrosPerRequest?.toFixed(0)}µs rss=${((cell.gateway.peakRSSBytes ?? 0) / 1048576).toFixed(0)}MB`
    : '';
  const failed = r.errors + r.invalid ? ` FAILED=${r.errors + r.invalid}` : '';
  const foreign = cell.foreignCores > 0.05 ? ` (other load: ${(cell.foreignCores * 100).toFixed(0)}% of a core)` : '';
  return (
    `${cell.mode} ${cell.upstreamLatencyMs}ms c=${cell.concurrency}${cell.ratePerSecond ? ` at ${cell.ratePerSecond}/s` : ''} ${cell.target}: ${Math.round(r.throughput)}/s ` +
    `p50=${r.latencyMs?.p50.toFixed(2)} p99=${r.latencyMs?.p99.toFixed(2)}${ttft}${gateway}${failed}${foreign}`
  );
}

function describeEnvironment(pinning) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    cpuModel: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: pinning.cores,
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: os.release(),
    node: process.version,
    pinning: pinning.pinned
      ? `gateway under test on CPU ${pinning.gatewayCPUs}; upstream, load generator and orchestrator on CPU ${pinning.driverCPUs} (taskset)`
      : `none (${pinning.reason})`,
    command: `node bench/run-gateway-bench.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  };
}

function updateReadme(report) {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) throw new Error(`${README} has no ${README_START} … ${README_END} markers`);
  writeFileSync(README, `${text.slice(0, start + README_START.length)}\n${report}${text.slice(end)}`);
}

function writeReport(report, environment, cellsPlan, cells) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, 'latest.md'), report);
  if (cells)
    writeFileSync(path.join(RESULTS_DIR, 'latest.json'), `${JSON.stringify({ environment, plan: cellsPlan, cells }, null, 2)}\n`);
  process.stdout.write(report);
  log(`written to ${path.relative(ROOT_DIR, path.join(RESULTS_DIR, 'latest.md'))}`);
  if (options['update-readme']) {
    updateReadme(report);
    log('bench/README.md updated');
  }
}

async function main() {
  if (options['from-json']) {
    const recorded = JSON.parse(readFileSync(options['from-json'], 'utf8'));
    writeReport(
      formatBenchReport(recorded.cells, recorded.plan, recorded.environment),
      recorded.environment,
      recorded.plan,
      null,
    );
    return;
  }
  ensureDependencies();
  const pinning = planCPUPinning(!options['no-pin']);
  pinSelf(pinning.driverCPUs);
  log(
    pinning.pinned
      ? `pinning: gateway on CPU ${pinning.gatewayCPUs}, the rest on CPU ${pinning.driverCPUs}`
      : `no pinning: ${pinning.reason}`,
  );
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-bench-'));
  workDirs.push(workDir);
  const processes = {};
  try {
    processes.upstream = await startUpstream(pinning);
    if (plan.targets.includes('bare')) processes.bare = await startBarePassthrough(pinning, processes.upstream.port);
    if (plan.targets.includes('liter-llm'))
      processes['liter-llm'] = await startLiterLLM(pinning, processes.upstream.port, workDir);
    if (plan.targets.includes('portkey')) processes.portkey = await startPortkey(pinning, workDir);
    log(
      `upstream :${processes.upstream.port}, ${plan.targets.map((target) => `${target}${processes[target] ? ` :${processes[target].port}` : ''}`).join(', ')}`,
    );

    await warmUp(plan.targets.filter((name) => name !== 'direct'), processes, pinning);

    const cells = [];
    // Open loop at a fixed offered rate: the latency a path adds when it is not saturated. First,
    // right after the warm-up: when they ran after the saturated cells, the SSE cell's TTFT p99 was
    // +26 to +30 ms in two full runs and +2 to +3 ms when rerun on its own (the old generation the
    // c=256 cells grew is collected during whatever runs next).
    for (const mode of plan.modes) {
      const rate = plan.pacedRates[mode];
      if (!rate) continue;
      for (const target of plan.targets) {
        const cell = await runSettledCell(target, mode, 0, 16, processes, pinning, rate);
        log(describeCell(cell));
        cells.push(cell);
      }
    }
    for (const upstreamLatencyMs of plan.upstreamLatencies) {
      for (const mode of plan.modes) {
        for (const concurrency of plan.concurrencies) {
          // The paths of one cell run back to back, so "added" compares like with like.
          for (const target of plan.targets) {
            const cell = await runSettledCell(target, mode, upstreamLatencyMs, concurrency, processes, pinning);
            log(describeCell(cell));
            cells.push(cell);
          }
        }
      }
    }

    if (plan.podHeapMB > 0) cells.push(...(await runPodHeapCells(processes, pinning, workDir)));

    const environment = describeEnvironment(pinning);
    const report = formatBenchReport(cells, plan, environment);
    writeReport(report, environment, plan, cells);
  } finally {
    for (const name of ['bare', 'liter-llm', 'portkey', 'upstream']) {
      if (processes[name]) await stopProcess(processes[name].handle);
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** One unrecorded round per gateway and mode, so the first measured cell is not the JIT warm-up. */
async function warmUp(targets, processes, pinning) {
  for (const target of targets) {
    for (const mode of plan.modes) {
      await runCell(target, mode, 0, 16, processes, pinning, { warmupMs: 0, durationMs: options.quick ? 1000 : 2000 });
    }
  }
}

/**
 * Bare and Liter-LLM restarted with a pod's heap sizing, at the highest concurrency: what the RSS
 * target means for a gateway deployed with a memory limit, and what that sizing costs in CPU. The
 * default-heap processes are stopped first, so only one of each holds memory at a time.
 */
async function runPodHeapCells(processes, pinning, workDir) {
  const targets = ['bare', 'liter-llm'].filter((target) => plan.targets.includes(target));
  // Named apart, so their profiles (--cpu-prof) and Liter-LLM's log and config files are their own.
  const podProcess = (target) => ({ name: `${target}-pod`, nodeArgs: [`--max-old-space-size=${plan.podHeapMB}`] });
  for (const target of targets) {
    await stopProcess(processes[target].handle);
    processes[target] =
      target === 'bare'
        ? await startBarePassthrough(pinning, processes.upstream.port, podProcess(target))
        : await startLiterLLM(pinning, processes.upstream.port, workDir, podProcess(target));
  }
  await warmUp(targets, processes, pinning);
  const concurrency = Math.max(...plan.concurrencies);
  const cells = [];
  for (const mode of plan.modes) {
    for (const target of targets) {
      const cell = { ...(await runSettledCell(target, mode, 0, concurrency, processes, pinning)), heapMB: plan.podHeapMB };
      log(`${describeCell(cell)} (old space ${plan.podHeapMB} MB)`);
      cells.push(cell);
    }
  }
  return cells;
}

const workDirs = [];
process.on('SIGINT', () => {
  killAllStarted();
  for (const directory of workDirs) rmSync(directory, { recursive: true, force: true });
  process.exit(130);
});

main().catch((error) => {
  killAllStarted();
  for (const directory of workDirs) rmSync(directory, { recursive: true, force: true });
  process.stderr.write(`[bench] ${error.stack ?? error}\n`);
  process.exit(1);
});
