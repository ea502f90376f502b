// What every benchmark script starts and sends: the mock upstream, a Liter-LLM gateway in front of
// it, and the chat request body.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildGoProgram, findFreePort, startProcess, waitForHTTP, waitForOutput } from './bench-processes.mjs';

/** The key the gateways send upstream; the mock upstream accepts any. */
export const UPSTREAM_KEY = 'sk-bench-not-a-real-key';

/** The chat request every path gets: one short answer, streamed (with the usage chunk) or not. */
export function createRequestBody(model, stream) {
  return {
    model,
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Tell me one short sentence about a fox.' },
    ],
    max_tokens: 64,
    temperature: 0.2,
    ...(stream && { stream: true, stream_options: { include_usage: true } }),
  };
}

/**
 * The config lines of the one provider the bindings benchmarks' engines call: `bench`, an
 * openai-compatible provider in front of the mock upstream, limits far above the load, no retries.
 */
export function benchProviderConfigLines(upstreamPort) {
  return [
    'providers:',
    '  bench:',
    '    type: openai-compatible',
    `    base_url: http://127.0.0.1:${upstreamPort}/v1`,
    `    api_key: ${UPSTREAM_KEY}`,
    '    max_concurrency: 100000',
    '    max_connections: 1024',
    '    rate_limit_per_minute: 100000000',
    '    timeout_ms: 120000',
    '    max_retries: 0',
  ];
}

/** The mock upstream (bench/mock-upstream/) on a free port; `args` are its own options. */
export async function startMockUpstream({ cpus, args = [] } = {}) {
  const port = await findFreePort();
  const handle = startProcess('upstream', buildGoProgram('mock-upstream'), ['--port', String(port), ...args], { cpus });
  await waitForOutput(handle, /"ready":true/);
  return { handle, port };
}

/**
 * `liter-llm serve` of the checkout at `root` on 127.0.0.1 and a free port, with one
 * openai-compatible provider (`bench`) in front of the upstream: limits far above the load unless
 * `maxConcurrency` says otherwise, and no retries, so only the pass-through itself is measured.
 * With `redisURL` its buckets live in that Redis (`limits.store: redis`) instead of in memory.
 * Its JSON request log (one line per request, on by default) goes to `<name>.stdout.log` in
 * `workDir`, as it would go to a file or a collector in production.
 */
export async function startLiterLLMGateway({
  name,
  root,
  upstreamPort,
  workDir,
  cpus,
  env,
  nodeArgs = [],
  maxConcurrency = 100_000,
  maxBodyBytes,
  redisURL,
}) {
  const port = await findFreePort();
  const config = path.join(workDir, `${name}.yaml`);
  writeFileSync(
    config,
    [
      'providers:',
      '  bench:',
      '    type: openai-compatible',
      `    base_url: http://127.0.0.1:${upstreamPort}/v1`,
      `    api_key: ${UPSTREAM_KEY}`,
      `    max_concurrency: ${maxConcurrency}`,
      '    max_connections: 1024',
      '    rate_limit_per_minute: 100000000',
      '    timeout_ms: 120000',
      '    max_retries: 0',
      ...(maxBodyBytes ? ['server:', `  max_body_bytes: ${maxBodyBytes}`] : []),
      // The request bucket above is then taken in Redis on every call: one round trip each.
      ...(redisURL ? ['limits:', '  store: redis', `  redis_url: ${redisURL}`, `  key_prefix: "bench-${name}:"`] : []),
      '',
    ].join('\n'),
  );
  const logFile = path.join(workDir, `${name}.stdout.log`);
  const handle = startProcess(
    name,
    process.execPath,
    [
      ...nodeArgs,
      path.join(root, 'dist/cli/main.js'),
      'serve',
      '--config',
      config,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { cpus, cwd: root, env, stdoutFile: logFile },
  );
  await waitForHTTP(handle, `http://127.0.0.1:${port}/healthz`);
  return { name, handle, port, logFile };
}

/** A redis-server on a free loopback port, without persistence, for `limits.store: redis`. */
export async function startRedisServer({ cpus } = {}) {
  const port = await findFreePort();
  const handle = startProcess(
    'redis',
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      cpus,
    },
  );
  await waitForOutput(handle, /Ready to accept connections/);
  return { handle, url: `redis://127.0.0.1:${port}` };
}
