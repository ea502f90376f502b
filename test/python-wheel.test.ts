/**
 * The Python binding as users install it, on a machine without Node.js (PATH is an empty directory):
 * `make python-wheel`'s one wheel, which carries dist/bin/liter-llm, in a fresh virtualenv; and
 * `pip install ./python` from this checkout, which finds the checkout's built engine. The wheel and
 * both virtualenvs are kept under dist/ and rebuilt only when their inputs change.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCLI, startMockProvider, stopChild, type CLILauncher } from './cli-process.js';

const root = new URL('..', import.meta.url).pathname;
const ENGINE = join(root, 'dist', 'bin', 'liter-llm');
const WHEELS = join(root, 'dist', 'wheels');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

const CHAT_SCRIPT = `
import json, os, liter_llm
from liter_llm.find_engine import find_engine
with liter_llm.Client(env={"OPENAI_API_KEY": "sk-wheel"}) as client:
    reply = client.chat(model="openai/gpt-6-luna", messages=[{"role": "user", "content": "from python"}])
print(json.dumps({"engine": find_engine(None, dict(os.environ)), "text": reply.text}))
`;

let emptyPath: string;
let mock: Awaited<ReturnType<typeof startMockProvider>>;

/** A virtualenv under dist/test-venvs/NAME with `pip install ...install` done, reused while `key` is unchanged. */
function virtualenv(name: string, install: string[], key: string): string {
  const directory = join(root, 'dist', 'test-venvs', name);
  const python = join(directory, 'bin', 'python');
  const stamp = join(directory, '.installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return python;
  rmSync(directory, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', directory], { stdio: 'pipe' });
  execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...install], {
    cwd: root,
    stdio: 'pipe',
  });
  writeFileSync(stamp, key);
  return python;
}

/** Runs CHAT_SCRIPT with that interpreter, outside the checkout, with no node on PATH. */
function chatFromPython(python: string): { engine: string[]; text: string } {
  const output = execFileSync(python, ['-c', CHAT_SCRIPT], {
    cwd: emptyPath,
    env: { PATH: emptyPath, OPENAI_BASE_URL: `${mock.url}/v1` },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(output) as { engine: string[]; text: string };
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-engine-binary.mjs')], { cwd: root, stdio: 'pipe' });
  execFileSync('bash', [join(root, 'scripts', 'build-python-wheel.sh')], { cwd: root, stdio: 'pipe' });
  emptyPath = mkdtempSync(join(tmpdir(), 'liter-llm-no-node-'));
  const engine: CLILauncher = [ENGINE];
  mock = await startMockProvider(['--provider', 'openai'], engine, { PATH: emptyPath });
}, 300_000);

afterAll(async () => {
  if (mock) await stopChild(mock.child);
  if (emptyPath) rmSync(emptyPath, { recursive: true, force: true });
});

describe('the Python wheel (make python-wheel)', () => {
  it('is one platform wheel with the engine inside at liter_llm/_engine/liter-llm', async () => {
    const platform = execFileSync('python3', ['-c', 'import sysconfig; print(sysconfig.get_platform())'], { encoding: 'utf8' })
      .trim()
      .replace(/[-.]/g, '_');
    const wheels = readdirSync(WHEELS).filter((file) => file.endsWith('.whl'));
    expect(wheels).toEqual([`liter_llm-${version}-py3-none-${platform}.whl`]);
    const listing = execFileSync(
      'python3',
      [
        '-c',
        'import sys, zipfile; [print(i.filename, oct(i.external_attr >> 16)) for i in zipfile.ZipFile(sys.argv[1]).infolist()]',
        join(WHEELS, wheels[0]!),
      ],
      { encoding: 'utf8' },
    );
    expect(listing).toMatch(/^liter_llm\/_engine\/liter-llm 0o100755$/m);
    const engineVersion = await runCLI(['--version'], { env: { PATH: emptyPath }, launcher: [ENGINE] });
    expect(engineVersion.stdout).toBe(`${version}\n`);
  });

  it('installs into a fresh virtualenv and chats through its own engine, with no node on PATH', () => {
    const wheel = join(
      WHEELS,
      readdirSync(WHEELS).find((file) => file.endsWith('.whl'))!,
    );
    const python = virtualenv('wheel', [wheel], readFileSync(join(WHEELS, '.sha256'), 'utf8'));
    const { engine, text } = chatFromPython(python);
    expect(text).toBe('Echo: from python');
    expect(engine).toHaveLength(1);
    expect(engine[0]).toMatch(/\/dist\/test-venvs\/wheel\/lib\/python[\d.]+\/site-packages\/liter_llm\/_engine\/liter-llm$/);
  }, 120_000);

  it('pip install ./python from the checkout finds the checkout’s engine', () => {
    const python = virtualenv('checkout', ['./python'], readFileSync(join(WHEELS, '.sha256'), 'utf8'));
    const { engine, text } = chatFromPython(python);
    expect(text).toBe('Echo: from python');
    expect(engine).toEqual([ENGINE]);
  }, 120_000);
});
