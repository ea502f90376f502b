import { describe, expect, test } from 'vitest';
import type { ConfigIssue, ConfigResult } from './config-issue.js';
import { parseConfig } from './parse-config.js';

/** The errors of an invalid config, as `path: message` (no line numbers). */
function errorsOf(result: ConfigResult): string[] {
  if (result.ok) throw new Error(`expected errors, got a valid config: ${JSON.stringify(result.config)}`);
  return result.errors.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`));
}

function configOf(result: ConfigResult) {
  if (!result.ok) throw new Error(`expected a valid config, got:\n${errorsOf(result).join('\n')}`);
  return result.config;
}

const env = {};

describe('parseConfig: one test per kind of mistake, each naming its path', () => {
  test('a wrong type', () => {
    const result = parseConfig('providers:\n  openai:\n    max_concurrency: ten\n', { env });
    expect(errorsOf(result)).toEqual(['providers.openai.max_concurrency: expected a positive integer, got "ten"']);
  });

  test('a negative number and a fraction', () => {
    const text = 'providers:\n  openai:\n    max_concurrency: -5\n    timeout_ms: 1.5\n    max_retries: 11\n';
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'providers.openai.max_concurrency: expected a positive integer, got -5',
      'providers.openai.timeout_ms: expected a positive integer, got 1.5',
      'providers.openai.max_retries: expected an integer from 0 to 10, got 11',
    ]);
  });

  test('an unknown key, with the closest known key suggested, at every level', () => {
    const text = [
      'providers:',
      '  openai:',
      '    max_concurency: 10',
      '    baseURL: https://example.com/v1',
      'routes:',
      '  chat:',
      '    targets: [ { provider: openai, model: m, wieght: 2 } ]',
      'sever: { port: 1 }',
      'limits: { colour: blue }',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'providers.openai.max_concurency: unknown key (did you mean max_concurrency?)',
      'providers.openai.baseURL: unknown key (did you mean base_url?)',
      'routes.chat.targets[0].wieght: unknown key (did you mean weight?)',
      'sever: unknown key (did you mean server?)',
      'limits.colour: unknown key (expected one of: store, redis_url, key_prefix, on_store_error, expected_replicas, command_timeout_ms, lease_ms)',
    ]);
  });

  test('a misspelt enum value gets a suggestion too', () => {
    const text =
      'providers:\n  openai: {}\nroutes:\n  chat:\n    strategy: round_robin\n    targets: [ { provider: openai, model: m } ]\n';
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'routes.chat.strategy: expected one of: weighted, round-robin, least-busy, lowest-latency, got "round_robin" (did you mean round-robin?)',
    ]);
  });

  test('a custom provider without a type', () => {
    const result = parseConfig('providers:\n  ollama:\n    base_url: http://localhost:11434/v1\n', { env });
    expect(errorsOf(result)).toEqual([
      'providers.ollama.type: is required: "ollama" is not a built-in provider name (use openai-compatible for Ollama, vLLM, llama.cpp and similar servers; or openai, anthropic, huggingface)',
    ]);
  });

  test('an openai-compatible provider without base_url', () => {
    const result = parseConfig('providers:\n  vllm:\n    type: openai-compatible\n', { env });
    expect(errorsOf(result)).toEqual([
      'providers.vllm.base_url: is required for openai-compatible providers (for example http://localhost:11434/v1)',
    ]);
  });

  test('a bad URL', () => {
    const text = [
      'providers:',
      '  openai: { base_url: "api.openai.com/v1" }',
      '  anthropic: { base_url: "ftp://example.com" }',
      'config_source:',
      '  etcd: { endpoints: [ "etcd:2379" ] }',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'providers.openai.base_url: expected an http:// or https:// URL, got "api.openai.com/v1"',
      'providers.anthropic.base_url: expected an http:// or https:// URL, got "ftp://example.com"',
      'config_source.etcd.endpoints[0]: expected an http:// or https:// URL, got "etcd:2379"',
    ]);
  });

  test('a route target naming an unknown provider', () => {
    const text = [
      'providers: { openai: {}, anthropic: {} }',
      'routes:',
      '  chat-default:',
      '    targets:',
      '      - { provider: openai, model: gpt-4o-mini }',
      '      - { provider: opnai, model: gpt-4o }',
      '      - { provider: groq, model: llama }',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'routes.chat-default.targets[1].provider: unknown provider "opnai" (did you mean openai?)',
      'routes.chat-default.targets[2].provider: unknown provider "groq" (configured: openai, anthropic)',
    ]);
  });

  test('a fallback that resolves nowhere', () => {
    const text = [
      'providers: { openai: {} }',
      'routes:',
      '  chat:',
      '    targets: [ { provider: openai, model: m } ]',
      '    fallbacks: [ chta, anthropic/claude-haiku-4-5, "openai/", openai/gpt-4o, chat-large ]',
      '  chat-large:',
      '    targets: [ { provider: openai, model: big } ]',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'routes.chat.fallbacks[0]: "chta" is not a route name (did you mean chat?); a fallback is a route name or provider/model',
      'routes.chat.fallbacks[1]: unknown provider "anthropic" in "anthropic/claude-haiku-4-5" (configured: openai)',
      'routes.chat.fallbacks[2]: missing the model after "openai/"',
    ]);
  });

  test('a fallback cycle between routes, and a route falling back to itself', () => {
    const text = [
      'providers: { openai: {} }',
      'routes:',
      '  a: { targets: [ { provider: openai, model: m } ], fallbacks: [ b ] }',
      '  b: { targets: [ { provider: openai, model: m } ], fallbacks: [ openai/x, c ] }',
      '  c: { targets: [ { provider: openai, model: m } ], fallbacks: [ a ] }',
      '  d: { targets: [ { provider: openai, model: m } ], fallbacks: [ d ] }',
      '  e: { targets: [ { provider: openai, model: m } ], fallbacks: [ a ] }',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'routes.c.fallbacks[0]: fallback cycle: a -> b -> c -> a',
      'routes.d.fallbacks[0]: fallback cycle: d -> d',
    ]);
  });

  test('a redis store without redis_url, and a redis_url that is not redis', () => {
    expect(errorsOf(parseConfig('limits:\n  store: redis\n', { env }))).toEqual([
      'limits.redis_url: is required when store is "redis" (for example redis://127.0.0.1:6379)',
    ]);
    const result = parseConfig('limits:\n  store: redis\n  redis_url: http://cache:6379\n', { env });
    // redis_url may carry a password, so the value is not echoed.
    expect(errorsOf(result)).toEqual([
      'limits.redis_url: expected a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL',
    ]);
  });

  test('a YAML syntax error gives its line and column, and no source text', () => {
    const text = 'providers:\n  openai:\n    api_key: sk-live-123456789: oops\n';
    const result = parseConfig(text, { env, sourceName: 'liter-llm.yaml' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      {
        path: '',
        message: 'YAML syntax error in liter-llm.yaml at line 3, column 14: Nested mappings are not allowed in compact mappings',
        line: 3,
        column: 14,
      },
    ]);
    expect(JSON.stringify(result)).not.toContain('sk-live-123456789');
  });

  test('a key written twice is a syntax error, not "the last one wins"', () => {
    const result = parseConfig('providers:\n  openai: {}\n  openai: {}\n', { env });
    expect(errorsOf(result)).toEqual(['YAML syntax error at line 3, column 3: Map keys must be unique']);
  });

  test('an unset environment variable', () => {
    const text = 'providers:\n  vllm:\n    type: openai-compatible\n    base_url: ${VLLM_URL}\n';
    expect(errorsOf(parseConfig(text, { env: {} }))).toEqual([
      // One message, not a second "expected a URL" about the same value.
      'providers.vllm.base_url: environment variable VLLM_URL is not set',
    ]);
  });

  test('a second YAML document', () => {
    expect(errorsOf(parseConfig('server: { port: 1 }\n---\nserver: { port: 2 }\n', { env }))).toEqual([
      'YAML syntax error at line 2, column 1: a config holds one YAML document, but a second one starts here',
    ]);
  });

  test('an alias bomb is refused', () => {
    const text = [
      'x-a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]',
      'x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'x-d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'invalid YAML: Excessive alias count indicates a resource exhaustion attack',
    ]);
  });

  test('a top level that is not a mapping', () => {
    expect(errorsOf(parseConfig('- openai\n- anthropic\n', { env }))).toEqual([
      'expected a mapping at the top level, got a list',
    ]);
  });

  test('keys that only apply to one provider type', () => {
    const text = 'providers:\n  openai:\n    default_max_tokens: 100\n    chat_api: tgi-generate\n';
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'providers.openai.default_max_tokens: only applies to anthropic providers (this one is openai)',
      'providers.openai.chat_api: only applies to huggingface providers (this one is openai)',
    ]);
  });

  test('bad provider names, route shapes and header names', () => {
    const text = [
      'providers:',
      '  "my/provider": { type: openai }',
      '  openai:',
      '    headers: { "Bad Header": x, X-Ok: "a\\nb" }',
      'routes:',
      '  empty: { targets: [] }',
      '  missing: { strategy: weighted }',
      '  listed: [ openai/gpt-4o ]',
    ].join('\n');
    expect(errorsOf(parseConfig(text, { env }))).toEqual([
      'providers["my/provider"]: a provider name cannot contain "/" (models are addressed as provider/model)',
      'providers.openai.headers["Bad Header"]: is not a valid HTTP header name',
      'providers.openai.headers.X-Ok: a header value cannot contain line breaks or NUL',
      'routes.empty.targets: expected at least one target',
      'routes.missing.targets: is required',
      'routes.listed: expected a mapping of route settings, got a list',
    ]);
  });

  test('several errors at once are all listed, in file order, with their lines', () => {
    const text = [
      'providers:', // 1
      '  openai:', // 2
      '    max_concurrency: ten', // 3
      '    max_conections: 5', // 4
      '  ollama:', // 5
      '    base_url: localhost:11434', // 6
      'routes:', // 7
      '  chat:', // 8
      '    targets: [ { provider: opnai, model: m } ]', // 9
      '    fallbacks: [ nowhere ]', // 10
      'limits: { store: redis }', // 11
      'server: { port: 70000 }', // 12
    ].join('\n');
    const result = parseConfig(text, { env });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(({ path, line }) => `${line} ${path}`)).toEqual([
      '3 providers.openai.max_concurrency',
      '4 providers.openai.max_conections',
      '5 providers.ollama.type',
      '6 providers.ollama.base_url',
      '9 routes.chat.targets[0].provider',
      '10 routes.chat.fallbacks[0]',
      '11 limits.redis_url',
      '12 server.port',
    ]);
    expect(result.errors[1]!.message).toBe('unknown key (did you mean max_connections?)');
    expect(result.errors[7]!.message).toBe('expected a port number from 0 to 65535, got 70000');
  });
});

describe('parseConfig: defaults', () => {
  test('every default is applied to a minimal config', () => {
    const config = configOf(parseConfig('providers:\n  openai:\n  anthropic: {}\n  huggingface: {}\n', { env }));
    expect(config.providers.openai).toEqual({
      name: 'openai',
      type: 'openai',
      enabled: true,
      baseURL: 'https://api.openai.com/v1',
      headers: {},
      maxConcurrency: 64,
      maxConnections: 64,
      maxQueueWaitMs: 0,
      maxRateLimitPauseMs: 60_000,
      timeoutMs: 60_000,
      connectTimeoutMs: 10_000,
      firstByteTimeoutMs: 60_000,
      streamIdleTimeoutMs: 30_000,
      maxResponseBytes: 256 * 1024 * 1024,
      maxRetries: 2,
      models: [],
    });
    expect(config.providers.anthropic?.baseURL).toBe('https://api.anthropic.com');
    expect(config.providers.huggingface?.baseURL).toBe('https://router.huggingface.co');
    expect(config.routes).toEqual({});
    expect(config.limits).toEqual({
      store: 'memory',
      keyPrefix: 'liter-llm:',
      onStoreError: 'fail_open',
      expectedReplicas: 1,
      commandTimeoutMs: 50,
      leaseMs: 10_000,
    });
    expect(config.configSource).toBeUndefined();
    expect(config.server).toEqual({
      host: '0.0.0.0',
      port: 8080,
      apiKeys: [],
      maxBodyBytes: 10 * 1024 * 1024,
      drainTimeoutMs: 10_000,
      drainDelayMs: 0,
      metricsRequireKey: false,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 4096,
      allowedHosts: [],
    });
  });

  test('server.metrics_require_key is a boolean', () => {
    const text = 'server:\n  api_keys: [k]\n  metrics_require_key: true\n';
    expect(configOf(parseConfig(text, { env })).server.metricsRequireKey).toBe(true);
    const wrong = parseConfig('server:\n  metrics_require_key: "yes please"\n', { env });
    expect(wrong.ok ? [] : wrong.errors.map((issue) => `${issue.path}: ${issue.message}`)).toEqual([
      'server.metrics_require_key: expected true or false, got "yes please"',
    ]);
  });

  test('an empty file is a valid config with no providers', () => {
    const config = configOf(parseConfig('', { env }));
    expect(config.providers).toEqual({});
    expect(config.server.port).toBe(8080);
  });

  test('server.drain_delay_ms is read, and a negative or fractional one is refused with its path', () => {
    expect(configOf(parseConfig('server: { drain_delay_ms: 5000 }', { env })).server.drainDelayMs).toBe(5000);
    for (const bad of ['-1', '2.5']) {
      const errors = errorsOf(parseConfig(`server: { drain_delay_ms: ${bad} }`, { env }));
      expect(errors).toEqual([expect.stringMatching(/^server\.drain_delay_ms: /)]);
    }
  });

  test('derived defaults follow the values they derive from', () => {
    const text = 'providers:\n  openai:\n    max_concurrency: 120\n    timeout_ms: 90000\n';
    const provider = configOf(parseConfig(text, { env })).providers.openai!;
    expect(provider.maxConnections).toBe(120);
    expect(provider.firstByteTimeoutMs).toBe(90_000);
  });

  test('route defaults, fallbacks resolved, circuit breaker defaults only when asked for', () => {
    const text = [
      'providers:',
      '  openai: {}',
      '  huggingface: {}',
      'routes:',
      '  chat:',
      '    targets: [ { provider: openai, model: gpt-4o-mini } ]',
      '    fallbacks: [ big, huggingface/meta-llama/Llama-3.1-8B-Instruct ]',
      '    circuit_breaker:',
      '  big:',
      '    strategy: least-busy',
      '    max_retries: 0',
      '    targets: [ { provider: openai, model: gpt-4o, weight: 0.5 } ]',
      '    circuit_breaker: { cooldown_ms: 1000 }',
    ].join('\n');
    const config = configOf(parseConfig(text, { env }));
    expect(config.routes.chat).toEqual({
      name: 'chat',
      targets: [{ provider: 'openai', model: 'gpt-4o-mini', weight: 1 }],
      strategy: 'weighted',
      fallbacks: [
        { type: 'route', route: 'big', text: 'big' },
        {
          type: 'model',
          provider: 'huggingface',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          text: 'huggingface/meta-llama/Llama-3.1-8B-Instruct',
        },
      ],
      circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
    });
    expect(config.routes.big).toEqual({
      name: 'big',
      targets: [{ provider: 'openai', model: 'gpt-4o', weight: 0.5 }],
      strategy: 'least-busy',
      fallbacks: [],
      maxRetries: 0,
      circuitBreaker: { failureThreshold: 5, cooldownMs: 1000 },
    });
  });

  test('a route whose name contains a slash wins over the provider/model reading', () => {
    const text = [
      'providers: { openai: {} }',
      'routes:',
      '  openai/gpt-4o: { targets: [ { provider: openai, model: gpt-4o-2024-08-06 } ] }',
      '  chat: { targets: [ { provider: openai, model: m } ], fallbacks: [ openai/gpt-4o ] }',
    ].join('\n');
    expect(configOf(parseConfig(text, { env })).routes.chat?.fallbacks).toEqual([
      { type: 'route', route: 'openai/gpt-4o', text: 'openai/gpt-4o' },
    ]);
  });

  test('provider settings are carried over, trimmed and normalised', () => {
    const text = [
      'providers:',
      '  local:',
      '    type: openai-compatible',
      '    base_url: http://localhost:11434/v1/',
      '    headers: { X-Retries: 1, X-Name: ollama }',
      '    models: [ llama3.2, qwen2.5 ]',
      '    rate_limit_per_minute: 600',
      '    tokens_per_minute: 100000',
      '    max_queue_wait_ms: 250',
      '    max_connections: 8',
      '  anthropic: { api_key: "sk-ant-key\\n", default_max_tokens: 4096 }',
      '  huggingface: { chat_api: tgi-generate, embed_api: tei }',
      'limits: { store: redis, redis_url: "rediss://:pw@cache:6380/0" }',
      'config_source: { etcd: { endpoints: [ "http://etcd:2379" ] } }',
    ].join('\n');
    const config = configOf(parseConfig(text, { env }));
    expect(config.providers.local).toMatchObject({
      type: 'openai-compatible',
      baseURL: 'http://localhost:11434/v1',
      headers: { 'X-Retries': '1', 'X-Name': 'ollama' },
      models: ['llama3.2', 'qwen2.5'],
      rateLimitPerMinute: 600,
      tokensPerMinute: 100_000,
      maxQueueWaitMs: 250,
      maxConcurrency: 64,
      maxConnections: 8,
    });
    expect(config.providers.local?.apiKey).toBeUndefined();
    expect(config.providers.anthropic).toMatchObject({ apiKey: 'sk-ant-key', defaultMaxTokens: 4096 });
    expect(config.providers.huggingface).toMatchObject({ chatAPI: 'tgi-generate', embedAPI: 'tei' });
    expect(config.limits).toEqual({
      store: 'redis',
      redisURL: 'rediss://:pw@cache:6380/0',
      keyPrefix: 'liter-llm:',
      onStoreError: 'fail_open',
      expectedReplicas: 1,
      commandTimeoutMs: 50,
      leaseMs: 10_000,
    });
    expect(config.configSource).toEqual({ etcd: { endpoints: ['http://etcd:2379'], prefix: '/liter-llm/' } });
  });

  test('anchors and merge keys share settings; top-level x- keys only hold anchors', () => {
    const text = [
      'x-small: &small { max_concurrency: 4, timeout_ms: 5000 }',
      'providers:',
      '  vllm-a: { <<: *small, type: openai-compatible, base_url: "http://a:8000/v1" }',
      '  vllm-b:',
      '    <<: *small',
      '    type: openai-compatible',
      '    base_url: http://b:8000/v1',
      '    timeout_ms: 9000',
    ].join('\n');
    const config = configOf(parseConfig(text, { env }));
    expect(config.providers['vllm-a']).toMatchObject({ maxConcurrency: 4, timeoutMs: 5000 });
    expect(config.providers['vllm-b']).toMatchObject({ maxConcurrency: 4, timeoutMs: 9000 });
  });

  test('JSON is accepted', () => {
    const text = JSON.stringify({ providers: { openai: { max_concurrency: 3 } }, server: { port: 9000 } });
    const config = configOf(parseConfig(text, { env }));
    expect(config.providers.openai?.maxConcurrency).toBe(3);
    expect(config.server.port).toBe(9000);
  });
});

describe('parseConfig: secrets are never echoed', () => {
  const secret = 'sk-proj-SECRETSECRETSECRET';

  function allText(result: ConfigResult): string {
    const issues: ConfigIssue[] = [...(result.ok ? [] : result.errors), ...result.warnings];
    return issues.map((issue) => `${issue.path} ${issue.message}`).join('\n');
  }

  test('a wrongly typed api_key, header or api_keys entry names the path but not the value', () => {
    const text = [
      'providers:',
      '  openai:',
      `    api_key: [ ${secret} ]`,
      `    headers: { Authorization: [ "Bearer ${secret}" ] }`,
      'server:',
      `  api_keys: { key: ${secret} }`,
    ].join('\n');
    const result = parseConfig(text, { env });
    expect(errorsOf(result)).toEqual([
      'providers.openai.api_key: expected a string',
      'providers.openai.headers.Authorization: expected a string',
      'server.api_keys: expected a list of strings',
    ]);
    expect(allText(result)).not.toContain('SECRET');
  });

  test('an interpolated key next to an unrelated error is not echoed either', () => {
    const text = 'providers:\n  openai:\n    api_key: ${OPENAI_API_KEY}\n    max_concurrency: many\n';
    const result = parseConfig(text, { env: { OPENAI_API_KEY: secret } });
    expect(errorsOf(result)).toEqual(['providers.openai.max_concurrency: expected a positive integer, got "many"']);
    expect(allText(result)).not.toContain('SECRET');
  });

  test('a key pasted where it does not belong is not echoed either', () => {
    const text = [
      'providers:',
      '  openai:',
      `    api_key ${secret}`, // missing colon: the whole provider becomes one string
      '  anthropic:',
      `    ${secret}: 1`,
    ].join('\n');
    const result = parseConfig(text, { env });
    expect(errorsOf(result)).toEqual([
      'providers.openai: expected a mapping of provider settings, got a string that may hold a secret (not shown)',
      expect.stringMatching(/^providers\.anthropic\[<not shown>\]: unknown key \(expected one of: type, base_url, /),
    ]);
    expect(allText(result)).not.toContain('SECRET');
  });

  test('a password in a URL is not echoed', () => {
    const text = 'config_source: { etcd: { endpoints: [ "ftp://root:hunter2@etcd:2379" ] } }\n';
    const result = parseConfig(text, { env });
    expect(errorsOf(result)).toEqual([
      'config_source.etcd.endpoints[0]: expected an http:// or https:// URL, got "ftp://…@etcd:2379"',
    ]);
    expect(allText(result)).not.toContain('hunter2');
  });
});

describe('parseConfig: providers.NAME.max_response_bytes', () => {
  test('is read, and checked with its path', () => {
    const config = configOf(parseConfig('providers:\n  openai:\n    max_response_bytes: 1048576\n', { env }));
    expect(config.providers.openai?.maxResponseBytes).toBe(1_048_576);
    expect(errorsOf(parseConfig('providers:\n  openai:\n    max_response_bytes: 0\n', { env }))).toEqual([
      'providers.openai.max_response_bytes: expected a positive integer, got 0',
    ]);
  });
});
