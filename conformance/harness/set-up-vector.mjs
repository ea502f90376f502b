import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../dist/gateway/index.js';
import { createConfigSource } from '../../dist/host/create-config-source.js';
import { startEngineHost } from '../../dist/host/start-engine-host.js';
import { checkUpstreams } from './check-upstreams.mjs';
import { matchExpected } from './match-expected.mjs';
import { closeUpstreams, startUpstreams } from './start-upstreams.mjs';

/**
 * One vector, set up: its upstream servers, its config file (upstream URLs filled in, a fresh
 * gateway key in `server.api_keys`), and in http mode a gateway on 127.0.0.1 serving that config
 * from this process. `check` compares what the runner observed and what the upstreams received,
 * then tears everything down; `tearDown` may be called any number of times.
 */
export async function setUpVector(vector, mode, { repositoryRoot, log }) {
  const directory = await mkdtemp(join(tmpdir(), 'liter-llm-conformance-'));
  let upstreams = new Map();
  let host;
  let gateway;
  let tornDown;
  const tearDown = () => {
    tornDown ??= (async () => {
      await gateway?.close().catch((error) => log(`gateway close: ${error.message}`));
      await host?.close().catch((error) => log(`engine close: ${error.message}`));
      await closeUpstreams(upstreams);
      await rm(directory, { recursive: true, force: true });
    })();
    return tornDown;
  };
  try {
    upstreams = await startUpstreams(vector, repositoryRoot);
    const apiKey = `conformance-${randomBytes(12).toString('hex')}`;
    const config = fillPlaceholders(vector.config, upstreams, vector.name);
    config.server = { ...config.server, api_keys: [apiKey] };
    const configPath = join(directory, 'liter-llm.yaml');
    // JSON is YAML: the file is the vector's config as it stands.
    await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`);
    const answer = { ok: true, configPath, call: vector.call };
    if (mode === 'http') {
      host = await startEngineHost(createConfigSource(configPath), { log, telemetry: { metrics: false, logs: false } });
      gateway = await startGateway({ engine: host.engine, config: host.initialConfig.server, host: '127.0.0.1', port: 0, log });
      answer.baseURL = gateway.url;
      answer.apiKey = apiKey;
    }
    return {
      answer,
      async check(observed) {
        try {
          const problems = matchExpected(vector.expect, observed);
          problems.push(...(await checkUpstreams(upstreams)));
          return problems;
        } finally {
          await tearDown();
        }
      },
      tearDown,
    };
  } catch (error) {
    await tearDown();
    throw error;
  }
}

/** Replaces `{{upstream:NAME}}` in every string of the config with that upstream's `http://127.0.0.1:PORT`. */
function fillPlaceholders(value, upstreams, vectorName) {
  if (typeof value === 'string')
    return value.replace(/\{\{upstream:([^}]+)\}\}/g, (_, name) => {
      const upstream = upstreams.get(name);
      if (upstream === undefined)
        throw new Error(`vector ${vectorName}: the config names upstream "${name}", which it does not define`);
      return upstream.server.url;
    });
  if (Array.isArray(value)) return value.map((item) => fillPlaceholders(item, upstreams, vectorName));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillPlaceholders(item, upstreams, vectorName)]));
  return value;
}
