import { z } from 'zod';
import type { ProviderRegistry } from '../../providers/provider-registry.js';
import { parseRedisURL } from '../limits/redis/parse-redis-url.js';
import { bundledProviderRegistry } from './bundled-provider-registry.js';
import { ROUTE_STRATEGIES } from './config-defaults.js';

// The file's shape, snake_case, validation only: no defaults and no cross-field rules here
// (build-config.ts applies defaults, check-config-rules.ts checks references between sections).
// Every schema carries its own plain-words message; map-zod-issues.ts appends what was found.
// A provider's `type` and the keys only some types accept come from the provider registry: each
// definition's optionsSchema adds its keys (createConfigFileSchema), check-config-rules.ts refuses
// them on the other types.

function integer(message: string, min: number, max?: number) {
  const base = z.number({ error: message }).int({ error: message }).min(min, { error: message });
  return max === undefined ? base : base.max(max, { error: message });
}

const positiveInteger = () => integer('expected a positive integer', 1);
const nonNegativeInteger = () => integer('expected an integer >= 0', 0);
const retryCount = () => integer('expected an integer from 0 to 10', 0, 10);

const text = () => z.string({ error: 'expected a string' });
const nonEmptyText = () => text().min(1, { error: 'expected a non-empty string' });

function urlWithProtocols(protocols: readonly string[], message: string) {
  return z.string({ error: message }).refine((value) => hasProtocol(value, protocols), { error: message });
}

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return protocols.includes(url.protocol) && url.hostname !== '';
}

/** The message names the URL forms only: a Redis URL may carry a password, never echoed. */
const redisURL = () =>
  z
    .string({ error: 'expected a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL' })
    .superRefine((value, context) => {
      const parsed = parseRedisURL(value);
      if (typeof parsed === 'string') context.addIssue({ code: 'custom', message: parsed });
    });

const httpURL = () => urlWithProtocols(['http:', 'https:'], 'expected an http:// or https:// URL');

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')}` });
}

function list<T extends z.ZodType>(item: T, message = 'expected a list') {
  return z.array(item, { error: message });
}

function mapping<T extends z.ZodType>(value: T, message: string) {
  return z.record(z.string(), value, { error: message });
}

function section<T extends z.core.$ZodLooseShape>(shape: T, message = 'expected a mapping') {
  return z.strictObject(shape, { error: message });
}

// Header values are often written bare (`X-Retries: 1`); they are sent as text.
const headerValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string' });

const providerFileShape = {
  base_url: httpURL().optional(),
  api_key: text().optional(),
  headers: mapping(headerValue, 'expected a mapping of header names to values').optional(),
  max_concurrency: positiveInteger().optional(),
  // Fleet-wide, with limits.store: redis (check-config-rules.ts).
  max_concurrency_global: positiveInteger().optional(),
  max_connections: positiveInteger().optional(),
  rate_limit_per_minute: positiveInteger().optional(),
  tokens_per_minute: positiveInteger().optional(),
  max_queue_wait_ms: nonNegativeInteger().optional(),
  // At most a day: no header is read as asking for longer (src/http/clamp-wait-ms.ts).
  max_rate_limit_pause_ms: integer('expected an integer from 1 to 86400000 (a day)', 1, 86_400_000).optional(),
  timeout_ms: positiveInteger().optional(),
  connect_timeout_ms: positiveInteger().optional(),
  first_byte_timeout_ms: positiveInteger().optional(),
  stream_idle_timeout_ms: positiveInteger().optional(),
  max_response_bytes: positiveInteger().optional(),
  max_retries: retryCount().optional(),
  models: list(nonEmptyText(), 'expected a list of model ids').optional(),
  // false: routes skip the provider and calls addressed to it fail (a config_source flag, mostly).
  enabled: z.boolean({ error: 'expected true or false' }).optional(),
};

/** The settings of one provider: `type`, the common keys, then every registered definition's own options. */
function createProviderFileSchema(registry: ProviderRegistry) {
  const types = registry.types();
  const options: Record<string, z.ZodType> = {};
  for (const definition of registry.list()) {
    for (const [key, schema] of Object.entries(definition.optionsSchema.shape)) {
      // A key two types declare differently (`region` as an enum here, free text there) is checked
      // against the provider's own type by check-config-rules.ts; here it is only known.
      options[key] = options[key] === undefined || options[key] === schema ? schema : z.unknown();
    }
  }
  const type = types.length > 0 ? oneOf(types as readonly [string, ...string[]]) : text();
  // The options are typed loosely: build-config.ts reads them by the definitions' keys.
  return section(
    { type: type.optional(), ...providerFileShape, ...(options as Record<never, never>) },
    'expected a mapping of provider settings',
  );
}

