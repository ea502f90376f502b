#!/usr/bin/env node
// The bindings benchmark (issue 13, section 7): what one chat call costs through each way of reaching
// a provider from Python and Go, in one run, against the Go mock upstream at 0 ms:
// the Python binding over stdio (Client with threads, AsyncClient) and over HTTP via the gateway, the
// official openai SDK direct (OpenAI with threads, AsyncOpenAI), the public index's liter-llm 2.4.0
// (another project: a Rust engine in process) direct, the Go binding over stdio and Go's net/http
// direct. Also `import liter_llm`'s time and the engine executable's size and start-up time.
//
//   node bench/bindings/run.mjs [--concurrency 1,16,64] [--rounds 3] [--duration-ms 2000]
//                               [--warmup-ms 300] [--targets python-stdio,openai-sync,...]
//                               [--update-readme]
//   node bench/bindings/run.mjs --from-json bench/results/bindings-latest.json [--update-readme]
//                               (re-renders a recorded run's report, runs nothing)
//
// Every row runs in its own long-lived client process (python_worker.py in a venv under
// bench/bindings/, or a Go program there), warmed up first; the rounds interleave the rows (each round
// in another order), so the machine's drift hits every row alike, and each figure is the median of the
// rounds. A row whose binding or mode is not there yet is reported "not available (why)". Only
// 127.0.0.1; every process started here is stopped by its pid, also on an error or Ctrl-C.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findFreePort, killAllStarted, startProcess, stopProcess, waitForHTTP } from '../lib/bench-processes.mjs';
import { benchProviderConfigLines, startMockUpstream, UPSTREAM_KEY } from '../lib/bench-servers.mjs';
import { readCPUMicros, readMachineBusyMicros } from '../lib/proc-stats.mjs';
import { killAllBenchWorkers, runBenchWorker, startBenchWorker, stopBenchWorker } from './lib/bench-worker.mjs';
import { BINDING_TARGETS } from './lib/binding-targets.mjs';
import { formatBindingsReport } from './lib/format-bindings-report.mjs';
import { measureEngineSize, measureEngineStartup, measureImportTime } from './lib/measure-startup.mjs';
import { ensurePythonVenv } from './lib/python-venvs.mjs';

const BINDINGS_DIR = path.dirname(fileURLToPath(import.meta.url));
const BENCH_DIR = path.dirname(BINDINGS_DIR);
const ROOT_DIR = path.dirname(BENCH_DIR);
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const README = path.join(BENCH_DIR, 'README.md');
const README_START = '<!-- bench:bindings:start -->';
const README_END = '<!-- bench:bindings:end -->';
const CLI = path.join(ROOT_DIR, 'dist/cli/main.js');
const ENGINE_BINARY = path.join(ROOT_DIR, 'dist/bin/liter-llm');
const GATEWAY_KEY = 'sk-bench-gateway-key';
const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Tell me one short sentence about a fox.' },
];

const { values: options } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '1,16,64' },
    rounds: { type: 'string', default: '3' },
    'duration-ms': { type: 'string', default: '2000' },
    'warmup-ms': { type: 'string', default: '300' },
    targets: { type: 'string' },
    'update-readme': { type: 'boolean', default: false },
    'from-json': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (options.help) {
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const usage = source.slice(
    1,
    source.findIndex((line, index) => index > 0 && !line.startsWith('//')),
  );
  process.stdout.write(
    `${usage.map((line) => line.replace(/^\/\/ ?/, '')).join('\n')}\nMethod and latest figures: bench/README.md\n`,
  );
  process.exit(0);
}

const plan = {
  concurrencies: options.concurrency.split(',').map(Number),
  rounds: Number(options.rounds),
  durationMs: Number(options['duration-ms']),
  warmupMs: Number(options['warmup-ms']),
  targets: options.targets ? options.targets.split(',').map((id) => id.trim()) : BINDING_TARGETS.map((target) => target.id),
};
for (const id of plan.targets) {
  if (!BINDING_TARGETS.some((target) => target.id === id)) {
    throw new Error(`--targets: unknown row "${id}"; the rows are ${BINDING_TARGETS.map((target) => target.id).join(', ')}`);
  }
}
if (!plan.concurrencies.every((value) => Number.isInteger(value) && value > 0))
  throw new Error(`--concurrency takes whole numbers, got "${options.concurrency}"`);
