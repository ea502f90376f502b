#!/usr/bin/env node
/**
 * The conformance harness: one long-lived process that the TypeScript, Python and Go runners drive
 * over JSON lines on stdin/stdout (protocol in conformance/README.md). It sets up one vector at a
 * time (local provider servers, a config file, in http mode a gateway), then judges what the
 * runner's binding observed. Run it from the repository root after `npx tsc -b`: it imports dist/.
 * Listens on 127.0.0.1 only; everything it started is stopped on teardown and on exit, and it
 * exits when its stdin closes.
 */
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const vectorsDirectory = fileURLToPath(new URL('./vectors', import.meta.url));
const log = (line) => process.stderr.write(`conformance harness: ${line}\n`);

// stdout carries the protocol's lines only: anything else that writes to it goes to stderr.
const writeStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = process.stderr.write.bind(process.stderr);
const answer = (message) => writeStdout(`${JSON.stringify(message)}\n`);

if (!existsSync(new URL('../dist/testing/index.js', import.meta.url))) {
  answer({ ready: false, error: 'dist/ is not built: run `npx tsc -b` in the repository root first' });
  process.exit(1);
}
const { loadVectors } = await import('./harness/load-vectors.mjs');
const { setUpVector } = await import('./harness/set-up-vector.mjs');

let vectors;
try {
  vectors = loadVectors(vectorsDirectory);
} catch (error) {
  answer({ ready: false, error: error.message });
  process.exit(1);
}

let current;
async function tearDownCurrent() {
  const vector = current;
  current = undefined;
  await vector?.tearDown();
}

async function handle(message) {
  switch (message?.op) {
    case 'setup': {
      await tearDownCurrent();
      const vector = vectors.get(message.vector);
      if (vector === undefined) return { ok: false, error: `no vector named ${JSON.stringify(message.vector)}` };
      if (message.mode !== 'stdio' && message.mode !== 'http')
        return { ok: false, error: `mode must be "stdio" or "http", got ${JSON.stringify(message.mode)}` };
      current = await setUpVector(vector, message.mode, { repositoryRoot, log });
      return current.answer;
    }
    case 'check': {
      if (current === undefined) return { ok: false, error: 'check without a vector set up' };
      const vector = current;
      current = undefined;
      const problems = await vector.check(message.observed);
      return problems.length === 0 ? { ok: true } : { ok: false, problems };
    }
    case 'teardown':
      await tearDownCurrent();
      return { ok: true };
    default:
      return { ok: false, error: `unknown op ${JSON.stringify(message?.op)}: expected setup, check or teardown` };
  }
}

let shuttingDown = false;
async function exit(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  await tearDownCurrent().catch((error) => log(`teardown on exit: ${error.message}`));
  process.exit(code);
}

answer({ ready: true, vectors: [...vectors.keys()] });
// Lines are handled strictly one after the other: one vector at a time.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  queue = queue.then(async () => {
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      return answer({ ok: false, error: 'each line must be one JSON object' });
    }
    try {
      answer(await handle(message));
    } catch (error) {
      answer({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
lines.on('close', () => void queue.then(() => exit(0)));
process.on('SIGTERM', () => void exit(143));
process.on('SIGINT', () => void exit(130));
