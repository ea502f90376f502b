import { InvalidRequestError } from '../spec/errors.js';
import type { ConfigEnv } from '../engine/config/path-issue.js';
import { formatConfigIssues } from '../engine/config/format-config-issues.js';
import { loadConfigFile } from '../engine/config/load-config-file.js';
import { watchConfigFile, type ConfigWatcher } from '../engine/config/watch-config-file.js';
import type { ConfigSource } from './config-source.js';

export interface FileConfigSourceOptions {
  /** Variables for `${VAR}` in the file (default: process.env). */
  env?: ConfigEnv;
  /** watchConfigFile's quiet time and settle time (defaults: 100 ms each); tests shorten them. */
  debounceMs?: number;
  settleMs?: number;
}

/**
 * A config file (`--config FILE`), watched once `watch` is called. The text `load` read is the
 * watch's baseline, so a save made while the entry point was starting (after the load, before
 * the watch) is reported instead of lost. Reloads are taken only once two reads agree, an empty
 * or half-written file is an error rather than a config, and a file that stops being valid is
 * reported through onError: see watchConfigFile.
 */
export function createFileConfigSource(path: string, options: FileConfigSourceOptions = {}): ConfigSource {
  const env = options.env ?? process.env;
  let baseline: string | undefined;
  let watcher: ConfigWatcher | undefined;
  let closed = false;
  return {
    name: path,
    async load() {
      const result = await loadConfigFile(path, { env, onRead: (text) => (baseline = text) });
      if (!result.ok) {
        throw new InvalidRequestError({ message: `invalid config ${path}:\n${formatConfigIssues(result.errors)}` });
      }
      return { config: result.config, warnings: result.warnings };
    },
    watch(listener) {
      if (closed || watcher !== undefined) return;
      watcher = watchConfigFile(path, {
        env,
        ...(baseline !== undefined && { baseline }),
        ...(options.debounceMs !== undefined && { debounceMs: options.debounceMs }),
        ...(options.settleMs !== undefined && { settleMs: options.settleMs }),
        onChange: (config, warnings) => listener.onChange(config, warnings),
        onError: (issues) => listener.onError(issues),
      });
    },
    close() {
      closed = true;
      watcher?.close();
    },
  };
}