if (!(plan.rounds >= 1 && plan.durationMs > 0 && plan.warmupMs >= 0))
  throw new Error('--rounds, --duration-ms and --warmup-ms take positive numbers');

function log(line) {
  process.stderr.write(`[bench:bindings] ${line}\n`);
}

/** The engine config every stdio binding and the gateway load: one openai-compatible provider, limits far above the load, no retries. */
function writeEngineConfig(workDir, upstreamPort) {
  const file = path.join(workDir, 'liter-llm.yaml');
  writeFileSync(file, [...benchProviderConfigLines(upstreamPort), 'server:', `  api_keys: [ ${GATEWAY_KEY} ]`, ''].join('\n'));
  return file;
}

/** The venvs the Python rows need; a venv that cannot be made leaves its rows "not available" with pip's reason. */
function preparePython() {
  const venvs = {};
  const wanted = new Set(
    plan.targets
      .map((id) => BINDING_TARGETS.find((target) => target.id === id))
      .filter((target) => target.kind === 'python')
      .map((target) => target.venv),
  );
  const files = {
    openai: path.join(ROOT_DIR, 'tests/python/requirements.txt'),
    'pypi-liter-llm': path.join(BINDINGS_DIR, 'requirements-pypi-liter-llm.txt'),
  };
  for (const name of wanted) {
    try {
      log(`python venv bench/bindings/.venv-${name} (${path.relative(ROOT_DIR, files[name])})`);
      venvs[name] = { python: ensurePythonVenv(name, files[name]) };
    } catch (error) {
      venvs[name] = { unavailable: error.message };
    }
  }
  return venvs;
}

/** Builds a Go program of bench/bindings/ into bench/.bin/; { unavailable } when it cannot be built. */
function buildGoDriver(program) {
  if (program === 'go-stdio') {
    const goMod = path.join(ROOT_DIR, 'go/go.mod');
    if (!existsSync(goMod)) return { unavailable: 'the Go binding (go/) is not on this branch yet' };
    const module = /^module\s+(\S+)/m.exec(readFileSync(goMod, 'utf8'))?.[1];
    const wanted = /^\s*(\S+)\s+=>\s+\.\.\/\.\.\/\.\.\/go\s*$/m.exec(
      readFileSync(path.join(BINDINGS_DIR, program, 'go.mod'), 'utf8'),
    )?.[1];
    if (module !== wanted)
      return { unavailable: `go/go.mod declares module ${module}, bench/bindings/go-stdio/go.mod replaces ${wanted}` };
  }
  const binary = path.join(BENCH_DIR, '.bin', `bindings-${program}`);
  const build = spawnSync('go', ['build', '-buildvcs=false', '-o', binary, '.'], {
    cwd: path.join(BINDINGS_DIR, program),
    encoding: 'utf8',
  });
  if (build.error) return { unavailable: `go could not run: ${build.error.message}` };
  if (build.status !== 0) return { unavailable: `go build failed: ${build.stderr.trim().split('\n').slice(0, 3).join(' ')}` };
  return { binary };
}

function specFor(target, { upstreamPort, gatewayPort, configFile }) {
  const common = { target: target.worker ?? target.id, messages: MESSAGES, maxTokens: 64, temperature: 0.2 };
  if (target.endpoint === 'stdio') return { ...common, config: configFile, model: 'bench/bench-0ms' };
  if (target.endpoint === 'gateway')
    return { ...common, baseURL: `http://127.0.0.1:${gatewayPort}`, apiKey: GATEWAY_KEY, model: 'bench/bench-0ms' };
  // Direct: the public index's liter-llm routes on a provider prefix, the others send the name as is.
  const model = target.id === 'pypi-liter-llm' ? 'openai/bench-0ms' : 'bench-0ms';
  return { ...common, baseURL: `http://127.0.0.1:${upstreamPort}/v1`, apiKey: UPSTREAM_KEY, model };
}

