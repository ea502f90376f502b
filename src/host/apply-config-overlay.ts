import type { ConfigIssue } from '../engine/config/config-issue.js';
import { formatConfigIssue } from '../engine/config/format-config-issues.js';
import type { LiterLLMConfig } from '../engine/config/liter-llm-config.js';
import { convertConfigInputToFile } from '../engine/config/validate-config-input.js';
import { validateConfigValue } from '../engine/config/validate-config-value.js';
import { parseConfigStoreEntry, type ConfigStoreEntry } from './parse-config-store-entry.js';

/** What a config store's keys made of the file's config. */
export interface ConfigOverlayResult {
  config: LiterLLMConfig;
  /** The key → value pairs in force: every accepted key, and refused ones that kept a previous value. */
  applied: Map<string, string>;
  /** Keys left out, each with one line on what is wrong (check-config's messages). */
  refused: { key: string; message: string }[];
}

/**
 * The file's config with a config store's keys laid over it (keys without the store's prefix):
 * `routes/<name>` replaces that route whole or adds it, `providers/<name>` overrides that
 * provider's flags (STORE_PROVIDER_FLAGS). The result goes through the file's own validator, so a
 * store can produce nothing a file could not. Pure: etcd and Consul share it.
 *
 * Keys are judged one by one, so one bad key does not hold back the others: every key that leads
 * to a valid config is applied (repeatedly, so a route whose fallback is another store route is
 * accepted whatever the order); a refused key keeps its value from `previous` (the last `applied`)
 * when that still validates, else the file's. A key that is absent is the file's value again.
 */
export function applyConfigOverlay(
  base: LiterLLMConfig,
  entries: ReadonlyMap<string, string>,
  previous: ReadonlyMap<string, string> = new Map(),
): ConfigOverlayResult {
  const file = convertConfigInputToFile(base) as FileObject;
  const refused = new Map<string, string>();
  const parsed = new Map<string, Exclude<ConfigStoreEntry, { type: 'refused' }>>();
  for (const [key, value] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const entry = parseConfigStoreEntry(key, value);
    if (entry.type === 'refused') refused.set(key, entry.message);
    else if (entry.type === 'provider' && file.providers?.[entry.name] === undefined) {
      refused.set(key, `provider "${entry.name}" is not in the config file (a store sets flags of configured providers only)`);
    } else parsed.set(key, entry);
  }
  const all = validateOverlay(file, [...parsed.values()]);
  if (all.ok) return finish(all.config, new Map([...parsed.keys()].map((key) => [key, entries.get(key)!])), refused);

  // Accept what validates, until a pass accepts nothing more.
  const accepted = new Map<string, Exclude<ConfigStoreEntry, { type: 'refused' }>>();
  let config = base;
  for (let progress = true; progress;) {
    progress = false;
    for (const [key, entry] of parsed) {
      if (accepted.has(key)) continue;
      const trial = validateOverlay(file, [...accepted.values(), entry]);
      if (trial.ok) {
        accepted.set(key, entry);
        config = trial.config;
        progress = true;
      }
    }
  }
  const applied = new Map([...accepted.keys()].map((key) => [key, entries.get(key)!]));
  for (const [key, entry] of parsed) {
    if (accepted.has(key)) continue;
    const trial = validateOverlay(file, [...accepted.values(), entry]);
    refused.set(key, trial.ok ? 'conflicts with other keys of the store' : trial.errors.map(formatConfigIssue).join('; '));
  }
  // A refused key keeps its last good value when that still fits.
  for (const key of refused.keys()) {
    const before = previous.get(key);
    if (before === undefined || before === entries.get(key)) continue;
    const entry = parseConfigStoreEntry(key, before);
    if (entry.type === 'refused') continue;
    const trial = validateOverlay(file, [...accepted.values(), entry]);
    if (trial.ok) {
      accepted.set(key, entry);
      applied.set(key, before);
      config = trial.config;
    }
  }
  return finish(config, applied, refused);
}

interface FileObject {
  providers?: Record<string, Record<string, unknown>>;
  routes?: Record<string, unknown>;
  [key: string]: unknown;
}

type OverlayValidation = { ok: true; config: LiterLLMConfig } | { ok: false; errors: ConfigIssue[] };

function validateOverlay(
  file: FileObject,
  entries: readonly Exclude<ConfigStoreEntry, { type: 'refused' }>[],
): OverlayValidation {
  const providers = { ...file.providers };
  const routes = { ...file.routes };
  for (const entry of entries) {
    if (entry.type === 'route') routes[entry.name] = entry.route;
    else providers[entry.name] = { ...providers[entry.name], ...entry.flags };
  }
  // No interpolation: the file's `${VAR}`s are resolved already, and a store's strings are taken
  // as written (a store must not be able to read the gateway's environment into a request).
  const result = validateConfigValue({ ...file, providers, routes }, { env: undefined, keyStyle: 'snake' });
  return result.ok ? { ok: true, config: result.config } : { ok: false, errors: result.errors };
}

function finish(config: LiterLLMConfig, applied: Map<string, string>, refused: Map<string, string>): ConfigOverlayResult {
  return { config, applied, refused: [...refused].map(([key, message]) => ({ key, message })) };
}
