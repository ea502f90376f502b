// Starting, pinning, waiting for and stopping the benchmark's processes.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const builtGoPrograms = new Map();

/**
 * Builds one of the benchmark's Go programs (`bench/<name>/`: the mock upstream, the load
 * generator) into `bench/.bin/<name>` and returns the binary's path. They are in Go because they
 * share one core with each other. Built once per process (`go build` is incremental, but a build
 * between two cells would still spend the traffic core's CPU).
 */
export function buildGoProgram(name) {
  const built = builtGoPrograms.get(name);
  if (built) return built;
  const binary = path.join(BENCH_DIR, '.bin', name);
  const build = spawnSync('go', ['build', '-buildvcs=false', '-o', binary, '.'], {
    cwd: path.join(BENCH_DIR, name),
    encoding: 'utf8',
  });
  if (build.error) throw new Error(`bench/${name} is written in Go and \`go\` could not run: ${build.error.message}`);
  if (build.status !== 0) throw new Error(`go build of bench/${name} failed:\n${build.stderr}`);
  builtGoPrograms.set(name, binary);
  return binary;
}

/** The CPU layout: the gateway under test alone on the last core, everything else on the others. */
export function planCPUPinning(enabled) {
  const cores = os.availableParallelism();
  const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
  if (!enabled || !hasTaskset || cores < 2) {
    const reason = !enabled ? 'disabled by --no-pin' : !hasTaskset ? 'taskset not found' : 'only one core';
    return { pinned: false, reason, cores, gatewayCPUs: null, driverCPUs: null };
  }
  const last = cores - 1;
  return {
    pinned: true,
    cores,
    gatewayCPUs: String(last),
    driverCPUs: last === 1 ? '0' : `0-${last - 1}`,
  };
}

/** Moves the current process (the orchestrator) onto the given CPUs. */
export function pinSelf(cpus) {
  if (cpus) spawnSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const started = new Set();

/**
 * Starts `command args` (pinned with taskset when cpus is set; taskset execs, so the pid is the
 * program's own). Output goes to the returned `output` buffer (last 64 KiB) for error reports.
 * With `stdoutFile`, stdout goes to that file instead: a gateway that logs a line per request must
 * not make this process (which shares the traffic's core) read and keep every line.
 */
export function startProcess(name, command, args, { cpus, env, cwd, stdoutFile } = {}) {
  const [file, argv] = cpus ? ['taskset', ['-c', cpus, command, ...args]] : [command, args];
  const stdoutFD = stdoutFile ? openSync(stdoutFile, 'a') : 'pipe';
  const child = spawn(file, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', stdoutFD, 'pipe'] });
  if (stdoutFile) closeSync(stdoutFD);
  const handle = { name, child, pid: child.pid, output: '', exited: false, stdoutFile };
  const keep = (data) => {
    handle.output = (handle.output + data.toString()).slice(-65_536);
  };
  child.stdout?.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => {
    handle.exited = true;
    handle.exitCode = code;
    handle.exitSignal = signal;
    started.delete(handle);
  });
  started.add(handle);
  return handle;
}

export function waitForOutput(handle, pattern, timeoutMs = 20_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${handle.name} did not print ${pattern} within ${timeoutMs} ms:\n${handle.output}`));
    }, timeoutMs);
    const check = () => {
      const match = pattern.exec(handle.output);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = () => {
      cleanup();
      reject(new Error(`${handle.name} exited (${handle.exitCode ?? handle.exitSignal}) before it was ready:\n${handle.output}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      handle.child.stdout?.off('data', check);
      handle.child.stderr.off('data', check);
      handle.child.off('exit', onExit);
    };
    handle.child.stdout?.on('data', check);
    handle.child.stderr.on('data', check);
    handle.child.on('exit', onExit);
    check();
  });
}

/** Polls GET url until it answers 2xx. */
export async function waitForHTTP(handle, url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`${handle.name} exited before it was ready:\n${handle.output}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${handle.name} did not answer ${url} within ${timeoutMs} ms:\n${handle.output}`);
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export function stopProcess(handle, graceMs = 5000) {
  if (handle.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => handle.child.kill('SIGKILL'), graceMs);
    handle.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    handle.child.kill('SIGTERM');
  });
}

/** Last resort on an unexpected exit of the orchestrator: nothing it started may outlive it. */
export function killAllStarted() {
  for (const handle of started) {
    try {
      handle.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs the load generator (bench/load-generator/) once, pinned, and returns its JSON result. */
export function runLoadGenerator(spec, { cpus }) {
  const binary = buildGoProgram('load-generator');
  return new Promise((resolve, reject) => {
    const handle = startProcess('load generator', binary, [JSON.stringify(spec)], { cpus });
    handle.child.on('exit', (code) => {
      const line = handle.output
        .trim()
        .split('\n')
        .findLast((text) => text.startsWith('{'));
      if (code !== 0 || !line) {
        reject(new Error(`load generator failed (exit ${code}):\n${handle.output}`));
        return;
      }
      resolve(JSON.parse(line));
    });
  });
}
