// The benchmark's Python virtual environments: bench/bindings/.venv-<name>/ (git-ignored), created
// once and reinstalled only when their requirements file changes (its sha256 is kept in the venv).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BINDINGS_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The venv's python, with `requirementsFile` installed; throws with pip's own words when that
 * fails (no registry, a version that is not served), so the rows that need it say why.
 */
export function ensurePythonVenv(name, requirementsFile, { python = 'python3' } = {}) {
  const venv = path.join(BINDINGS_DIR, `.venv-${name}`);
  const venvPython = path.join(venv, 'bin', 'python');
  const stamp = path.join(venv, '.requirements.sha256');
  const digest = createHash('sha256').update(readFileSync(requirementsFile)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === digest && existsSync(venvPython)) return venvPython;
  if (!existsSync(venvPython)) run(python, ['-m', 'venv', venv], `${python} -m venv ${venv}`);
  run(
    venvPython,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirementsFile],
    `pip install -r ${path.relative(process.cwd(), requirementsFile)}`,
  );
  writeFileSync(stamp, `${digest}\n`);
  return venvPython;
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000 });
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    const said = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-3).join(' ');
    throw new Error(`${what} failed: ${said}`);
  }
}
