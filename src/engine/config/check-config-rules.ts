import { z } from 'zod';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { CONFIG_DEFAULTS } from './config-defaults.js';
import { mapZodIssues } from './map-zod-issues.js';
import type { PathIssue } from './path-issue.js';
import { describeUnknownProvider, resolveFallback } from './resolve-fallback.js';

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The rules that span keys or sections: provider types and their required keys, references from
 * routes to providers and to other routes, fallback cycles, redis without a URL. They read the raw
 * (interpolated) object defensively, so they report even when the schema found other mistakes.
 */
export function checkConfigRules(config: unknown, registry: ProviderRegistry): PathIssue[] {
  const root = asRecord(config);
  if (root === undefined) return [];
  const providers = asRecord(root.providers) ?? {};
  const routes = asRecord(root.routes) ?? {};
  return [
    ...checkProviders(providers, registry),
    ...checkRoutes(routes, Object.keys(providers)),
    ...checkLimits(root.limits),
    ...checkGlobalConcurrency(providers, root.limits),
    ...checkServer(root.server),
    ...checkConfigSource(root.config_source),
  ];
}

function checkProviders(providers: Record<string, unknown>, registry: ProviderRegistry): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [name, value] of Object.entries(providers)) {
    if (name === '') issues.push({ path: ['providers', name], message: 'a provider name cannot be empty' });
    if (name.includes('/')) {
      issues.push({
        path: ['providers', name],
        message: 'a provider name cannot contain "/" (models are addressed as provider/model)',
      });
    }
    const settings = asRecord(value);
    if (settings === undefined) continue;
    const explicitType = settings.type;
    const type = explicitType ?? registry.typeFromName(name);
    if (explicitType === undefined && type === undefined) {
      issues.push({ path: ['providers', name, 'type'], message: describeMissingType(name, registry) });
    }
    const definition = typeof type === 'string' ? registry.get(type) : undefined;
    if (definition !== undefined && definition.defaults.baseURL === undefined && settings.base_url === undefined) {
      const example = definition.defaults.baseURLExample;
      issues.push({
        path: ['providers', name, 'base_url'],
        message: `is required for ${definition.type} providers${example === undefined ? '' : ` (for example ${example})`}`,
      });
    }
    if (definition !== undefined) issues.push(...checkTypeSpecificKeys(name, definition.type, settings, registry));
    const headers = asRecord(settings.headers);
    if (headers !== undefined) issues.push(...checkHeaders(name, headers));
    if (hasCredentials(settings.base_url)) {
      // The transport sends the origin and path only, so they were dropped without a word. The
      // message never repeats the URL: it holds a password.
      issues.push({
        path: ['providers', name, 'base_url'],
        message:
          'cannot carry credentials (user:password@): they would not be sent; remove them and set api_key, ' +
          'or headers.authorization (for example "Basic <base64 of user:password>")',
      });
    }
  }
  return issues;
}

function hasCredentials(url: unknown): boolean {
  if (typeof url !== 'string' || !URL.canParse(url)) return false;
  const parsed = new URL(url);
  return parsed.username !== '' || parsed.password !== '';
}

/** `type` is required: which types exist, the ones without a name of their own first with what they are for. */
function describeMissingType(name: string, registry: ProviderRegistry): string {
  const generic = registry
    .list()
    .filter((definition) => !definition.typeFromName)
    .map((definition) => `${definition.type}${definition.description === undefined ? '' : ` ${definition.description}`}`);
  const named = registry
    .list()
    .filter((definition) => definition.typeFromName)
    .map((definition) => definition.type);
  const choices = generic.length > 0 ? `use ${generic.join('; ')}; or ${named.join(', ')}` : `use ${named.join(', ')}`;
  return `is required: "${name}" is not a built-in provider name (${choices})`;
}

