import type { ConsulSourceConfig } from '../engine/config/liter-llm-config.js';
import { Pool, sendUndiciRequest } from '../http/undici-parts.js';
import type { ConfigStore, ConfigStoreListener } from './config-store.js';
import { createBackoff } from './create-backoff.js';
import { createReachabilityNotices } from './create-reachability-notices.js';
import { nextConsulIndex } from './next-consul-index.js';

export interface ConsulConfigStoreOptions {
  /** The blocking query's `wait` (default 60 s; Consul caps it at 10 minutes). */
  waitSeconds?: number;
  /** The back-off between failed requests (defaults: 250 ms doubling to 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** The shortest time between two answers that changed nothing (default 1 s), as Consul asks. */
  minIntervalMs?: number;
}

interface ConsulKVEntry {
  Key: string;
  Value: string | null;
}

/**
 * Routes and provider flags from Consul KV, through its HTTP API: one recursive read of the prefix
 * (`GET /v1/kv/<prefix>?recurse`), then blocking queries from the X-Consul-Index it answered
 * (`&index=N&wait=60s`), each of which returns when something under the prefix changed or the wait
 * ran out. 404 is an empty prefix. The index rules are Consul's (nextConsulIndex). The ACL token
 * goes in the X-Consul-Token header, never in a URL or a log line.
 * https://developer.hashicorp.com/consul/api-docs/features/blocking,
 * https://developer.hashicorp.com/consul/api-docs/kv
 */
export async function createConsulConfigStore(
  config: ConsulSourceConfig,
  options: ConsulConfigStoreOptions = {},
): Promise<ConfigStore> {
  const prefix = config.prefix === '' || config.prefix.endsWith('/') ? config.prefix : `${config.prefix}/`;
  const waitSeconds = options.waitSeconds ?? 60;
  const name = `consul ${config.address} ${prefix}`;
  const headers: Record<string, string> = config.token === undefined ? {} : { 'x-consul-token': config.token };
  const controller = new AbortController();
  const address = new URL(config.address);
  // One connection is all a watch needs (undici's Pool, not its index: see src/http/undici-parts.ts).
  const pool = new Pool(address.origin, { connections: 1 });
  const basePath = address.pathname.replace(/\/+$/, '');
  let closed = false;

  const read = async (index: number) => {
    const path = `${basePath}/v1/kv/${prefix.split('/').map(encodeURIComponent).join('/')}?recurse=true${
      index > 0 ? `&index=${index}&wait=${waitSeconds}s` : ''
    }`;
    // Consul adds up to wait/16 to the wait; past that (and a margin) the answer is not coming.
    const timeoutMs = Math.ceil((waitSeconds * 1_000 * 17) / 16) + 5_000;
    const response = await sendUndiciRequest(pool, {
      method: 'GET',
      path,
      headers,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    const answered = Number(response.headers['x-consul-index']);
    if (response.statusCode === 404) return { entries: new Map<string, string>(), index: answered };
    if (response.statusCode !== 200) {
      const reason = response.statusCode === 403 ? 'the ACL token was refused' : text.trim().slice(0, 200);
      throw new Error(`HTTP ${response.statusCode}${reason === '' ? '' : `: ${reason}`}`);
    }
    const entries = new Map<string, string>();
    for (const entry of JSON.parse(text) as ConsulKVEntry[]) {
      // Folders (`liter-llm/routes/`) have no value.
      if (entry.Key.endsWith('/') || entry.Value === null) continue;
      entries.set(entry.Key.slice(prefix.length), Buffer.from(entry.Value, 'base64').toString('utf8'));
    }
    return { entries, index: answered };
  };

  const run = async (listener: ConfigStoreListener) => {
    const backoff = createBackoff(options.retryMinMs ?? 250, options.retryMaxMs ?? 5_000);
    const minIntervalMs = options.minIntervalMs ?? 1_000;
    let index = 0;
    const reachability = createReachabilityNotices(name, listener);
    let last: Map<string, string> | undefined;
    while (!closed) {
      const started = Date.now();
      let waitMs = 0;
      try {
        const answer = await read(index);
        if (closed) return;
        reachability.answered();
        backoff.reset();
        const previous = index;
        index = nextConsulIndex(previous, answer.index);
        if (last === undefined || !sameEntries(last, answer.entries)) {
          last = answer.entries;
          listener.onEntries(new Map(answer.entries));
        } else if (index === previous && Date.now() - started < minIntervalMs) {
          // Nothing changed and the query did not block: do not spin on the agent.
          waitMs = minIntervalMs;
        }
      } catch (error) {
        if (closed) return;
        reachability.lost(error);
        // A new agent (or a restored snapshot) has its own indexes: read everything again.
        index = 0;
        waitMs = backoff.next();
      }
      if (waitMs > 0) await sleep(waitMs, controller.signal);
    }
  };

  return {
    name,
    describeKey: (key) => `${prefix}${key}`,
    start: (listener) => void run(listener),
    close: () => {
      closed = true;
      controller.abort();
      void pool.destroy().catch(() => {});
    },
  };
}

function sameEntries(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