async function startWorkers(context, venvs, workDir) {
  const workers = new Map();
  const unavailable = new Map();
  for (const id of plan.targets) {
    const target = BINDING_TARGETS.find((candidate) => candidate.id === id);
    let command;
    let env = {};
    let args;
    const spec = JSON.stringify(specFor(target, context));
    if (target.kind === 'python') {
      const venv = venvs[target.venv];
      if (venv.unavailable) {
        unavailable.set(id, venv.unavailable);
        continue;
      }
      command = venv.python;
      args = [path.join(BINDINGS_DIR, 'python_worker.py'), spec];
      // The repository's binding runs from python/src (no install, so always this checkout's code);
      // the public index's liter-llm is installed in its own venv and must not see it.
      if (target.venv === 'openai') env = { PYTHONPATH: path.join(ROOT_DIR, 'python/src') };
    } else {
      const built = buildGoDriver(target.program);
      if (built.unavailable) {
        unavailable.set(id, built.unavailable);
        continue;
      }
      command = built.binary;
      args = [spec];
    }
    if (target.endpoint === 'gateway' && !context.gatewayPort) {
      unavailable.set(id, context.gatewayUnavailable);
      continue;
    }
    log(`starting ${id}`);
    try {
      const started = await startBenchWorker(id, command, args, {
        env,
        cwd: ROOT_DIR,
        stderrFile: path.join(workDir, `${id}.stderr.log`),
      });
      if (started.unavailable) unavailable.set(id, started.unavailable);
      else workers.set(id, started.worker);
    } catch (error) {
      unavailable.set(id, `failed to start: ${error.message.split('\n').slice(0, 4).join(' ')}`);
    }
  }
  return { workers, unavailable };
}

async function startGateway(upstreamPort, configFile, workDir) {
  const port = await findFreePort();
  const handle = startProcess(
    'gateway',
    process.execPath,
    [CLI, 'serve', '--config', configFile, '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: ROOT_DIR,
      stdoutFile: path.join(workDir, 'gateway.stdout.log'),
    },
  );
  await waitForHTTP(handle, `http://127.0.0.1:${port}/healthz`);
  return { handle, port };
}

/**
 * One measured cell: a short warm-up at the cell's concurrency (not counted), then the window. Besides
 * the worker's own answer (with its and its engine's CPU), the gateway's CPU (part of an HTTP row's
 * cost), the upstream's (nobody's cost) and the whole machine's, so the report can tell how much CPU
 * other processes took meanwhile.
 */
async function measureCell(worker, concurrency, { gatewayPid, upstreamPid }) {
  if (plan.warmupMs > 0) await runBenchWorker(worker, concurrency, plan.warmupMs);
  const busyBefore = readMachineBusyMicros();
  const gatewayBefore = gatewayPid ? readCPUMicros(gatewayPid) : null;
  const upstreamBefore = readCPUMicros(upstreamPid);
  const answer = await runBenchWorker(worker, concurrency, plan.durationMs);
  const gatewayCPUMicros = gatewayPid ? readCPUMicros(gatewayPid) - gatewayBefore : 0;
  const upstreamCPUMicros = readCPUMicros(upstreamPid) - upstreamBefore;
  const machineBusyMicros = readMachineBusyMicros() - busyBefore;
  return { ...answer, gatewayCPUMicros, upstreamCPUMicros, machineBusyMicros };
}

async function runMatrix(workers, { upstreamPid, gatewayPid }) {
  const cells = [];
  const ids = [...workers.keys()];
  // Warm every client first: JIT, connection pools, the engine's first calls.
  for (const id of ids) {
    log(`warming up ${id}`);
    await runBenchWorker(workers.get(id), 16, 1000);
    await runBenchWorker(workers.get(id), 1, 300);
  }
  for (let round = 0; round < plan.rounds; round += 1) {
    // Each round in another order, so that no row always runs right after the same neighbour.
    const order = ids.map((_, index) => ids[(index + round * 3) % ids.length]);
    if (round % 2 === 1) order.reverse();
    for (const concurrency of plan.concurrencies) {
      for (const id of order) {
        const target = BINDING_TARGETS.find((candidate) => candidate.id === id);
        const cell = await measureCell(workers.get(id), concurrency, {
          gatewayPid: target.endpoint === 'gateway' ? gatewayPid : null,
          upstreamPid,
        });
        cells.push({ id, round, concurrency, ...cell });
        const errors = cell.errors ? `, ${cell.errors} errors (${cell.firstError})` : '';
        log(
          `round ${round + 1}/${plan.rounds} c=${concurrency} ${id}: ${Math.round(cell.calls / cell.seconds)} calls/s${errors}`,
        );
      }
    }
  }
  return cells;
}

