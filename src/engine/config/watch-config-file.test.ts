import { appendFile, mkdir, mkdtemp, open, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { ConfigIssue } from './config-issue.js';
import type { LiterLLMConfig } from './liter-llm-config.js';
import { watchConfigFile, type ConfigWatcher } from './watch-config-file.js';

type WatchEvent = { type: 'change'; config: LiterLLMConfig } | { type: 'error'; issues: ConfigIssue[] };

/** Collects the watcher's callbacks so a test can wait for the next one, or make sure none comes. */
function createRecorder() {
  const events: WatchEvent[] = [];
  let wake: (() => void) | undefined;
  const push = (event: WatchEvent): void => {
    events.push(event);
    wake?.();
  };
  return {
    onChange: (config: LiterLLMConfig) => push({ type: 'change', config }),
    onError: (issues: ConfigIssue[]) => push({ type: 'error', issues }),
    async next(timeoutMs = 2_000): Promise<WatchEvent> {
      const deadline = Date.now() + timeoutMs;
      while (events.length === 0) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new Error('no watch event arrived');
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, remaining);
        });
      }
      return events.shift()!;
    },
    async expectNothing(ms = 200): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, ms));
      expect(events).toEqual([]);
    },
  };
}

/**
 * Replaces the file the way editors do (write elsewhere, rename over), so a slow machine never
 * lets the watcher read a half-written file; the burst test below writes in place on purpose.
 */
async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}

const version = (port: number): string => `providers:\n  openai: {}\nserver:\n  port: ${port}\n`;

let directory: string;
let file: string;
let watcher: ConfigWatcher | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'liter-llm-watch-'));
  file = join(directory, 'liter-llm.yaml');
  await writeFile(file, version(8001));
});

afterEach(async () => {
  watcher?.close();
  watcher = undefined;
  await rm(directory, { recursive: true, force: true });
});

