// The config the benchmarks give `liter-llm serve`: one openai-compatible provider in front of
// bench/mock-upstream.mjs, limits far above the load unless told otherwise, and no retries, so only
// the pass-through itself is measured.

/** The YAML text of that config. */
export function benchGatewayConfig({ upstreamPort, apiKey, maxConcurrency = 100_000, maxBodyBytes }) {
  return [
    'providers:',
    '  bench:',
    '    type: openai-compatible',
    `    base_url: http://127.0.0.1:${upstreamPort}/v1`,
    `    api_key: ${apiKey}`,
    `    max_concurrency: ${maxConcurrency}`,
    '    max_connections: 1024',
    '    rate_limit_per_minute: 100000000',
    '    timeout_ms: 120000',
    '    max_retries: 0',
    ...(maxBodyBytes ? ['server:', `  max_body_bytes: ${maxBodyBytes}`] : []),
    '',
  ].join('\n');
}
