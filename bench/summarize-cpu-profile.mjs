#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `run-gateway-bench.mjs --cpu-prof`):
// self time by area (our folders, undici, node internals, GC, idle), by file, and the top functions,
// plus the inclusive time of our own functions (what each costs with everything it calls).
//
// Usage: node bench/summarize-cpu-profile.mjs FILE.cpuprofile [--top 30] [--callers PATTERN]
//   --callers: for samples whose own frame (function name or file) matches PATTERN, which of our
//   functions (the nearest dist/ frame on the stack) they were called from.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, callers: { type: 'string' } },
});
if (positionals.length !== 1) {
  process.stderr.write('usage: node bench/summarize-cpu-profile.mjs FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const top = Number(values.top);
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

const selfMicros = new Map();
for (let index = 0; index < profile.samples.length; index += 1) {
  const id = profile.samples[index];
  selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
}

function shortURL(url) {
  if (!url) return '';
  const at = url.search(/\/(src|dist|node_modules|bench)\//);
  return at === -1 ? url.replace(/^file:\/\//, '') : url.slice(at + 1);
}

/** Liter-LLM's own compiled code (dist/), not a dependency's dist/ folder. */
function isOurs(url) {
  return /\/dist\//.test(url) && !url.includes('/node_modules/');
}

function classify(frame) {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'program (V8/native, unattributed)';
  if (url.includes('/node_modules/undici/')) return 'undici (npm)';
  if (url.includes('/node_modules/')) return `npm ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)[1]}`;
  if (url.includes('/bench/')) return 'bench (bare pass-through)';
  const ours = /\/dist\/([a-z-]+)\//.exec(url);
  if (ours) return `liter-llm dist/${ours[1]}`;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  if (url === '') return 'native / builtins';
  return 'other';
}

const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
const busy =
  total -
  [...selfMicros.entries()]
    .filter(([id]) => nodes.get(id).callFrame.functionName === '(idle)')
    .reduce((sum, [, value]) => sum + value, 0);

function table(title, map, limit, base) {
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  process.stdout.write(`\n${title}\n`);
  for (const [name, micros] of rows) {
    process.stdout.write(
      `${((micros / base) * 100).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}\n`,
    );
  }
}

const byArea = new Map();
const byFile = new Map();
const byFunction = new Map();
for (const [id, micros] of selfMicros) {
  const frame = nodes.get(id).callFrame;
  const area = classify(frame);
  byArea.set(area, (byArea.get(area) ?? 0) + micros);
  if (area === 'idle') continue;
  const file = shortURL(frame.url) || area;
  byFile.set(file, (byFile.get(file) ?? 0) + micros);
  const name = `${frame.functionName || '(anonymous)'}  ${file}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}

// Inclusive time of our own functions: every sample counts once for each distinct function of ours
// on its stack.
const inclusive = new Map();
for (const [id, micros] of selfMicros) {
  const seen = new Set();
  for (let current = id; current !== undefined; current = parents.get(current)) {
    const frame = nodes.get(current).callFrame;
    if (!isOurs(frame.url)) continue;
    const name = `${frame.functionName || '(anonymous)'}  ${shortURL(frame.url)}:${frame.lineNumber + 1}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + micros);
  }
}

process.stdout.write(
  `profile: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (${((busy / total) * 100).toFixed(0)}%); shares below are of busy time\n`,
);
table('self time by area', new Map([...byArea].filter(([area]) => area !== 'idle')), 40, busy);
table('self time by file', byFile, top, busy);
table('self time by function', byFunction, top, busy);
table('inclusive time of liter-llm functions', inclusive, top, busy);

if (values.callers) {
  const pattern = new RegExp(values.callers);
  const callers = new Map();
  for (const [id, micros] of selfMicros) {
    const frame = nodes.get(id).callFrame;
    if (!pattern.test(frame.functionName) && !pattern.test(frame.url)) continue;
    let caller = '(no liter-llm frame on the stack)';
    for (let current = parents.get(id); current !== undefined; current = parents.get(current)) {
      const parentFrame = nodes.get(current).callFrame;
      if (isOurs(parentFrame.url)) {
        caller = `${parentFrame.functionName || '(anonymous)'}  ${shortURL(parentFrame.url)}:${parentFrame.lineNumber + 1}`;
        break;
      }
    }
    callers.set(caller, (callers.get(caller) ?? 0) + micros);
  }
  table(`self time matching /${values.callers}/, by nearest liter-llm caller`, callers, top, busy);
}
