#!/usr/bin/env node
// Where a stdio call's time goes inside the engine, at concurrency 1: one call at a time, in a
// closed loop, against the Go mock upstream at 0 ms, through each layer on its own, every mode
// interleaved round by round so the shared machine's drift hits them alike:
//   stdio-chat     `engine --stdio` of this checkout as a child, `chat` frames (what the Go binding does)
//   stdio-models   the same engine, `models` frames: the pipe and the frame codec without the chat path
//   echo           a trivial Node process that decodes a frame, JSON.parses it and answers a fixed
//                  result frame: the floor of any Node engine behind this protocol
//   loopback-chat  serveProtocol in this process over in-memory pipes: the codec and dispatch, no pipe
//   engine-chat    engine.chat() in this process: the engine's chat path alone (undici to the upstream)
//   undici-direct  an undici Pool in this process posting the same chat to the upstream and parsing
//                  the answer: Node's upstream HTTP alone, what Go's net/http direct row does in Go
//   baseline-chat  stdio-chat with the engine of another build (--baseline DIR: its dist/), for a
//                  before/after in one run
// Prints, per mode, µs per call (wall, as the client waits) and the CPU µs per call of the process
// doing the engine's work (the child, or this process for the in-process modes, client included);
// with --callgrind the engine children run under valgrind and the engine's instructions per call
// are counted too (use few calls: --calls 500 --warmup 1000 takes a few minutes).
//
//   npx tsc -b && node bench/bindings/engine-stdio-loop.mjs [--calls 4000] [--rounds 3]
//        [--modes stdio-chat,stdio-models,echo,loopback-chat,engine-chat] [--engine-node-args=--cpu-prof,...]
//        [--engine DIR] [--baseline DIR --modes stdio-chat,baseline-chat] [--callgrind]
//   (DIR: a build's dist/, by default this checkout's; a copy elsewhere in the checkout, such as
//   bench/.bin/dist-base/ with package.json copied to bench/.bin/, finds node_modules too)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { killAllStarted, stopProcess } from '../lib/bench-processes.mjs';
import { benchProviderConfigLines, startMockUpstream, UPSTREAM_KEY } from '../lib/bench-servers.mjs';
import { readCPUMicros } from '../lib/proc-stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const ALL_MODES = ['stdio-chat', 'stdio-models', 'echo', 'loopback-chat', 'engine-chat', 'undici-direct', 'baseline-chat'];

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1500' },
    modes: { type: 'string', default: ALL_MODES.filter((mode) => mode !== 'baseline-chat').join(',') },
    'engine-node-args': { type: 'string', default: '' },
    engine: { type: 'string' },
    baseline: { type: 'string' },
    callgrind: { type: 'boolean', default: false },
  },
});
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);
const modes = values.modes.split(',');
for (const mode of modes)
  if (!ALL_MODES.includes(mode)) throw new Error(`--modes: unknown mode ${mode}; expected ${ALL_MODES.join(', ')}`);
const engineNodeArgs = values['engine-node-args'] ? values['engine-node-args'].split(',') : [];

const CHAT_PARAMS = {
  model: 'bench/bench-0ms',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'Tell me one short sentence about a fox.' },
  ],
  maxTokens: 64,
  temperature: 0.2,
};

// The echo engine: the same framing and JSON both ways, nothing else. Its answer has the size of a
// chat result frame, so the pipe carries as many bytes as for a chat.
const ECHO_SOURCE = `
const result = ${JSON.stringify({ text: 'x'.repeat(60), finishReason: 'stop', usage: { inputTokens: 20, outputTokens: 12 }, provider: 'bench', model: 'bench-0ms', requestId: 'req_0123456789abcdef', attempts: [{ provider: 'bench', model: 'bench-0ms', durationMs: 0.2 }] })};
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
    const length = pending.readUInt32BE(0);
    const frame = JSON.parse(pending.subarray(4, 4 + length).toString('utf8'));
    pending = pending.subarray(4 + length);
    const body = Buffer.from(JSON.stringify({ type: 'result', id: frame.id, result }));
    const out = Buffer.allocUnsafe(4 + body.length);
    out.writeUInt32BE(body.length, 0);
    body.copy(out, 4);
    process.stdout.write(out);
  }
});
`;