async function measureStartup(venvs) {
  const startup = {};
  const python = venvs.openai?.python;
  if (python) {
    try {
      startup.importLiterLLM = measureImportTime(python, 'liter_llm', { env: { PYTHONPATH: path.join(ROOT_DIR, 'python/src') } });
      startup.importOpenAI = measureImportTime(python, 'openai');
    } catch (error) {
      startup.importUnavailable = error.message;
    }
  } else {
    startup.importUnavailable = venvs.openai?.unavailable ?? 'no Python row was run';
  }
  if (existsSync(ENGINE_BINARY)) {
    try {
      startup.engineBinary = { ...measureEngineSize(ENGINE_BINARY), ...(await measureEngineStartup([ENGINE_BINARY])) };
    } catch (error) {
      startup.engineBinaryUnavailable = error.message;
    }
  } else {
    startup.engineBinaryUnavailable = 'dist/bin/liter-llm is not built (`make engine-binary`)';
  }
  startup.engineNode = await measureEngineStartup([process.execPath, CLI]);
  return startup;
}

function describeMachine(venvs) {
  const python = venvs.openai?.python;
  const pythonVersion = python ? spawnSync(python, ['--version'], { encoding: 'utf8' }).stdout.trim() : null;
  const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).stdout?.trim() || null;
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8' }).stdout.trim();
  return {
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    commit,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    python: pythonVersion,
    go: goVersion,
  };
}

async function main() {
  if (options['from-json']) {
    const recorded = JSON.parse(readFileSync(options['from-json'], 'utf8'));
    finish(recorded);
    return;
  }
  if (!existsSync(CLI)) {
    log('building Liter-LLM (npx tsc -b)');
    if (spawnSync('npx', ['tsc', '-b'], { cwd: ROOT_DIR, stdio: 'inherit' }).status !== 0) throw new Error('npx tsc -b failed');
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-bench-bindings-'));
  temporaryDirs.push(workDir);
  const venvs = preparePython();
  const upstream = await startMockUpstream();
  const configFile = writeEngineConfig(workDir, upstream.port);
  const context = { upstreamPort: upstream.port, configFile };
  let gateway = null;
  if (plan.targets.some((id) => BINDING_TARGETS.find((target) => target.id === id).endpoint === 'gateway')) {
    try {
      gateway = await startGateway(upstream.port, configFile, workDir);
      context.gatewayPort = gateway.port;
    } catch (error) {
      context.gatewayUnavailable = `the gateway did not start: ${error.message.split('\n')[0]}`;
    }
  }
  const { workers, unavailable } = await startWorkers(context, venvs, workDir);
  let cells = [];
  try {
    cells = await runMatrix(workers, { upstreamPid: upstream.handle.pid, gatewayPid: gateway?.handle.pid });
  } finally {
    for (const worker of workers.values()) await stopBenchWorker(worker);
    if (gateway) await stopProcess(gateway.handle);
    await stopProcess(upstream.handle);
  }
  const startup = await measureStartup(venvs);
  const info = Object.fromEntries([...workers].map(([id, worker]) => [id, worker.info]));
  const recorded = {
    machine: describeMachine(venvs),
    plan,
    command: `node bench/bindings/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    cells,
    unavailable: Object.fromEntries(unavailable),
    info,
    startup,
  };
  writeFileSync(path.join(RESULTS_DIR, 'bindings-latest.json'), `${JSON.stringify(recorded, null, 2)}\n`);
  finish(recorded);
}

function finish(recorded) {
  const report = formatBindingsReport(recorded, BINDING_TARGETS);
  writeFileSync(path.join(RESULTS_DIR, 'bindings-latest.md'), report);
  process.stdout.write(report);
  if (options['update-readme']) {
    const text = readFileSync(README, 'utf8');
    const start = text.indexOf(README_START);
    const end = text.indexOf(README_END);
    if (start === -1 || end === -1 || end < start) throw new Error(`${README} has no ${README_START} … ${README_END} markers`);
    writeFileSync(README, `${text.slice(0, start + README_START.length)}\n${report}${text.slice(end)}`);
    log('bench/README.md updated');
  }
}

// Nothing started here may outlive this process: an error, Ctrl-C or a closed pipe stops it all,
// and the work directory (configs, logs) goes too.
const temporaryDirs = [];
function stopEverything() {
  killAllBenchWorkers();
  killAllStarted();
  for (const directory of temporaryDirs) rmSync(directory, { recursive: true, force: true });
}
process.on('exit', stopEverything);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    stopEverything();
    process.exit(130);
  });
}
process.stdout.on('error', () => process.exit(0));

main().catch((error) => {
  log(`failed: ${error.stack ?? error}`);
  process.exitCode = 1;
});
