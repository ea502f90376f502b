/**
 * The Dockerfile's final stage, run on this machine instead of in Docker (no engine runs here): its
 * `npm ci --omit=dev` into an empty directory (from npm's cache when it has the packages), the
 * built dist/ beside it, then its ENTRYPOINT and CMD as the image's non-root user, on the fleet
 * config with Redis and etcd taken out. What this proves: the production dependencies alone run
 * the gateway, the health check works without curl, keys come from the environment, and SIGTERM
 * drains as the Deployment's timing assumes. What it cannot: the base image, Docker's own layer
 * steps, a read-only root (the Go validation checks the manifests ask for one).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForListeningURL } from '../cli-process.js';
import { lastInstruction, parseDockerfile, parseExecForm } from './parse-dockerfile.js';
import { readContainerEnv, readFleetConfig, ROOT, toSingleMachineConfig } from './read-deploy-files.js';

const final = parseDockerfile(readFileSync(`${ROOT}Dockerfile`, 'utf8')).at(-1)!;
const IMAGE_USER = lastInstruction(final, 'USER')!.text;
const EXPOSED = lastInstruction(final, 'EXPOSE')!.text;
const config = readFleetConfig();
const env = readContainerEnv();

let scratch: string;
let app: string;
let gateway: ChildProcess | undefined;
let url: string;
let stderr = '';
let exited: Promise<number | null>;

/** The stage's `npm ci ...` as written, told to use npm's cache first (this machine may be offline). */
function finalStageInstall(): string[] {
  const run = final.instructions.find((i) => i.keyword === 'RUN' && i.text.includes('npm ci'))!.text;
  const install = run.split('&&')[0]!.trim().split(/\s+/);
  return [...install.slice(1), '--prefer-offline'];
}

/** As the image's user when this test runs as root (as CI does), so a file only root can read fails here too. */
function asImageUser(command: string[]): string[] {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/setpriv')) return command;
  const [uid, gid = uid] = IMAGE_USER.split(':');
  return ['/usr/bin/setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', ...command];
}

/** The image's HEALTHCHECK command, aimed at this gateway's port instead of the image's. */
function runHealthcheck(port: string): number | null {
  const healthcheck = lastInstruction(final, 'HEALTHCHECK')!.text;
  const [program, ...args] = parseExecForm(/CMD\s+(\[.*\])$/.exec(healthcheck)![1]!);
  const script = args.map((arg) => arg.replace(`127.0.0.1:${EXPOSED}`, `127.0.0.1:${port}`));
  return spawnSync(program === 'node' ? process.execPath : program!, script, { timeout: 10_000 }).status;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'liter-llm-image-'));
  chmodSync(scratch, 0o755);
  app = join(scratch, 'app');
  mkdirSync(app);
  mkdirSync(join(scratch, 'etc'));
  for (const file of ['package.json', 'package-lock.json']) cpSync(`${ROOT}${file}`, join(app, file));
  execFileSync('npm', finalStageInstall(), { cwd: app, stdio: ['ignore', 'ignore', 'inherit'], timeout: 90_000 });
  cpSync(`${ROOT}dist`, join(app, 'dist'), { recursive: true });
  const configFile = join(scratch, 'etc', 'liter-llm.yaml');
  // JSON is YAML: the fleet config without Redis and etcd, on a free loopback port.
  writeFileSync(configFile, JSON.stringify(toSingleMachineConfig(config, 0)));

  const [entry, ...args] = [
    ...parseExecForm(lastInstruction(final, 'ENTRYPOINT')!.text),
    ...parseExecForm(lastInstruction(final, 'CMD')!.text),
  ].map((part) => part.replace(/^\/app\//, `${app}/`).replace('/etc/liter-llm/liter-llm.yaml', configFile));
  const [command, ...commandArgs] = asImageUser([entry === 'node' ? process.execPath : entry!, ...args]);
  const child = spawn(command!, commandArgs, {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  gateway = child;
  exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  url = (await waitForListeningURL(child, 'the gateway', { describeOutput: () => stderr })).replace(/\/$/, '');
}, 120_000);

afterAll(() => {
  if (gateway?.exitCode === null) gateway.kill('SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the image's final stage, run here", () => {
  it('installs the production dependencies and no development-only one', () => {
    // The lockfile marks what only development needs (`dev: true`); a devDependency that a
    // production package also needs (@types/node, through protobufjs) is not marked and stays.
    const lock = JSON.parse(readFileSync(`${ROOT}package-lock.json`, 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    const entries = Object.entries(lock.packages).filter(([path]) => path.startsWith('node_modules/'));
    const devOnly = entries.filter(([, entry]) => entry.dev === true).map(([path]) => path);
    const production = entries.filter(([, entry]) => entry.dev !== true && entry.optional !== true).map(([path]) => path);
    expect(devOnly).toEqual(expect.arrayContaining(['node_modules/typescript', 'node_modules/vitest']));
    for (const path of devOnly) expect(existsSync(join(app, path)), path).toBe(false);
    for (const path of production) expect(existsSync(join(app, path)), path).toBe(true);
  });

  it('serves /healthz and /readyz without a key, the API only with the Secret’s key', async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${env.LITER_LLM_KEY}` } });
    expect(models.status).toBe(200);
    const listed = ((await models.json()) as { data: { id: string }[] }).data.map((model) => model.id);
    expect(listed).toContain('chat-default');
  });

  it('passes its own HEALTHCHECK', () => {
    expect(runHealthcheck(new URL(url).port)).toBe(0);
  });

  it('on SIGTERM says not ready for server.drain_delay_ms, then exits 0 and fails the HEALTHCHECK', async () => {
    const stoppedAt = performance.now();
    gateway!.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(await exited).toBe(0);
    const tookMs = performance.now() - stoppedAt;
    expect(tookMs).toBeGreaterThanOrEqual(config.server.drain_delay_ms - 100);
    expect(tookMs).toBeLessThan(config.server.drain_delay_ms + config.server.drain_timeout_ms);
    expect(runHealthcheck(new URL(url).port)).toBe(1);
    expect(stderr).not.toContain(env.OPENAI_API_KEY);
  }, 60_000);
});