function encode(frame) {
  const body = Buffer.from(JSON.stringify(frame));
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** A one-call-at-a-time client over a child's stdin/stdout: send a frame, wait for its answer. */
function startChild(name, command, args) {
  const child = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LITER_LLM_LOG_LEVEL: 'warn' },
  });
  let pending = Buffer.alloc(0);
  let waiting = null;
  child.stdout.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
      const length = pending.readUInt32BE(0);
      const frame = JSON.parse(pending.subarray(4, 4 + length).toString('utf8'));
      pending = pending.subarray(4 + length);
      const resolve = waiting;
      waiting = null;
      resolve?.(frame);
    }
  });
  let nextId = 1;
  const call = (method, params) =>
    new Promise((resolve) => {
      waiting = resolve;
      child.stdin.write(encode({ id: nextId++, method, params }));
    });
  return { name, child, pid: child.pid, call };
}

// Under callgrind the engine runs ~50× slower, but counts instructions, which the other processes on
// a shared machine do not change: the before/after measure for a fix, where wall time is noise.
const CALLGRIND_DIR = values.callgrind ? mkdtempSync(path.join(os.tmpdir(), 'liter-llm-callgrind-')) : undefined;

async function startEngineChild(cli, configFile) {
  const node = [process.execPath, ...engineNodeArgs, cli, 'engine', '--stdio', '--config', configFile];
  const [command, ...args] = CALLGRIND_DIR
    ? [
        'valgrind',
        '-q',
        '--tool=callgrind',
        '--smc-check=all-non-file',
        `--callgrind-out-file=${CALLGRIND_DIR}/callgrind.out.%p`,
        ...node,
      ]
    : node;
  const engine = startChild('engine', command, args);
  const answer = await engine.call('initialize', { protocolVersion: '1.0.0', client: { name: 'bench', version: '0' } });
  if (answer.type !== 'result') throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
  return engine;
}

/** The engine's instructions since the last zeroing (callgrind_control dumps, then the counters restart). */
function dumpInstructions(pid) {
  const before = new Set(readdirSync(CALLGRIND_DIR));
  const dump = spawnSync('callgrind_control', ['--dump', String(pid)], { encoding: 'utf8' });
  if (dump.status !== 0) throw new Error(`callgrind_control --dump ${pid}: ${dump.stderr}`);
  const file = readdirSync(CALLGRIND_DIR).find((name) => !before.has(name) && name.startsWith(`callgrind.out.${pid}.`));
  if (!file) throw new Error(`callgrind_control --dump ${pid} wrote no file`);
  const totals = /^(?:totals|summary): (\d+)/m.exec(readFileSync(path.join(CALLGRIND_DIR, file), 'utf8'));
  rmSync(path.join(CALLGRIND_DIR, file));
  return Number(totals[1]);
}

function check(frame) {
  if (frame.type !== 'result') throw new Error(`engine answered ${JSON.stringify(frame)}`);
}

async function loop(count, callOnce) {
  for (let index = 0; index < count; index += 1) await callOnce();
}

