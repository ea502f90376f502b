// A client process under test (python_worker.py, a Go driver): started with a spec, then driven by
// JSON lines ({"op":"run",...} in, one result line out). Its CPU, and that of the processes it started
// (the engine of a stdio binding), is read from /proc around every run. Its stderr (where a stdio
// engine writes its JSON request log, a line per call) goes to a file, so that this process, which
// shares the machine's two cores with the load, never reads it.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readCPUMicros } from '../../lib/proc-stats.mjs';

const live = new Set();

/**
 * Starts `command args` and waits for its first line: {"ready":true,"info"} gives a worker,
 * {"ready":false,"unavailable"} an { unavailable } answer (its binding or mode is not there yet).
 * A worker that exits or stays silent for `readyTimeoutMs` throws with the end of its stderr.
 */
export async function startBenchWorker(name, command, args, { env, cwd, stderrFile, readyTimeoutMs = 60_000 } = {}) {
  const stderrFD = openSync(stderrFile, 'w');
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', stderrFD] });
  closeSync(stderrFD);
  const worker = { name, child, pid: child.pid, stderrFile, exited: false, descendants: new Map(), lines: [], waiters: [] };
  live.add(worker);
  child.stdin.on('error', () => undefined); // a worker that died is reported by its exit, not by EPIPE
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = worker.waiters.shift();
    if (waiter) waiter.resolve(line);
    else worker.lines.push(line);
  });
  child.on('error', (error) => failWaiters(worker, error));
  child.on('exit', (code, signal) => {
    worker.exited = true;
    live.delete(worker);
    failWaiters(worker, new Error(`${name} exited (${code ?? signal}):\n${lastLines(worker)}`));
  });
  let first;
  try {
    first = JSON.parse(await nextLine(worker, readyTimeoutMs));
  } catch (error) {
    await stopBenchWorker(worker);
    throw error;
  }
  if (first.ready !== true) {
    await stopBenchWorker(worker);
    return { unavailable: String(first.unavailable ?? `${name} did not start: ${JSON.stringify(first)}`) };
  }
  worker.info = first.info ?? {};
  return { worker };
}

/**
 * One closed-loop run at `concurrency` for `durationMs`: the worker's answer plus `cpuMicros`, the
 * CPU the worker and its descendants spent meanwhile, and `childCPUMicros`, the descendants' share
 * (a stdio binding's engine).
 */
export async function runBenchWorker(worker, concurrency, durationMs) {
  const before = readTreeCPU(worker);
  worker.child.stdin.write(`${JSON.stringify({ op: 'run', concurrency, durationMs })}\n`);
  const answer = JSON.parse(await nextLine(worker, durationMs + 60_000));
  const after = readTreeCPU(worker);
  const known = before !== null && after !== null;
  return {
    ...answer,
    cpuMicros: known ? after.total - before.total : null,
    childCPUMicros: known ? after.children - before.children : null,
  };
}

/** Closes the worker's stdin (it closes its client and exits), then SIGKILLs whatever is left. */
export async function stopBenchWorker(worker, graceMs = 10_000) {
  collectDescendants(worker);
  if (!worker.exited) {
    const exited = new Promise((resolve) => worker.child.once('exit', resolve));
    worker.child.stdin.end();
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
  // An engine whose worker was killed exits when its stdin closes; this makes sure it did.
  for (const [pid, startTime] of worker.descendants) killIfAlive(pid, startTime);
}

/** Last resort when the runner itself is ending abnormally: nothing it started may outlive it. */
export function killAllBenchWorkers() {
  for (const worker of live) {
    collectDescendants(worker);
    killIfAlive(worker.pid);
    for (const [pid, startTime] of worker.descendants) killIfAlive(pid, startTime);
  }
}

function nextLine(worker, timeoutMs) {
  if (worker.lines.length > 0) return Promise.resolve(worker.lines.shift());
  if (worker.exited) return Promise.reject(new Error(`${worker.name} has exited:\n${lastLines(worker)}`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.waiters = worker.waiters.filter((waiter) => waiter.resolve !== done);
      reject(new Error(`${worker.name} did not answer within ${timeoutMs} ms:\n${lastLines(worker)}`));
    }, timeoutMs);
    const done = (line) => {
      clearTimeout(timer);
      resolve(line);
    };
    worker.waiters.push({
      resolve: done,
      reject: (error) => {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}

function failWaiters(worker, error) {
  for (const waiter of worker.waiters.splice(0)) waiter.reject(error);
}

function readTreeCPU(worker) {
  collectDescendants(worker);
  const own = readCPUMicros(worker.pid);
  if (own === null) return null;
  let children = 0;
  for (const pid of worker.descendants.keys()) children += readCPUMicros(pid) ?? 0;
  return { total: own + children, children };
}

/**
 * Adds every live descendant of the worker (from every /proc/<pid>/task/<tid>/children: a child belongs to the
 * thread that forked it) to its map, pid -> start time, so a later kill cannot hit a reused pid.
 */
function collectDescendants(worker) {
  const pending = [worker.pid];
  while (pending.length > 0) {
    const pid = pending.pop();
    for (const child of readChildren(pid)) {
      if (!worker.descendants.has(child)) worker.descendants.set(child, readStartTime(child));
      pending.push(child);
    }
  }
}

function readChildren(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) => {
      try {
        return readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** The process's start time in clock ticks since boot (/proc/<pid>/stat field 22), or null. */
function readStartTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function killIfAlive(pid, startTime) {
  if (startTime !== undefined && readStartTime(pid) !== startTime) return; // gone, or the pid is reused
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The end of the worker's stderr, for an error report. */
function lastLines(worker) {
  try {
    return readFileSync(worker.stderrFile, 'utf8').slice(-16_384).trim().split('\n').slice(-12).join('\n');
  } catch {
    return '';
  }
}