/** A definition's own option set on a provider of another type: say which types it is for. */
function checkTypeSpecificKeys(
  name: string,
  type: string,
  settings: Record<string, unknown>,
  registry: ProviderRegistry,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const own = registry.get(type)?.optionsSchema.shape ?? {};
  for (const key of Object.keys(settings)) {
    if (settings[key] === undefined) continue;
    if (Object.hasOwn(own, key)) {
      issues.push(...checkSharedOption(name, key, settings[key], own[key]!, registry));
      continue;
    }
    const owners = registry
      .list()
      .filter((definition) => Object.hasOwn(definition.optionsSchema.shape, key))
      .map((definition) => definition.type);
    if (owners.length === 0) continue;
    issues.push({
      path: ['providers', name, key],
      message: `only applies to ${owners.join(' and ')} providers (this one is ${type})`,
    });
  }
  return issues;
}

/**
 * An option that other types declare with another schema is only known to the file schema
 * (config-file-schema.ts); its value is checked here against the provider's own type.
 */
function checkSharedOption(
  name: string,
  key: string,
  value: unknown,
  schema: z.core.$ZodType,
  registry: ProviderRegistry,
): PathIssue[] {
  const differs = registry.list().some((definition) => {
    const other = definition.optionsSchema.shape[key];
    return other !== undefined && other !== schema;
  });
  if (!differs) return [];
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return [];
  return mapZodIssues(result.error.issues, schema, 'snake').map((issue) => ({
    ...issue,
    path: ['providers', name, key, ...issue.path],
  }));
}

function checkHeaders(provider: string, headers: Record<string, unknown>): PathIssue[] {
  const issues: PathIssue[] = [];
  for (const [header, value] of Object.entries(headers)) {
    const path = ['providers', provider, 'headers', header];
    if (!HEADER_NAME.test(header)) issues.push({ path, message: 'is not a valid HTTP header name' });
    if (typeof value === 'string' && /[\r\n\0]/.test(value)) {
      issues.push({ path, message: 'a header value cannot contain line breaks or NUL' });
    }
  }
  return issues;
}

function checkRoutes(routes: Record<string, unknown>, providerNames: readonly string[]): PathIssue[] {
  const issues: PathIssue[] = [];
  const routeNames = Object.keys(routes);
  const edges = new Map<string, { route: string; index: number }[]>();
  for (const [name, value] of Object.entries(routes)) {
    if (name === '') issues.push({ path: ['routes', name], message: 'a route name cannot be empty' });
    const route = asRecord(value);
    if (route === undefined) continue;
    const targets = Array.isArray(route.targets) ? route.targets : [];
    targets.forEach((target, index) => {
      const provider = asRecord(target)?.provider;
      if (typeof provider === 'string' && provider !== '' && !providerNames.includes(provider)) {
        issues.push({
          path: ['routes', name, 'targets', index, 'provider'],
          message: describeUnknownProvider(provider, providerNames),
        });
      }
    });
    const fallbacks = Array.isArray(route.fallbacks) ? route.fallbacks : [];
    const routeEdges: { route: string; index: number }[] = [];
    fallbacks.forEach((fallback, index) => {
      if (typeof fallback !== 'string' || fallback === '') return;
      const resolution = resolveFallback(fallback, routeNames, providerNames);
      if (!resolution.ok) issues.push({ path: ['routes', name, 'fallbacks', index], message: resolution.message });
      else if (resolution.fallback.type === 'route') routeEdges.push({ route: resolution.fallback.route, index });
    });
    edges.set(name, routeEdges);
  }
  issues.push(...findFallbackCycles(routeNames, edges));
  return issues;
}