async function main() {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'liter-llm-stdio-loop-'));
  const upstream = await startMockUpstream();
  const configFile = path.join(workDir, 'liter-llm.yaml');
  writeFileSync(configFile, `${benchProviderConfigLines(upstream.port).join('\n')}\n`);
  const children = [];
  try {
    const runners = {};
    if (modes.includes('stdio-chat') || modes.includes('stdio-models')) {
      const engine = await startEngineChild(
        values.engine ? path.join(path.resolve(values.engine), 'cli/main.js') : CLI,
        configFile,
      );
      children.push(engine);
      runners['stdio-chat'] = {
        pid: engine.pid,
        callgrind: true,
        once: async () => check(await engine.call('chat', CHAT_PARAMS)),
      };
      runners['stdio-models'] = { pid: engine.pid, callgrind: true, once: async () => check(await engine.call('models')) };
    }
    if (modes.includes('baseline-chat')) {
      if (!values.baseline) throw new Error('--modes baseline-chat needs --baseline DIR (a build of another commit)');
      const baseline = await startEngineChild(path.join(path.resolve(values.baseline), 'cli/main.js'), configFile);
      children.push(baseline);
      runners['baseline-chat'] = {
        pid: baseline.pid,
        callgrind: true,
        once: async () => check(await baseline.call('chat', CHAT_PARAMS)),
      };
    }
    if (modes.includes('echo')) {
      const echo = startChild('echo', process.execPath, ['-e', ECHO_SOURCE]);
      children.push(echo);
      runners.echo = { pid: echo.pid, once: () => echo.call('chat', CHAT_PARAMS) };
    }
    if (modes.includes('loopback-chat') || modes.includes('engine-chat')) {
      const { createEngine } = await import(path.join(ROOT, 'dist/index.js'));
      const { createLoopbackClient } = await import(path.join(ROOT, 'dist/protocol/index.js'));
      const engine = createEngine(configFile);
      const loopback = createLoopbackClient(engine);
      await loopback.initialized;
      runners['loopback-chat'] = { pid: process.pid, once: () => loopback.chat(CHAT_PARAMS) };
      runners['engine-chat'] = { pid: process.pid, once: () => engine.chat(CHAT_PARAMS) };
      children.push({ close: async () => (await loopback.close(), await engine.close()) });
    }
    if (modes.includes('undici-direct')) {
      const { Pool } = await import('undici');
      const pool = new Pool(`http://127.0.0.1:${upstream.port}`, { connections: 16 });
      const body = JSON.stringify({
        model: 'bench-0ms',
        messages: CHAT_PARAMS.messages,
        max_tokens: CHAT_PARAMS.maxTokens,
        temperature: CHAT_PARAMS.temperature,
      });
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${UPSTREAM_KEY}` };
      runners['undici-direct'] = {
        pid: process.pid,
        once: async () => {
          const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
          const answer = await response.body.json();
          if (response.statusCode !== 200 || !answer.choices[0].message.content)
            throw new Error(`upstream answered ${response.statusCode}`);
        },
      };
      children.push({ close: () => pool.close() });
    }
    for (const mode of modes) await loop(warmup, runners[mode].once);
    const results = Object.fromEntries(modes.map((mode) => [mode, { wall: [], cpu: [], instructions: [] }]));
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? modes : [...modes].reverse();
      for (const mode of order) {
        const runner = runners[mode];
        const counted = CALLGRIND_DIR && runner.callgrind;
        if (counted) dumpInstructions(runner.pid);
        const cpuBefore = readCPUMicros(runner.pid);
        const start = process.hrtime.bigint();
        await loop(calls, runner.once);
        const wall = Number(process.hrtime.bigint() - start) / 1000 / calls;
        const cpu = (readCPUMicros(runner.pid) - cpuBefore) / calls;
        results[mode].wall.push(wall);
        results[mode].cpu.push(cpu);
        const instructions = counted ? dumpInstructions(runner.pid) / calls : undefined;
        if (instructions !== undefined) results[mode].instructions.push(instructions);
        const counts = instructions === undefined ? '' : `, ${Math.round(instructions)} instructions/call`;
        process.stderr.write(`round ${round + 1} ${mode}: ${wall.toFixed(1)} µs/call, ${cpu.toFixed(1)} CPU µs/call${counts}\n`);
      }
    }
    const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
    process.stdout.write(
      '| mode | µs per call (wall) | CPU µs per call (engine process) | instructions per call (engine, callgrind) |\n',
    );
    process.stdout.write('| --- | ---: | ---: | ---: |\n');
    for (const mode of modes) {
      const { wall, cpu, instructions } = results[mode];
      const counted = instructions.length > 0 ? String(Math.round(median(instructions))) : '—';
      process.stdout.write(`| ${mode} | ${median(wall).toFixed(1)} | ${median(cpu).toFixed(1)} | ${counted} |\n`);
    }
  } finally {
    for (const child of children) {
      if (child.close) await child.close();
      else {
        child.child.stdin.end();
        await new Promise((resolve) => child.child.once('exit', resolve));
      }
    }
    await stopProcess(upstream.handle);
    rmSync(workDir, { recursive: true, force: true });
    if (CALLGRIND_DIR) rmSync(CALLGRIND_DIR, { recursive: true, force: true });
  }
}

main().catch((error) => {
  killAllStarted();
  process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
