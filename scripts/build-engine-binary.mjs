// Writes dist/bin/liter-llm: the CLI as one executable that needs no Node.js on the machine it runs on
// (docs/decisions/engine-binary.md says why it is built this way, and what it costs in size and start-up).
//   npx tsc -b && node scripts/build-engine-binary.mjs      (or: make engine-binary)
// Steps: esbuild bundles dist/cli/main.js and everything it imports into one CommonJS file; Node's
// single-executable-application support turns that file into a blob (`node --experimental-sea-config`);
// postject injects the blob into a copy of the node binary that runs this script.
// The build is skipped when its inputs (dist/'s JavaScript, package-lock.json, this script, the node
// binary) hash to what dist/bin/.liter-llm.sha256 recorded for the binary already there.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import postject from 'postject';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist/cli/main.js');
const binDir = join(root, 'dist/bin');
const target = join(binDir, 'liter-llm');
const stampFile = join(binDir, '.liter-llm.sha256');

/** The name of the fuse Node 20's binary checks to know a blob was injected (Node's docs on SEA). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/** dist/'s JavaScript files, sorted, without what this script writes. */
function listDistFiles(directory) {
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((item) => {
      const path = join(directory, item.name);
      if (item.isDirectory()) return path === binDir ? [] : listDistFiles(path);
      return item.name.endsWith('.js') || item.name.endsWith('.cjs') || item.name.endsWith('.mjs') ? [path] : [];
    })
    .sort();
}

function hashInputs() {
  const hash = createHash('sha256');
  const add = (label, bytes) => hash.update(`${label}\0${bytes.length}\0`).update(bytes);
  for (const file of listDistFiles(join(root, 'dist'))) add(relative(root, file), readFileSync(file));
  add('package-lock.json', readFileSync(join(root, 'package-lock.json')));
  add('build script', readFileSync(fileURLToPath(import.meta.url)));
  // The node binary itself is ~100 MB; its version and size identify it well enough for a cache key.
  add('node', Buffer.from(`${process.version} ${process.execPath} ${statSync(process.execPath).size}`));
  return hash.digest('hex');
}

async function bundle(outfile) {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    // Node 20 runs only a CommonJS script as a single executable's main script.
    format: 'cjs',
    // The OTLP exporter loads node:http(s) with import(); a single executable's main script has no
    // dynamic import ("A dynamic import callback was not specified"), so esbuild turns it into require().
    supported: { 'dynamic-import': false },
    // etcd3 (config_source.etcd, imported only when a config names etcd) loads gRPC .proto files from
    // its package directory at load time, which a single executable does not have: it stays out, and
    // the binary says so when a config asks for etcd (src/host/create-etcd-config-store.ts).
    external: ['etcd3'],
    // Syntax only: names stay as written, so stack traces from the binary still read like the source.
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: {
      // No package.json sits beside the binary (src/read-package-version.ts).
      LITER_LLM_BUNDLED_VERSION: JSON.stringify(version),
      // CommonJS has no import.meta: the bundle's own file URL is what an ES module would see.
      'import.meta.url': '__literLLMBundleURL',
    },
    banner: { js: 'var __literLLMBundleURL = require("node:url").pathToFileURL(__filename).href;' },
  });
  // A warning here (an import.meta esbuild cannot map, a require it cannot follow) is a command that
  // would break only inside the binary: fail the build instead.
  if (result.warnings.length > 0) {
    const messages = await import('esbuild').then(({ formatMessages }) => formatMessages(result.warnings, { kind: 'warning' }));
    throw new Error(`esbuild warned while bundling ${relative(root, entry)}:\n${messages.join('\n')}`);
  }
}

/**
 * Node's Linux release binary keeps its debug info: `strip` takes 99 MB down to 86 MB, and stack traces
 * of JavaScript code do not need it. Skipped where there is no GNU strip (the binary then stays larger).
 */
function stripDebugInfo(file) {
  if (process.platform !== 'linux') return;
  try {
    execFileSync('strip', [file], { stdio: 'pipe' });
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    console.warn("build-engine-binary: no strip on PATH; the binary keeps node's debug info");
  }
}

/**
 * postject's ELF library warns once per note section of node's binary that it cannot name; those
 * warnings say nothing about the injection, so they are dropped and every other line is kept.
 */
async function injectQuietly(file, blob) {
  const warn = console.warn;
  console.warn = (...args) => {
    if (!/^warning: Can't find string offset for section name/.test(String(args[0]))) warn(...args);
  };
  try {
    await postject.inject(file, 'NODE_SEA_BLOB', blob, { sentinelFuse: SEA_FUSE });
  } finally {
    console.warn = warn;
  }
}

async function buildBinary() {
  // A directory of its own, and a rename at the end: two builds at once (make -j, parallel tests) each
  // finish with a whole binary in place.
  const workDir = mkdtempSync(join(binDir, '.build-'));
  try {
    const bundleFile = join(workDir, 'liter-llm.cjs');
    const blobFile = join(workDir, 'liter-llm.blob');
    const configFile = join(workDir, 'sea-config.json');
    await bundle(bundleFile);
    writeFileSync(
      configFile,
      JSON.stringify({ main: bundleFile, output: blobFile, disableExperimentalSEAWarning: true, useCodeCache: true }),
    );
    execFileSync(process.execPath, ['--experimental-sea-config', configFile], { stdio: 'pipe' });
    const partial = join(workDir, 'liter-llm');
    copyFileSync(process.execPath, partial);
    chmodSync(partial, 0o755);
    stripDebugInfo(partial);
    await injectQuietly(partial, readFileSync(blobFile));
    renameSync(partial, target);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (!existsSync(entry)) {
  console.error(`build-engine-binary: ${relative(root, entry)} is missing; run npx tsc -b first`);
  process.exit(1);
}
const digest = hashInputs();
if (existsSync(target) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === digest) {
  console.log(`${relative(root, target)} is up to date`);
} else {
  const started = performance.now();
  mkdirSync(binDir, { recursive: true });
  rmSync(stampFile, { force: true });
  await buildBinary();
  writeFileSync(stampFile, `${digest}\n`);
  const megabytes = (statSync(target).size / 1e6).toFixed(1);
  console.log(`wrote ${relative(root, target)} (${megabytes} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
