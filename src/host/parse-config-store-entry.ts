/** The provider settings a config store may override; everything else (api_key above all) stays the file's. */
export const STORE_PROVIDER_FLAGS = ['enabled', 'max_concurrency', 'rate_limit_per_minute', 'tokens_per_minute'] as const;

// Keys that hold or steer credentials: named in their own refusal so nobody thinks it was a typo.
const SECRET_PROVIDER_KEYS = new Set(['api_key', 'headers', 'base_url']);

/** One key of a config store, read: a whole route, a provider's flags, or why it is refused. */
export type ConfigStoreEntry =
  | { type: 'route'; name: string; route: Record<string, unknown> }
  | { type: 'provider'; name: string; flags: Record<string, unknown> }
  | { type: 'refused'; message: string };

/**
 * Reads one key under the store's prefix (`routes/<name>` or `providers/<name>`, the prefix already
 * removed) and its value (JSON). The shape of a route and the values of the flags are checked later
 * by the config's own validator, on the config they produce; here only what the file never allows
 * from a store: other keys, other provider settings, secrets.
 */
export function parseConfigStoreEntry(key: string, value: string): ConfigStoreEntry {
  const slash = key.indexOf('/');
  const section = slash === -1 ? key : key.slice(0, slash);
  const name = slash === -1 ? '' : key.slice(slash + 1);
  if ((section !== 'routes' && section !== 'providers') || name === '') {
    return { type: 'refused', message: 'unknown key: expected routes/<route name> or providers/<provider name>' };
  }
  if (section === 'providers' && name.includes('/')) {
    return { type: 'refused', message: 'a provider name cannot contain "/"' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return { type: 'refused', message: `is not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { type: 'refused', message: `expected a JSON object, got ${Array.isArray(parsed) ? 'a list' : typeof parsed}` };
  }
  const object = parsed as Record<string, unknown>;
  if (section === 'routes') return { type: 'route', name, route: object };
  for (const flag of Object.keys(object)) {
    if (SECRET_PROVIDER_KEYS.has(flag)) {
      return {
        type: 'refused',
        message: `${flag} is never taken from a config store: credentials and endpoints stay in the config file`,
      };
    }
    if (!(STORE_PROVIDER_FLAGS as readonly string[]).includes(flag)) {
      return { type: 'refused', message: `${flag} cannot be set from a config store (only ${STORE_PROVIDER_FLAGS.join(', ')})` };
    }
  }
  return { type: 'provider', name, flags: object };
}
