import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { waitUntil } from '../testing/wait-until.js';
import type { ConfigStore, ConfigStoreListener } from './config-store.js';
import { createFileConfigSource } from './create-file-config-source.js';
import { createOverlayConfigSource } from './create-overlay-config-source.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function fileWith(routeModel: string, withStore = true): string {
  const directory = mkdtempSync(join(tmpdir(), 'liter-llm-overlay-'));
  directories.push(directory);
  const path = join(directory, 'liter-llm.yaml');
  writeFileSync(path, configText(routeModel, withStore));
  return path;
}

function configText(routeModel: string, withStore = true): string {
  return [
    'providers:',
    '  a: { type: openai-compatible, base_url: "http://127.0.0.1:9/v1" }',
    'routes:',
    `  chat: { targets: [ { provider: a, model: ${routeModel} } ] }`,
    ...(withStore ? ['config_source:', '  etcd: { endpoints: [ "http://127.0.0.1:9" ] }'] : []),
    '',
  ].join('\n');
}

/** A store the test drives: `listener` is what the source gave `start`. */
function createFakeStore(answerAtStart?: Record<string, string>, noticeAtStart?: string) {
  const fake = { listener: undefined as ConfigStoreListener | undefined, closed: false };
  const store: ConfigStore = {
    name: 'fake store',
    describeKey: (key) => `/p/${key}`,
    start(listener) {
      fake.listener = listener;
      if (noticeAtStart !== undefined) listener.onNotice(noticeAtStart);
      if (answerAtStart !== undefined) listener.onEntries(new Map(Object.entries(answerAtStart)));
    },
    close() {
      fake.closed = true;
    },
  };
  return { fake, openStore: () => Promise.resolve(store) };
}

function watching(source: ReturnType<typeof createOverlayConfigSource>) {
  const seen = { configs: [] as LiterLLMConfig[], notices: [] as string[], errors: [] as string[] };
  source.watch({
    onChange: (config) => seen.configs.push(config),
    onError: (issues) => seen.errors.push(issues.map((issue) => issue.message).join('; ')),
    onNotice: (message) => seen.notices.push(message),
  });
  return seen;
}

const route = (model: string) => JSON.stringify({ targets: [{ provider: 'a', model }] });

describe('createOverlayConfigSource', () => {
  it('starts on the store keys it got in time, then merges later versions of the store and of the file', async () => {
    const path = fileWith('from-file');
    const { fake, openStore } = createFakeStore({ 'routes/chat': route('from-store') });
    const source = createOverlayConfigSource(createFileConfigSource(path, { env: {}, debounceMs: 20, settleMs: 20 }), {
      openStore,
    });
    const { config } = await source.load();
    expect(source.name).toBe(`${path} + fake store`);
    expect(config.routes.chat!.targets[0]!.model).toBe('from-store');
    const seen = watching(source);
    fake.listener!.onEntries(new Map([['routes/extra', route('x')]]));
    expect(seen.configs.at(-1)!.routes.chat!.targets[0]!.model).toBe('from-file');
    expect(Object.keys(seen.configs.at(-1)!.routes)).toEqual(['chat', 'extra']);
    writeFileSync(path, configText('edited'));
    await waitUntil(() => seen.configs.at(-1)?.routes.chat!.targets[0]!.model === 'edited', 2_000, 'the file edit');
    expect(seen.configs.at(-1)!.routes.extra).toBeDefined();
    source.close();
    expect(fake.closed).toBe(true);
  });

  it('logs a refused key once per value, as a notice naming it', async () => {
    const { fake, openStore } = createFakeStore({});
    const source = createOverlayConfigSource(createFileConfigSource(fileWith('m'), { env: {} }), { openStore });
    await source.load();
    const seen = watching(source);
    const bad = new Map([['routes/chat', '{"targets": 3}']]);
    fake.listener!.onEntries(bad);
    fake.listener!.onEntries(new Map([...bad, ['routes/other', route('o')]]));
    expect(seen.notices).toEqual([
      '/p/routes/chat refused, keeping its last good value: routes.chat.targets: expected a list of targets, got 3',
    ]);
    expect(seen.configs).toHaveLength(1);
    expect(seen.errors).toEqual([]);
    source.close();
  });

  it('starts from the file with a warning when the store does not answer in time', async () => {
    const { fake, openStore } = createFakeStore(undefined, 'fake store is unreachable (refused)');
    const source = createOverlayConfigSource(createFileConfigSource(fileWith('m'), { env: {} }), {
      openStore,
      startTimeoutMs: 50,
    });
    const { config, warnings } = await source.load();
    expect(config.routes.chat!.targets[0]!.model).toBe('m');
    expect(warnings.map((warning) => `${warning.path}: ${warning.message}`)).toEqual([
      "config_source: fake store is unreachable (refused) (starting from the file's routes and flags)",
    ]);
    const seen = watching(source);
    fake.listener!.onEntries(new Map([['routes/chat', route('late')]]));
    expect(seen.configs.at(-1)!.routes.chat!.targets[0]!.model).toBe('late');
    source.close();
  });

  it('is the file source as it is without config_source', async () => {
    let opened = false;
    const source = createOverlayConfigSource(createFileConfigSource(fileWith('m', false), { env: {} }), {
      openStore: () => ((opened = true), Promise.reject(new Error('not expected'))),
    });
    await source.load();
    expect(opened).toBe(false);
    source.close();
  });
});