describe('watchConfigFile', () => {
  test('valid changes call onChange, invalid ones call onError every time, identical content calls nothing', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40 });

    await replaceFile(file, version(8002));
    const first = await recorder.next();
    expect(first.type === 'change' && first.config.server.port).toBe(8002);

    await replaceFile(file, 'providers:\n  openai:\n    max_concurrency: ten\n');
    expect(await recorder.next()).toEqual({
      type: 'error',
      issues: [
        { path: 'providers.openai.max_concurrency', message: 'expected a positive integer, got "ten"', line: 3, column: 5 },
      ],
    });

    await replaceFile(file, 'providers: [\n');
    const second = await recorder.next();
    expect(second.type).toBe('error');
    expect(second.type === 'error' && second.issues[0]?.message).toMatch(/^YAML syntax error in .+liter-llm\.yaml at line/);

    await replaceFile(file, version(8003));
    const fixed = await recorder.next();
    expect(fixed.type === 'change' && fixed.config.server.port).toBe(8003);

    await replaceFile(file, version(8003));
    await recorder.expectNothing();
  });

  test('the content at start does not fire, and a save by rename (as editors do) is seen', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40 });
    // Touching the file with the same bytes, and writing other files in the directory, change nothing.
    await replaceFile(file, version(8001));
    await writeFile(join(directory, 'notes.txt'), 'unrelated');
    await recorder.expectNothing();

    const temporary = join(directory, '.liter-llm.yaml.swp');
    await writeFile(temporary, version(8004));
    await rename(temporary, file);
    const event = await recorder.next();
    expect(event.type === 'change' && event.config.server.port).toBe(8004);
  });

  test('a burst of writes is debounced into one read of the final content', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: { PORT: '8100' }, debounceMs: 80 });
    for (let port = 8010; port < 8020; port += 1) await writeFile(file, version(port));
    await writeFile(file, 'server:\n  port: ${PORT}\n');
    const event = await recorder.next();
    expect(event.type === 'change' && event.config.server.port).toBe(8100);
    await recorder.expectNothing(150);
  });

  test('a busy log file in the same directory does not hold a change back', async () => {
    // `serve --config ./liter-llm.yaml > gateway.log`: the log is written every few milliseconds,
    // more often than the debounce. Events for other files must not restart the quiet period.
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 100 });
    const log = join(directory, 'gateway.log');
    let logging = true;
    const writer = (async () => {
      while (logging) {
        await appendFile(log, '{"level":"info"}\n');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    try {
      await replaceFile(file, version(8005));
      const event = await recorder.next(1_500);
      expect(event.type === 'change' && event.config.server.port).toBe(8005);
    } finally {
      logging = false;
      await writer;
    }
  });

  test('a Kubernetes ConfigMap update (the ..data symlink swapped to a new directory) is seen', async () => {
    // The layout kubelet's atomic writer keeps: config.yaml -> ..data/config.yaml, ..data -> ..<timestamp>.
    const mounted = join(directory, 'mounted');
    await mkdir(join(mounted, '..2026_11_27_a'), { recursive: true });
    await writeFile(join(mounted, '..2026_11_27_a', 'config.yaml'), version(8006));
    await symlink('..2026_11_27_a', join(mounted, '..data'));
    await symlink('..data/config.yaml', join(mounted, 'config.yaml'));
    const recorder = createRecorder();
    watcher = watchConfigFile(join(mounted, 'config.yaml'), { ...recorder, env: {}, debounceMs: 40 });

    await mkdir(join(mounted, '..2026_11_27_b'));
    await writeFile(join(mounted, '..2026_11_27_b', 'config.yaml'), version(8007));
    await symlink('..2026_11_27_b', join(mounted, '..data_tmp'));
    await rename(join(mounted, '..data_tmp'), join(mounted, '..data'));
    const event = await recorder.next();
    expect(event.type === 'change' && event.config.server.port).toBe(8007);
  });

  test('an empty file (a save caught half-way) is an error, not a config without providers', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40 });
    await replaceFile(file, '');
    expect(await recorder.next()).toEqual({
      type: 'error',
      issues: [{ path: '', message: `config file ${file} is empty` }],
    });
  });

  test('a file written in place in pieces is read only once it reads the same twice', async () => {
    // fs.writeFileSync or `>` truncate, then write: a read between two pieces sees a prefix that may
    // parse (here: a valid config without the server section). The pause is longer than the
    // debounce, so a single read after the quiet time would take the prefix.
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 60, settleMs: 200 });
    const full = 'providers:\n  openai: {}\nserver:\n  port: 8009\n  api_keys: [gateway-key]\n';
    const cut = full.indexOf('server:');
    const handle = await open(file, 'w');
    try {
      await handle.write(full.slice(0, cut));
      await new Promise((resolve) => setTimeout(resolve, 120));
      await handle.write(full.slice(cut));
    } finally {
      await handle.close();
    }
    const event = await recorder.next();
    expect(event.type === 'change' && event.config.server).toMatchObject({ port: 8009, apiKeys: ['gateway-key'] });
    await recorder.expectNothing(300);
  });

  test('a change made after the caller loaded the file, before the watch began, is not lost', async () => {
    // serve loads the file, starts the engine and the server, then watches: a save in between
    // must still reach it, so it passes the text it loaded as the baseline.
    const loaded = version(8010);
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40, baseline: loaded });
    const event = await recorder.next();
    expect(event.type === 'change' && event.config.server.port).toBe(8001);
    await recorder.expectNothing();
  });

  test('a baseline equal to the file fires nothing', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40, baseline: version(8001) });
    await recorder.expectNothing(300);
  });

  test('a deleted file is reported; close() stops every callback', async () => {
    const recorder = createRecorder();
    watcher = watchConfigFile(file, { ...recorder, env: {}, debounceMs: 40 });
    await rm(file);
    expect(await recorder.next()).toEqual({
      type: 'error',
      issues: [{ path: '', message: `cannot read config file ${file}: no such file` }],
    });
    watcher.close();
    await writeFile(file, version(8005));
    await recorder.expectNothing();
  });
});
