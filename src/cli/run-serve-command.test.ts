/**
 * `liter-llm serve` as operators run it: the built CLI in a child process (test/build-once builds
 * dist first), a local provider behind it, signals for shutdown, edits to the config file.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { findPromtool, runPromtool } from '../../test/telemetry/promtool.js';

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
let upstream: MockProviderServer;
/** Upstream answers are held this long when the prompt says "slow". */
const SLOW_MS = 700;

beforeAll(async () => {
  upstream = await MockProviderServer.start({
    handler: async (request) => {
      const response = await echoOpenAIHandler(request);
      // "hang": the status line and a piece of the body, then nothing (a stuck upstream).
      if (JSON.stringify(request.json).includes('hang')) return { ...response, body: '{"id":', hangAfterChunks: 1 };
      return JSON.stringify(request.json).includes('slow') ? { ...response, delayMs: SLOW_MS } : response;
    },
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await upstream.close();
});

afterEach(() => {
  upstream.requests.length = 0;
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-serve-'));
  directories.push(directory);
  return directory;
}

function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ child, url: match[1]!, stdout: () => stdout, stderr: () => stderr, exited });
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

function writeConfig(dir: string, extra = ''): string {
  const path = join(dir, 'liter-llm.yaml');
  writeFileSync(
    path,
    `providers:\n  openai:\n    base_url: ${upstream.url}/v1\n    api_key: sk-upstream-test\n    max_retries: 0\nserver:\n  drain_timeout_ms: 5000\n${extra}`,
  );
  return path;
}

function chat(url: string, prompt: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }),
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('liter-llm serve', () => {
  it('on SIGTERM lets the request in flight finish, then exits 0', async () => {
    const dir = temporaryDirectory();
    const served = await serve(['--config', writeConfig(dir)]);
    expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
    const started = Date.now();
    const pending = chat(served.url, 'slow answer please');
    await waitFor(() => upstream.requests.length === 1);
    served.child.kill('SIGTERM');
    const response = await pending;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('Echo: slow answer please');
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_MS - 50);
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toContain('SIGTERM: draining');
    // New connections are refused once draining began.
    await expect(fetch(`${served.url}/healthz`)).rejects.toThrow();
  });

  it('on SIGTERM with server.drain_delay_ms, says 503 on /readyz while still serving, then drains', async () => {
    const dir = temporaryDirectory();
    const served = await serve(['--config', writeConfig(dir, '  drain_delay_ms: 600\n')]);
    expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
    served.child.kill('SIGTERM');
    await waitFor(() => served.stderr().includes('SIGTERM: draining'));
    expect(served.stderr()).toContain('/readyz says 503 and requests are still accepted for 600 ms, then up to 5000 ms');
    expect((await fetch(`${served.url}/readyz`)).status).toBe(503);
    expect((await chat(served.url, 'during the delay')).status).toBe(200);
    expect(await served.exited).toBe(0);
  });

  it('on SIGTERM cuts a call stuck upstream at drain_timeout_ms with a 503, and exits soon after', async () => {
    const dir = temporaryDirectory();
    const path = writeConfig(dir);
    writeFileSync(path, readFileSync(path, 'utf8').replace('drain_timeout_ms: 5000', 'drain_timeout_ms: 300'));
    const served = await serve(['--config', path]);
    const pending = chat(served.url, 'hang forever');
    await waitFor(() => upstream.requests.length === 1);
    const started = Date.now();
    served.child.kill('SIGTERM');
    const response = await pending;
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      error: { code: 'provider_unavailable', message: expect.stringContaining('drain deadline') },
    });
    expect(await served.exited).toBe(0);
    // The deadline, the cut's grace and the engine's close: not the upstream's 60 s timeout.
    expect(Date.now() - started).toBeLessThan(300 + 2_000);
    expect(served.stderr()).toContain('drain timeout: 1 request(s) were cut with a 503');
    // The request log says why the call ended, not that the client went away.
    const lines = served.stdout().split('\n');
    expect(lines.find((line) => line.includes('"request_id"'))).toContain('drain deadline');
    expect(served.stdout()).not.toContain('client closed');
  });

  it('applies a valid config change live and keeps the old config on an invalid one, with one line each', async () => {
    const dir = temporaryDirectory();
    const path = writeConfig(dir);
    const served = await serve(['--config', path]);
    expect((await chat(served.url, 'before')).status).toBe(200);

    writeFileSync(path, 'providers:\n  openai:\n    base_url: [not, a, url]\n');
    await waitFor(() => served.stderr().includes('not reloaded'));
    const line = served
      .stderr()
      .split('\n')
      .find((text) => text.includes('not reloaded'))!;
    expect(line).toMatch(/^liter-llm serve: config .* not reloaded, keeping the previous one: providers\.openai\.base_url/);
    expect((await chat(served.url, 'still served')).status).toBe(200);

    writeConfig(dir, '  api_keys: [gateway-secret]\n');
    await waitFor(() => /config \S+ reloaded/.test(served.stderr()));
    expect((await chat(served.url, 'no key')).status).toBe(401);
    expect((await chat(served.url, 'with key', { authorization: 'Bearer gateway-secret' })).status).toBe(200);
    expect(served.stderr()).not.toContain('sk-upstream-test');

    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
  });

  it('says which changed keys of a reload take effect only on restart', async () => {
    const dir = temporaryDirectory();
    const path = writeConfig(dir);
    const served = await serve(['--config', path]);
    expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
    const edited = readFileSync(path, 'utf8').replace('drain_timeout_ms: 5000', 'drain_timeout_ms: 7000\n  drain_delay_ms: 100');
    writeFileSync(path, edited);
    await waitFor(() => /config \S+ reloaded/.test(served.stderr()));
    const lines = served.stderr().split('\n');
    expect(lines.find((text) => text.includes(' reloaded'))).toMatch(
      /reloaded \(server\.drain_timeout_ms and server\.drain_delay_ms take effect only on restart\)$/,
    );
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
    // The drain used the settings serve started with.
    expect(served.stderr()).toContain('SIGTERM: draining (up to 5000 ms for requests in flight)');
  });

  it('serves the engine metrics with the gateway counter on /metrics, and logs one JSON line per request', async () => {
    const dir = temporaryDirectory();
    const served = await serve(['--config', writeConfig(dir)]);
    expect((await chat(served.url, 'count me', { 'x-request-id': 'req-metrics-1' })).status).toBe(200);
    const invalid = await fetch(`${served.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"openai/gpt-4o-mini"}',
    });
    expect(invalid.status).toBe(400);
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/liter_llm_requests_total\{provider="openai",model="[^"]+",status="ok"\} 1/);
    expect(metrics).toContain('liter_llm_latency_seconds_count');
    expect(metrics).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="200"} 1');
    expect(metrics).toContain('liter_llm_gateway_responses_total{endpoint="/v1/chat/completions",status="400"} 1');
    expect(metrics).toContain('process_cpu_user_seconds_total');
    const promtool = findPromtool();
    if (promtool) expect(runPromtool(promtool, ['check', 'metrics'], metrics).status).toBe(0);
    await waitFor(() => served.stdout().includes('req-metrics-1'));
    const logLine = served
      .stdout()
      .split('\n')
      .find((line) => line.includes('req-metrics-1'))!;
    expect(JSON.parse(logLine)).toMatchObject({ request_id: 'req-metrics-1', provider: 'openai', status: 'ok' });
    expect(served.stdout()).not.toContain('sk-upstream-test');
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('starts without any provider and says how to add one', async () => {
    const served = await serve([]);
    await waitFor(() => served.stdout().includes('no provider is configured'));
    expect(served.stdout().trim().split('\n')).toEqual([
      // --host 127.0.0.1 wins over the default 0.0.0.0 of the config, and the line says what was bound.
      `liter-llm gateway listening on ${served.url} (this machine only)`,
      'no provider is configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or HF_TOKEN (or *_BASE_URL for a local server), or pass --config FILE',
    ]);
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    const models = (await (await fetch(`${served.url}/v1/models`)).json()) as { data: unknown[] };
    expect(models.data).toEqual([]);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('refuses to start when server.api_keys resolves to no key, naming the variable', async () => {
    const dir = temporaryDirectory();
    const path = writeConfig(dir, '  api_keys: [ ${LITER_LLM_KEY} ]\n');
    const child = spawn(process.execPath, [CLI, 'serve', '--config', path, '--host', '127.0.0.1', '--port', '0'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Fails fast if it starts serving instead.
    await waitFor(() => child.exitCode !== null || output.includes('listening'), 15_000);
    expect(output).not.toContain('listening');
    expect(await exited).toBe(1);
    expect(output).toContain('server.api_keys: ${LITER_LLM_KEY} is not set, so the gateway would accept every caller');
  });

  it('prints the config warnings on stderr at start', async () => {
    const dir = temporaryDirectory();
    const served = await serve(['--config', writeConfig(dir, '  api_keys: [ ${OLD_GATEWAY_KEY}, gateway-secret ]\n')]);
    expect(served.stderr()).toContain(
      'liter-llm serve: warning: server.api_keys[0]: environment variable OLD_GATEWAY_KEY is not set; this entry is dropped',
    );
    // Bound to loopback: no "no authentication" warning, even though this one has keys anyway.
    expect(served.stderr()).not.toContain('no authentication');
    expect((await chat(served.url, 'no key')).status).toBe(401);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('never lets an unauthenticated call through while the config is rewritten in place, or reloaded without keys', async () => {
    const dir = temporaryDirectory();
    const path = writeConfig(dir, '  api_keys: [gateway-secret]\n');
    const served = await serve(['--config', path]);
    // A change saved right after start-up is applied (the watcher compares with what serve loaded).
    const original = readFileSync(path, 'utf8');
    writeFileSync(join(dir, 'live.yaml'), `${original}# renamed over\n`);
    renameSync(join(dir, 'live.yaml'), path);
    await waitFor(() => /config \S+ reloaded/.test(served.stderr()));
    const statuses: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) statuses.push((await chat(served.url, 'no key')).status);
    })();
    try {
      // Truncate and write in two pieces, as fs.writeFileSync or `>` does, with a pause longer than
      // the watcher's settle time: the prefix (no server section) is a valid config on its own.
      const full = original.replace('drain_timeout_ms: 5000', 'drain_timeout_ms: 4000');
      const cut = full.indexOf('server:');
      const handle = await open(path, 'w');
      await handle.write(full.slice(0, cut));
      const refusal =
        'not reloaded, keeping the previous one: server.api_keys is gone or empty, which would turn authentication off';
      await waitFor(() => served.stderr().includes(refusal));
      expect(statuses.filter((status) => status !== 401)).toEqual([]);
      await handle.write(full.slice(cut));
      await handle.close();
      // drain_timeout_ms changed: the line ends by saying it takes effect only on restart.
      await waitFor(() =>
        /config \S+ reloaded \(server\.drain_timeout_ms takes effect only on restart\)$/.test(
          served.stderr().split('\n').at(-2) ?? '',
        ),
      );

      // Keys that resolve to nothing are refused with the variable named; the old keys stay.
      writeConfig(dir, '  api_keys: [ ${NEW_GATEWAY_KEY} ]\n');
      await waitFor(() => served.stderr().includes('NEW_GATEWAY_KEY} is not set'));
      expect(served.stderr()).toMatch(
        /not reloaded, keeping the previous one: server\.api_keys: \$\{NEW_GATEWAY_KEY\} is not set/,
      );
    } finally {
      probing = false;
      await prober;
    }
    expect(statuses.length).toBeGreaterThan(10);
    expect(statuses.filter((status) => status !== 401)).toEqual([]);
    expect((await chat(served.url, 'with key', { authorization: 'Bearer gateway-secret' })).status).toBe(200);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('rejects a bad --port with a usage error (exit 2)', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', 'eighty'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port expects a port number (0-65535), got "eighty"');
  });
});
