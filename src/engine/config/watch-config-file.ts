import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import type { ConfigIssue } from './config-issue.js';
import type { LiterLLMConfig } from './liter-llm-config.js';
import { describeReadError } from './load-config-file.js';
import { parseConfig } from './parse-config.js';
import type { ConfigEnv } from './path-issue.js';

export interface WatchConfigFileOptions {
  /** A new, valid version. Handlers must not throw. */
  onChange(config: LiterLLMConfig, warnings: ConfigIssue[]): void;
  /** A new version that is invalid or unreadable; keep using the last good config. */
  onError(issues: ConfigIssue[]): void;
  env?: ConfigEnv;
  /** The provider types the config may use (default: the bundled ones). */
  registry?: ProviderRegistry;
  /** Quiet time after the last file-system event before the file is read. */
  debounceMs?: number;
  /** Time between the two reads that must agree before a version is taken (default: debounceMs). */
  settleMs?: number;
  /**
   * The text the caller loaded and runs on (default: the file as it is when the watch starts). A
   * file that differs from it once the watch has started is read as a change, so a save made
   * between the caller's load and the watch is not lost.
   */
  baseline?: string;
}

export interface ConfigWatcher {
  close(): void;
}

/**
 * Calls onChange or onError each time the file's content changes. The baseline (what the caller
 * loaded) does not fire; saving identical content does not fire.
 *
 * Watches the directory, not the file: editors save by writing a new file and renaming it over the
 * old one, and Kubernetes updates a mounted ConfigMap by swapping a `..data` symlink, both of which
 * a watch on the file itself would miss. Events that concern the file (its name, or a `..` entry of
 * the ConfigMap layout) lead to one read after the debounce, and the content comparison filters out
 * the rest. Events for other files are ignored: a log written next to the config every few
 * milliseconds would otherwise restart the debounce forever and cost a read per quiet spell. An
 * empty file is reported as an error rather than applied. The watcher does not keep the process alive.
 *
 * A file written in place (`fs.writeFileSync`, a shell's `>`: truncate, then write in pieces) can be
 * read between two pieces, and a prefix of YAML often parses. So a version is taken only when two
 * reads `settleMs` apart agree; until then the file is read again, and a newer event starts over.
 * A writer that pauses longer than that can still be caught half-way: the version is then validated
 * like any other, and callers guard what a truncation would remove (serve keeps its api keys).
 */
export function watchConfigFile(path: string, options: WatchConfigFileOptions): ConfigWatcher {
  const file = resolve(path);
  const name = basename(file);
  const debounceMs = options.debounceMs ?? 100;
  const settleMs = options.settleMs ?? debounceMs;
  let lastText = options.baseline ?? readOrUndefined(file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let generation = 0;

  const reload = async (): Promise<void> => {
    const current = ++generation;
    // A later event started a newer read, or the watcher was closed meanwhile: this one is stale.
    const isStale = () => closed || current !== generation;
    let read = await readSnapshot(file);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, settleMs).unref());
      if (isStale()) return;
      const again = await readSnapshot(file);
      if (isStale()) return;
      if (again.text === read.text && errorCode(again.error) === errorCode(read.error)) break;
      read = again;
    }
    const { text, error: readError } = read;
    if (text === undefined) {
      lastText = undefined;
      options.onError([{ path: '', message: describeReadError(path, readError) }]);
      return;
    }
    if (text === lastText) return;
    lastText = text;
    // An empty file is valid on its own but, seen by a watcher, it is nearly always a save caught
    // half-way (truncated, not yet written); applying it would drop every provider.
    if (text.trim() === '') {
      options.onError([{ path: '', message: `config file ${path} is empty` }]);
      return;
    }
    const result = parseConfig(text, {
      env: options.env ?? process.env,
      sourceName: path,
      ...(options.registry !== undefined && { registry: options.registry }),
    });
    if (result.ok) options.onChange(result.config, result.warnings);
    else options.onError(result.errors);
  };

  let watcher: FSWatcher;
  try {
    watcher = watch(dirname(file), { persistent: false }, (_event, filename) => {
      if (closed || !concernsConfigFile(filename, name)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
  } catch (error) {
    // No directory to watch: report it the same way as an unreadable file, and watch nothing.
    queueMicrotask(() => options.onError([{ path: '', message: describeReadError(path, error) }]));
    return { close() {} };
  }
  // Events only tell of changes from now on; one read compares the file with what the caller loaded.
  if (options.baseline !== undefined) timer = setTimeout(() => void reload(), debounceMs);
  watcher.on('error', (error) => {
    if (!closed) options.onError([{ path: '', message: `stopped watching ${path}: ${error.message}` }]);
  });

  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}

/**
 * Whether a directory event may have changed the config file: an event for its own name, one for a
 * `..` entry (Kubernetes swaps `..data` to a new `..<timestamp>` directory), or one whose name the
 * platform did not report.
 */
function concernsConfigFile(filename: string | Buffer | null, name: string): boolean {
  if (filename === null) return true;
  const changed = filename.toString();
  return changed === name || changed.startsWith('..');
}

interface Snapshot {
  text: string | undefined;
  error?: unknown;
}

async function readSnapshot(file: string): Promise<Snapshot> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (error) {
    return { text: undefined, error };
  }
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
