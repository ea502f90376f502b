// The standalone engine's size and start-up time, next to `node dist/cli/main.js` in the same run
// (the figures in docs/decisions/engine-binary.md):
//   make engine-binary && node scripts/measure-engine-binary.mjs [RUNS]
// Start-up is the median wall time of RUNS runs of `--version` (process start to exit) and of
// `engine --stdio` from spawn to the answer of its `initialize` frame (what a binding waits for).
// The launchers take turns run by run, so a busy moment of a shared machine hits them alike.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFrameDecoder } from '../dist/protocol/create-frame-decoder.js';
import { encodeFrame } from '../dist/protocol/encode-frame.js';
import { PROTOCOL_VERSION } from '../dist/protocol/protocol-version.js';

const runs = Number(process.argv[2] ?? 20);
const root = fileURLToPath(new URL('..', import.meta.url));
// LITER_LLM_ENGINE_BINARY measures another build of the binary (for comparing build settings).
const binary = process.env.LITER_LLM_ENGINE_BINARY ?? join(root, 'dist/bin/liter-llm');
const relative = (path) => path.replace(root, '');
const launchers = {
  [relative(binary)]: [binary],
  'node dist/cli/main.js': [process.execPath, join(root, 'dist/cli/main.js')],
};

function timeVersion([command, ...args]) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, '--version'], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`))));
  });
}

function timeInitialize([command, ...args]) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, 'engine', '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const decoder = createFrameDecoder();
    child.once('error', reject);
    child.stdout.on('data', (chunk) => {
      for (const decoded of decoder.push(chunk)) {
        if (decoded.type !== 'frame') continue;
        const elapsed = performance.now() - started;
        child.once('exit', () => resolve(elapsed));
        child.stdin.end();
      }
    });
    child.stdin.write(encodeFrame({ id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } }));
  });
}

/** Median per launcher; the launchers take turns run by run, so a busy moment of the machine hits them alike. */
async function medians(measure) {
  const times = Object.fromEntries(Object.keys(launchers).map((name) => [name, []]));
  for (const launcher of Object.values(launchers)) await measure(launcher); // warms the page cache
  for (let run = 0; run < runs; run++) {
    for (const [name, launcher] of Object.entries(launchers)) times[name].push(await measure(launcher));
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, list]) => [name, list.sort((a, b) => a - b)[Math.floor(list.length / 2)]]),
  );
}

console.log(
  `${relative(binary)}: ${(statSync(binary).size / 1e6).toFixed(1)} MB; node ${process.version}; median of ${runs} runs`,
);
const version = await medians(timeVersion);
const initialize = await medians(timeInitialize);
for (const name of Object.keys(launchers)) {
  console.log(
    `${name.padEnd(24)} --version ${version[name].toFixed(0).padStart(4)} ms   engine --stdio initialize ${initialize[name].toFixed(0).padStart(4)} ms`,
  );
}
