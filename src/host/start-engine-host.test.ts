/**
 * The engine host on a real config file: reloads as serve applies them, refusals with one line
 * each, a close that leaves nothing running (checked in a child process that must end by itself).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { createFileConfigSource } from './create-file-config-source.js';
import { InvalidRequestError } from '../spec/errors.js';
import { startEngineHost, type EngineHost, type EngineHostOptions } from './start-engine-host.js';

let upstream: MockProviderServer;
beforeAll(async () => {
  upstream = await MockProviderServer.start({ handler: echoOpenAIHandler });
});
afterAll(async () => {
  await upstream.close();
});

const directories: string[] = [];
const hosts: EngineHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
  upstream.requests.length = 0;
});

function configFile(text: string): string {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-host-'));
  directories.push(directory);
  const path = join(directory, 'liter-llm.yaml');
  writeFileSync(path, text);
  return path;
}

function configText(extra = ''): string {
  return `providers:\n  openai:\n    base_url: ${upstream.url}/v1\n    api_key: sk-upstream-test\n    max_retries: 0\n${extra}`;
}

/** A host on `path` with no telemetry output, its log lines collected. */
async function startHost(
  path: string,
  listRestartOnlyChanges?: (running: LiterLLMConfig, next: LiterLLMConfig) => string[],
  engine?: EngineHostOptions['engine'],
): Promise<{ host: EngineHost; lines: string[] }> {
  const lines: string[] = [];
  const host = await startEngineHost(createFileConfigSource(path, { env: {}, debounceMs: 20, settleMs: 20 }), {
    log: (line) => lines.push(line),
    telemetry: { metrics: false, logs: false, tracing: false },
    ...(listRestartOnlyChanges !== undefined && { listRestartOnlyChanges }),
    ...(engine !== undefined && { engine }),
  });
  hosts.push(host);
  return { host, lines };
}

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startEngineHost', () => {
  it('starts the engine on the source, logs its warnings, and applies a reload to the engine and the hook', async () => {
    const path = configFile(configText('server:\n  api_keys: [ ${OLD_KEY}, gateway-secret ]\n'));
    const { host, lines } = await startHost(path, (running, next) =>
      running.server.drainTimeoutMs === next.server.drainTimeoutMs ? [] : ['server.drain_timeout_ms'],
    );
    expect(lines).toEqual([expect.stringMatching(/^warning: server\.api_keys\[0\]: environment variable OLD_KEY is not set/)]);
    expect(host.engine.config).toEqual(host.initialConfig);
    expect((await host.engine.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).text).toBe(
      'Echo: hi',
    );

    const reloaded: LiterLLMConfig[] = [];
    host.watchConfig((next) => reloaded.push(next));
    writeFileSync(
      path,
      configText('    headers:\n      x-config-version: "2"\nserver:\n  api_keys: [gateway-secret]\n  drain_timeout_ms: 7000\n'),
    );
    await waitFor(() => reloaded.length === 1);
    expect(lines.at(-1)).toBe(`config ${path} reloaded (server.drain_timeout_ms takes effect only on restart)`);
    expect(host.engine.config).toEqual(reloaded[0]);
    expect(host.initialConfig.server.drainTimeoutMs).not.toBe(7000);
    await host.engine.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'again' }] });
    expect(upstream.requests.at(-1)?.headers['x-config-version']).toBe('2');
  });

  it('keeps the last good config, with one line, for an invalid file, a refused hook and removed api keys', async () => {
    const path = configFile(configText('server:\n  api_keys: [gateway-secret]\n'));
    const { host, lines } = await startHost(path);
    const initial = host.engine.config;
    host.watchConfig((next) => {
      if (next.providers['openai']?.maxRetries === 5) throw new Error('refused by the entry point\non two lines');
    });
    const refusal = `config ${path} not reloaded, keeping the previous one: `;

    writeFileSync(path, 'providers:\n  openai:\n    base_url: [not, a, url]\n    max_retries: -1\n');
    await waitFor(() => lines.length === 1);
    expect(lines[0]).toMatch(new RegExp(`^${escape(refusal)}providers\\.openai\\.base_url.* \\(and 1 more\\)$`));

    writeFileSync(path, configText());
    await waitFor(() => lines.length === 2);
    expect(lines[1]).toBe(`${refusal}${describeKeysGone()}`);

    writeFileSync(path, configText('server:\n  api_keys: [gateway-secret]\n').replace('max_retries: 0', 'max_retries: 5'));
    await waitFor(() => lines.length === 3);
    expect(lines[2]).toBe(`${refusal}refused by the entry point; on two lines`);
    expect(host.engine.config.providers['openai']?.maxRetries).toBe(5);

    writeFileSync(path, configText('server:\n  api_keys: [other-secret]\n'));
    await waitFor(() => lines.length === 4);
    expect(lines[3]).toBe(`config ${path} reloaded`);
    expect(host.engine.config.server.apiKeys).toEqual(['other-secret']);
    expect(initial.server.apiKeys).toEqual(['gateway-secret']);
  });

  it('closes the watch and the engine, once however often it is called', async () => {
    const path = configFile(configText());
    const { host, lines } = await startHost(path);
    host.watchConfig();
    await Promise.all([host.close(), host.close()]);
    await expect(host.engine.chat({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow(
      'the engine is closed',
    );
    writeFileSync(path, configText('    timeout_ms: 1000\n'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lines).toEqual([]);
  });

  it('releases the source when the engine cannot start, and rejects with the config error', async () => {
    // A valid config whose provider cannot be built: the engine, not the source, refuses it.
    const refusing = () => {
      throw new InvalidRequestError({ message: 'openai: this provider cannot be built here', param: 'providers.openai' });
    };
    const path = configFile(configText());
    await expect(startHost(path, undefined, { providerFactories: { openai: refusing } })).rejects.toThrow(
      'openai: this provider cannot be built here',
    );
  });

  it('leaves nothing running once closed: a process that started, reloaded and closed it ends by itself', async () => {
    const path = configFile(configText());
    const script = `
      import { createHook } from 'node:async_hooks';
      import { writeFileSync } from 'node:fs';
      // The watch and the sockets do not keep a process alive (unref'd), so ending by itself is not
      // proof enough: every directory watch and TCP socket made from here on must be gone after close.
      const live = new Map();
      createHook({
        init(id, type) { if (type === 'FSEVENTWRAP' || type === 'TCPWRAP') live.set(id, type); },
        destroy(id) { live.delete(id); },
      }).enable();
      import { startEngineHost } from ${JSON.stringify(new URL('../../dist/host/start-engine-host.js', import.meta.url).href)};
      import { createFileConfigSource } from ${JSON.stringify(new URL('../../dist/host/create-file-config-source.js', import.meta.url).href)};
      const path = process.env.CONFIG_PATH;
      const lines = [];
      const log = (line) => { lines.push(line); process.stderr.write('host: ' + line + '\\n'); };
      // As engine --stdio will: metrics on, the JSON request log on stderr, stdout kept for the answer.
      const host = await startEngineHost(createFileConfigSource(path, { debounceMs: 20, settleMs: 20 }), {
        log,
        telemetry: { logs: { destination: 2 } },
      });
      host.watchConfig();
      const request = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'before' }] };
      const before = await host.engine.chat(request);
      writeFileSync(path, process.env.NEXT_CONFIG);
      while (!lines.some((line) => line.includes(' reloaded'))) await new Promise((resolve) => setTimeout(resolve, 10));
      const after = await host.engine.chat({ ...request, messages: [{ role: 'user', content: 'after' }] });
      const opened = [...new Set(live.values())].sort();
      await host.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const left = [...live.values()];
      process.stdout.write(JSON.stringify({ before: before.text, after: after.text, lines, opened, left }) + '\\n');
      // No process.exit: the process ends only if the watch, the pools and the telemetry let it.
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        CONFIG_PATH: path,
        NEXT_CONFIG: configText('    headers:\n      x-config-version: "2"\n'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    clearTimeout(timer);
    expect({ code, signal, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    // What close had to release, and that it did: the directory watch and the upstream connections.
    expect(JSON.parse(stdout)).toEqual({
      before: 'Echo: before',
      after: 'Echo: after',
      lines: [`config ${path} reloaded`],
      opened: ['FSEVENTWRAP', 'TCPWRAP'],
      left: [],
    });
    expect(upstream.requests.map((request) => request.headers['x-config-version'])).toEqual([undefined, '2']);
    // The request log went to stderr, scrubbed.
    expect(stderr).toContain('"msg":"request"');
    expect(stderr).not.toContain('sk-upstream-test');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function describeKeysGone(): string {
  return 'server.api_keys is gone or empty, which would turn authentication off; a file caught half-written looks the same, so turning authentication off takes a restart';
}
