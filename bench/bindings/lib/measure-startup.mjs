// Start-up costs: `import liter_llm` (python -X importtime) and the engine executable (its size, how
// long `--version` takes, and how long `engine --stdio` takes to answer its initialize frame).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * `import liter_llm`'s cumulative time as `-X importtime` reports it (µs): the median and the fastest
 * of `runs`, each in a fresh interpreter (the first run warms the page cache and writes the .pyc
 * files; not counted). On a shared machine the median moves with the other load; the fastest less.
 */
export function measureImportTime(python, module, { env, runs = 11 } = {}) {
  const samples = [];
  for (let index = 0; index <= runs; index += 1) {
    const result = spawnSync(python, ['-X', 'importtime', '-c', `import ${module}`], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    if (result.status !== 0) throw new Error(`python -c "import ${module}" failed: ${result.stderr.trim().split('\n').at(-1)}`);
    const line = result.stderr.split('\n').findLast((text) => new RegExp(`\\|\\s+${module.replaceAll('.', '\\.')}$`).test(text));
    if (!line) throw new Error(`python -X importtime printed no line for ${module}`);
    if (index > 0) samples.push(Number(line.split('|')[1].trim()));
  }
  return { cumulativeUs: median(samples), fastestUs: Math.min(...samples), runs };
}

/**
 * The engine executable's size, and that of its whole directory (dist/bin/), in case it ships with
 * files beside it (a bundle next to a copied node, the way Playwright ships its driver).
 */
export function measureEngineSize(executable) {
  return { fileBytes: statSync(executable).size, directoryBytes: measureDirectoryBytes(path.dirname(executable)) };
}

function measureDirectoryBytes(directory) {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) total += measureDirectoryBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/**
 * Median wall time of `command --version` and of `command engine --stdio` up to its answer to
 * `initialize` (then stdin closes and the engine exits), over `runs` starts after one warm start.
 */
export async function measureEngineStartup(command, { runs = 5 } = {}) {
  const [file, ...prefix] = command;
  const version = [];
  const initialize = [];
  for (let index = 0; index <= runs; index += 1) {
    const began = performance.now();
    const result = spawnSync(file, [...prefix, '--version'], { encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) throw new Error(`${command.join(' ')} --version failed: ${result.stderr || result.error}`);
    if (index > 0) version.push(performance.now() - began);
    const elapsed = await timeInitialize(file, [...prefix, 'engine', '--stdio']);
    if (index > 0) initialize.push(elapsed);
  }
  return { versionMs: median(version), initializeMs: median(initialize), runs };
}

function timeInitialize(file, args) {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} ${args.join(' ')} did not answer initialize within 30 s`));
    }, 30_000);
    const body = Buffer.from(
      JSON.stringify({
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '1.0.0', client: { name: 'bench', version: '0' } },
      }),
    );
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    child.stdin.on('error', () => undefined);
    child.stdin.write(Buffer.concat([header, body]));
    let received = Buffer.alloc(0);
    let elapsed;
    child.stdout.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (elapsed === undefined && received.length >= 4 && received.length >= 4 + received.readUInt32BE(0)) {
        elapsed = performance.now() - began;
        child.stdin.end();
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', () => {
      clearTimeout(timer);
      if (elapsed === undefined) reject(new Error(`${file} ${args.join(' ')} exited before answering initialize`));
      else resolve(elapsed);
    });
  });
}
