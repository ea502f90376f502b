/**
 * The package as another project installs it (README "Install into your own project"): `npm pack`
 * makes the tarball, and a project that has only that tarball's files imports every subpath export
 * and runs the `liter-llm` binary. The tarball is unpacked under this checkout's node_modules so its
 * dependencies resolve from there, without the registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const packageJSON = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  exports: Record<string, { default: string }>;
  bin: Record<string, string>;
};

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let project: string;
let packed: PackResult;

beforeAll(() => {
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  project = mkdtempSync(join(root, 'node_modules', '.package-install-test-'));
  // --ignore-scripts: the suite has built dist/ already; `prepare` is what a git install runs.
  const output = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], {
    cwd: root,
    encoding: 'utf8',
  });
  const results = JSON.parse(output) as PackResult[];
  packed = results[0]!;
  const modules = join(project, 'node_modules');
  mkdirSync(modules);
  execFileSync('tar', ['-xzf', join(project, packed.filename), '-C', modules]);
  renameSync(join(modules, 'package'), join(modules, 'liter-llm'));
}, 60_000);

afterAll(() => {
  if (project !== undefined) rmSync(project, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('builds dist/ when installed from git (the prepare script)', () => {
    expect(packageJSON.scripts['prepare']).toBe('tsc -b');
  });

  it('ships the built code and leaves tests and fixtures out', () => {
    const paths = packed.files.map((file) => file.path);
    for (const target of [
      ...Object.values(packageJSON.exports).map((entry) => entry.default),
      ...Object.values(packageJSON.bin),
    ]) {
      expect(paths).toContain(target.replace(/^\.\//, ''));
    }
    expect(paths.filter((path) => /\.test\.|__fixtures__/.test(path))).toEqual([]);
    expect(paths).toContain('README.md');
  });

  it('imports every subpath export from the installed files', () => {
    const script = [
      "import * as main from 'liter-llm';",
      "import * as gateway from 'liter-llm/gateway';",
      "import * as telemetry from 'liter-llm/telemetry';",
      "import * as spec from 'liter-llm/spec';",
      "import * as testing from 'liter-llm/testing';",
      'console.log(JSON.stringify([typeof main.createEngine, typeof gateway.startGateway, typeof telemetry.createMetrics, typeof spec.isLiterLLMError, typeof testing.loadFixture]));',
    ].join('\n');
    writeFileSync(join(project, 'app.mjs'), script);
    const output = execFileSync(process.execPath, [join(project, 'app.mjs')], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual(['function', 'function', 'function', 'function', 'function']);
  });

  it('runs the liter-llm binary from the installed files', () => {
    const bin = join(project, 'node_modules', 'liter-llm', packageJSON.bin['liter-llm']!);
    const output = execFileSync(process.execPath, [bin, 'check-config', join(root, 'examples', 'liter-llm.yaml')], {
      cwd: project,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        OPENAI_API_KEY: 'sk-test',
        ANTHROPIC_API_KEY: 'sk-ant-test',
        HF_TOKEN: 'hf_test',
        LITER_LLM_KEY: 'key',
      },
    });
    expect(output).toMatch(/valid|ok/i);
  });
});
