import { isDeepStrictEqual } from 'node:util';
import type { ConfigIssue } from '../engine/config/config-issue.js';
import type { ConfigSourceConfig, LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { applyConfigOverlay } from './apply-config-overlay.js';
import type { ConfigSource, ConfigSourceListener } from './config-source.js';
import type { ConfigStore } from './config-store.js';

export interface OverlayConfigSourceOptions {
  /** Builds the store the file's config_source names (createConfigStore). */
  openStore: (config: ConfigSourceConfig) => Promise<ConfigStore>;
  /**
   * How long `load` waits for the store's first answer before it starts from the file alone
   * (default 2 s): a gateway must start when its store is down, the file being a valid config.
   */
  startTimeoutMs?: number;
}

/**
 * The file (the base, and the default) with a config store laid over it when the file names one
 * under config_source: `load` waits briefly for the store's keys, later versions of either side
 * are merged by applyConfigOverlay and reported as one config. A refused key is one notice line
 * naming it and what is wrong (logged once per value), and its last good value stays. Without
 * config_source this is the file source as it is.
 *
 * The store named by the file at start-up stays the store: config_source is restart-only.
 */
export function createOverlayConfigSource(file: ConfigSource, options: OverlayConfigSourceOptions): ConfigSource {
  let store: ConfigStore | undefined;
  let base: LiterLLMConfig | undefined;
  let entries: ReadonlyMap<string, string> = new Map();
  let applied: ReadonlyMap<string, string> = new Map();
  let current: LiterLLMConfig | undefined;
  let listener: ConfigSourceListener | undefined;
  const refusedValues = new Map<string, string>();
  const pendingNotices: string[] = [];
  let closed = false;

  const notify = (message: string) => {
    if (listener === undefined) pendingNotices.push(message);
    else if (listener.onNotice !== undefined) listener.onNotice(message);
    else listener.onError([{ path: '', message }]);
  };

  /** The overlay of the latest file and store versions; the refusals not reported yet. */
  const compute = (): { config: LiterLLMConfig; refusals: string[] } => {
    const result = applyConfigOverlay(base!, entries, applied);
    applied = result.applied;
    const refusals: string[] = [];
    for (const { key, message } of result.refused) {
      const value = entries.get(key)!;
      if (refusedValues.get(key) === value) continue;
      refusedValues.set(key, value);
      refusals.push(`${store!.describeKey(key)} refused, keeping its last good value: ${message}`);
    }
    for (const key of refusedValues.keys()) {
      if (!result.refused.some((refusal) => refusal.key === key)) refusedValues.delete(key);
    }
    return { config: result.config, refusals };
  };

  const update = (warnings: ConfigIssue[] = []) => {
    if (closed || listener === undefined || base === undefined) return;
    const { config, refusals } = compute();
    for (const refusal of refusals) notify(refusal);
    if (isDeepStrictEqual(config, current)) return;
    current = config;
    listener.onChange(config, warnings);
  };

  return {
    get name() {
      return store === undefined ? file.name : `${file.name} + ${store.name}`;
    },
    async load() {
      const snapshot = await file.load();
      base = snapshot.config;
      const sourceConfig = snapshot.config.configSource;
      if (sourceConfig === undefined || closed) return snapshot;
      store = await options.openStore(sourceConfig);
      const first = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), options.startTimeoutMs ?? 2_000);
        store!.start({
          onEntries(next) {
            entries = next;
            clearTimeout(timer);
            resolve(true);
            update();
          },
          onNotice: notify,
        });
      });
      const answered = await first;
      const warnings = [...snapshot.warnings];
      if (!answered) {
        // The store's own line says why (`... is unreachable (...)`), when it has said it by now.
        const reason = pendingNotices.splice(0).join('; ');
        const timeoutMs = options.startTimeoutMs ?? 2_000;
        warnings.push({
          path: 'config_source',
          message:
            reason === ''
              ? `${store.name} did not answer within ${timeoutMs} ms: starting from the file's routes and flags, retrying in the background`
              : `${reason} (starting from the file's routes and flags)`,
        });
      }
      const { config, refusals } = compute();
      for (const refusal of refusals) warnings.push({ path: '', message: refusal });
      current = config;
      return { config, warnings };
    },
    watch(next) {
      if (closed || listener !== undefined) return;
      if (store === undefined) return file.watch(next);
      listener = next;
      for (const message of pendingNotices.splice(0)) notify(message);
      // Store keys that arrived between load and now.
      update();
      file.watch({
        onChange(config, warnings) {
          base = config;
          update(warnings);
        },
        onError: (issues) => next.onError(issues),
      });
    },
    close() {
      closed = true;
      store?.close();
      file.close();
    },
  };
}