const providersMessage = 'expected a mapping of provider names to settings';
const providerFileSchema = createProviderFileSchema(bundledProviderRegistry);

const weight = z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });

export const routeTargetFileSchema = section(
  { provider: nonEmptyText(), model: nonEmptyText(), weight: weight.optional() },
  'expected a mapping with provider, model and optionally weight',
);

export const routeFileSchema = section(
  {
    targets: list(routeTargetFileSchema, 'expected a list of targets').min(1, {
      error: 'expected at least one target',
    }),
    strategy: oneOf(ROUTE_STRATEGIES).optional(),
    fallbacks: list(nonEmptyText(), 'expected a list of route names or provider/model').optional(),
    max_retries: retryCount().optional(),
    circuit_breaker: section({
      failure_threshold: positiveInteger().optional(),
      cooldown_ms: positiveInteger().optional(),
    }).optional(),
  },
  'expected a mapping of route settings',
);

export const configFileSchema = section(
  {
    providers: mapping(providerFileSchema, providersMessage).optional(),
    routes: mapping(routeFileSchema, 'expected a mapping of route names to settings').optional(),
    limits: section({
      store: oneOf(['memory', 'redis']).optional(),
      redis_url: redisURL().optional(),
      key_prefix: nonEmptyText().optional(),
      on_store_error: oneOf(['fail_open', 'fail_closed']).optional(),
      expected_replicas: integer('expected an integer from 1 to 10000', 1, 10_000).optional(),
      command_timeout_ms: integer('expected an integer from 1 to 60000 (a minute)', 1, 60_000).optional(),
      lease_ms: integer('expected an integer from 100 to 3600000 (an hour)', 100, 3_600_000).optional(),
    }).optional(),
    config_source: section({
      etcd: section({
        endpoints: list(httpURL(), 'expected a list of http:// or https:// URLs').min(1, {
          error: 'expected at least one endpoint',
        }),
        prefix: nonEmptyText().optional(),
        username: nonEmptyText().optional(),
        password: text().optional(),
        tls: section({
          ca_file: nonEmptyText().optional(),
          cert_file: nonEmptyText().optional(),
          key_file: nonEmptyText().optional(),
        }).optional(),
      }).optional(),
      consul: section({
        address: httpURL(),
        prefix: text().optional(),
        token: text().optional(),
      }).optional(),
    }).optional(),
    server: section({
      host: nonEmptyText().optional(),
      port: integer('expected a port number from 0 to 65535', 0, 65_535).optional(),
      // A string is a comma-separated list, so one environment variable can hold several keys.
      api_keys: z.union([z.string(), list(z.string())], { error: 'expected a list of strings' }).optional(),
      max_body_bytes: positiveInteger().optional(),
      drain_timeout_ms: nonNegativeInteger().optional(),
      drain_delay_ms: nonNegativeInteger().optional(),
      metrics_require_key: z.boolean({ error: 'expected true or false' }).optional(),
      headers_timeout_ms: positiveInteger().optional(),
      request_timeout_ms: positiveInteger().optional(),
      max_connections: positiveInteger().optional(),
      allowed_hosts: list(nonEmptyText(), 'expected a list of host names').optional(),
    }).optional(),
  },
  'expected a mapping at the top level',
);

const schemas = new WeakMap<ProviderRegistry, typeof configFileSchema>([[bundledProviderRegistry, configFileSchema]]);

/** The file's schema for the provider types of `registry`, built once per registry. */
export function createConfigFileSchema(registry: ProviderRegistry): typeof configFileSchema {
  let schema = schemas.get(registry);
  if (schema === undefined) {
    schema = configFileSchema.extend({ providers: mapping(createProviderFileSchema(registry), providersMessage).optional() });
    schemas.set(registry, schema);
  }
  return schema;
}

/** What the schema accepts, as a JS object shaped exactly like the file. */
export type LiterLLMConfigFile = z.input<typeof configFileSchema>;
export type ParsedConfigFile = z.output<typeof configFileSchema>;