/** One issue per fallback that closes a cycle, found by depth-first search in file order. */
function findFallbackCycles(
  routeNames: readonly string[],
  edges: ReadonlyMap<string, readonly { route: string; index: number }[]>,
): PathIssue[] {
  const issues: PathIssue[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    for (const edge of edges.get(name) ?? []) {
      const next = state.get(edge.route);
      if (next === 'active') {
        const cycle = [...stack.slice(stack.indexOf(edge.route)), edge.route];
        issues.push({
          path: ['routes', name, 'fallbacks', edge.index],
          message: `fallback cycle: ${cycle.join(' -> ')}`,
        });
      } else if (next === undefined) visit(edge.route);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of routeNames) if (!state.has(name)) visit(name);
  return issues;
}

function checkLimits(value: unknown): PathIssue[] {
  const limits = asRecord(value);
  if (limits?.store === 'redis' && (limits.redis_url === undefined || limits.redis_url === '')) {
    return [{ path: ['limits', 'redis_url'], message: 'is required when store is "redis" (for example redis://127.0.0.1:6379)' }];
  }
  return [];
}

/** A fleet-wide cap needs a store every replica sees: Redis. */
function checkGlobalConcurrency(providers: Record<string, unknown>, limits: unknown): PathIssue[] {
  if (asRecord(limits)?.store === 'redis') return [];
  const issues: PathIssue[] = [];
  for (const [name, value] of Object.entries(providers)) {
    if (asRecord(value)?.max_concurrency_global === undefined) continue;
    issues.push({
      path: ['providers', name, 'max_concurrency_global'],
      message:
        'needs limits.store: redis (the cap is shared by every replica through Redis); use max_concurrency for one process',
    });
  }
  return issues;
}

// A host name as a Host header carries it, without the port: `gateway.example.com`, `.example.com`, `*`.
const ALLOWED_HOST = /^(\*|\.?[a-z0-9_-]+(\.[a-z0-9_-]+)*)$/i;

function checkServer(value: unknown): PathIssue[] {
  const server = asRecord(value);
  if (server === undefined) return [];
  const issues: PathIssue[] = [];
  const headersTimeout = server.headers_timeout_ms ?? CONFIG_DEFAULTS.headersTimeoutMs;
  const requestTimeout = server.request_timeout_ms ?? CONFIG_DEFAULTS.requestTimeoutMs;
  // Node refuses to start a server whose header timeout is longer than its request timeout.
  if (typeof headersTimeout === 'number' && typeof requestTimeout === 'number' && headersTimeout > requestTimeout) {
    issues.push({
      path: ['server', 'headers_timeout_ms'],
      message: `cannot be longer than server.request_timeout_ms (${requestTimeout}): the headers are part of the request`,
    });
  }
  const allowedHosts = Array.isArray(server.allowed_hosts) ? server.allowed_hosts : [];
  allowedHosts.forEach((host, index) => {
    if (typeof host === 'string' && host !== '' && !ALLOWED_HOST.test(host)) {
      issues.push({
        path: ['server', 'allowed_hosts', index],
        message:
          'expected a host name such as gateway.example.com, .example.com (and its subdomains) or *, without scheme, port or path',
      });
    }
  });
  return issues;
}

/** One store at a time; credentials and client certificates come in pairs. */
function checkConfigSource(value: unknown): PathIssue[] {
  const source = asRecord(value);
  if (source === undefined) return [];
  const issues: PathIssue[] = [];
  if (source.etcd !== undefined && source.consul !== undefined) {
    issues.push({ path: ['config_source', 'consul'], message: 'choose one store: config_source.etcd is set too' });
  }
  const etcd = asRecord(source.etcd);
  if (etcd !== undefined) {
    if (etcd.username !== undefined && etcd.password === undefined) {
      issues.push({ path: ['config_source', 'etcd', 'password'], message: 'is required when username is set' });
    }
    if (etcd.password !== undefined && etcd.username === undefined) {
      issues.push({ path: ['config_source', 'etcd', 'username'], message: 'is required when password is set' });
    }
    const tls = asRecord(etcd.tls);
    if (tls !== undefined && (tls.cert_file === undefined) !== (tls.key_file === undefined)) {
      const missing = tls.cert_file === undefined ? 'cert_file' : 'key_file';
      issues.push({
        path: ['config_source', 'etcd', 'tls', missing],
        message: 'is required with a client certificate (cert_file and key_file go together)',
      });
    }
    if (tls !== undefined && tls.ca_file === undefined) {
      issues.push({
        path: ['config_source', 'etcd', 'tls', 'ca_file'],
        message:
          'is required with tls: the CA that signed the etcd server certificate (for a publicly trusted one, leave tls out)',
      });
    }
  }
  return issues;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
