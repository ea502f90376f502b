import { readFile } from 'node:fs/promises';
import type * as Etcd3Module from 'etcd3';
import type { Etcd3, IOptions, Watcher } from 'etcd3';
import type { EtcdSourceConfig } from '../engine/config/liter-llm-config.js';
import { InvalidRequestError } from '../spec/errors.js';
import type { ConfigStore, ConfigStoreListener } from './config-store.js';
import { createBackoff } from './create-backoff.js';
import { createReachabilityNotices } from './create-reachability-notices.js';
import { describeErrorBriefly } from './describe-error-briefly.js';

export interface EtcdConfigStoreOptions {
  /** Every unary call's deadline (default 5 s): a black-holed endpoint must not hold the loop. */
  callTimeoutMs?: number;
  /** The back-off between reconnect attempts (defaults: 250 ms doubling to 5 s). */
  retryMinMs?: number;
  retryMaxMs?: number;
}

/**
 * Routes and provider flags from etcd (v3 API; etcd 3.4 is what the tests run), through `etcd3`,
 * which is loaded only here, when a config names etcd: it is a gRPC client that loads .proto
 * files from its package directory, so the engine binary leaves it out (docs/decisions).
 *
 * One loop: read the prefix (a consistent snapshot and its revision), watch from the revision
 * after it, apply puts and deletes to the map and report it. When the watch fails or the
 * connection drops, the loop backs off and reads the whole prefix again, so whatever changed
 * while it was away (a compaction included) is picked up, and never half of it.
 */
export async function createEtcdConfigStore(
  config: EtcdSourceConfig,
  options: EtcdConfigStoreOptions = {},
): Promise<ConfigStore> {
  const { Etcd3: EtcdClient } = await importEtcd3();
  const prefix = config.prefix.endsWith('/') ? config.prefix : `${config.prefix}/`;
  const callTimeoutMs = options.callTimeoutMs ?? 5_000;
  const clientOptions: IOptions = {
    hosts: config.endpoints,
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
  };
  if (config.username !== undefined && config.password !== undefined) {
    clientOptions.auth = { username: config.username, password: config.password };
  }
  if (config.tls?.caFile !== undefined) {
    clientOptions.credentials = {
      rootCertificate: await readPEM(config.tls.caFile, 'ca_file'),
      ...(config.tls.keyFile !== undefined && { privateKey: await readPEM(config.tls.keyFile, 'key_file') }),
      ...(config.tls.certFile !== undefined && { certChain: await readPEM(config.tls.certFile, 'cert_file') }),
    };
  }
  const client: Etcd3 = new EtcdClient(clientOptions);
  const name = `etcd ${config.endpoints.join(',')} ${prefix}`;
  let closed = false;
  let watcher: Watcher | undefined;
  let wake: (() => void) | undefined;

  const run = async (listener: ConfigStoreListener) => {
    const backoff = createBackoff(options.retryMinMs ?? 250, options.retryMaxMs ?? 5_000);
    const reachability = createReachabilityNotices(name, listener);
    while (!closed) {
      try {
        const response = await client.getAll().prefix(prefix).exec();
        if (closed) return;
        const entries = new Map<string, string>();
        for (const kv of response.kvs) entries.set(kv.key.toString().slice(prefix.length), kv.value.toString());
        reachability.answered();
        backoff.reset();
        listener.onEntries(new Map(entries));
        await watchUntilFailure(entries, BigInt(response.header.revision) + 1n, listener);
      } catch (error) {
        if (closed) return;
        reachability.lost(error);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, backoff.next()).unref();
      });
    }
  };

  /** Resolves (or rejects) once the watch ends for any reason; the loop then reads again. */
  const watchUntilFailure = async (entries: Map<string, string>, fromRevision: bigint, listener: ConfigStoreListener) => {
    const created = await client.watch().prefix(prefix).startRevision(fromRevision.toString()).create();
    watcher = created;
    if (closed) return void created.cancel().catch(() => {});
    // A response may carry several events: report the map once they are all applied.
    let scheduled = false;
    const report = () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (!closed) listener.onEntries(new Map(entries));
      });
    };
    await new Promise<void>((resolve, reject) => {
      created.on('put', (kv) => {
        entries.set(kv.key.toString().slice(prefix.length), kv.value.toString());
        report();
      });
      created.on('delete', (kv) => {
        entries.delete(kv.key.toString().slice(prefix.length));
        report();
      });
      // etcd3 would reconnect this watcher on its own; reading the prefix again is simpler to trust.
      created.on('disconnected', (error) => reject(error));
      created.on('error', (error) => reject(error));
      created.on('end', () => resolve());
      wake = resolve;
    }).finally(() => {
      watcher = undefined;
      void created.cancel().catch(() => {});
    });
  };

  return {
    name,
    describeKey: (key) => `${prefix}${key}`,
    start(listener) {
      void run(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      wake?.();
      void watcher?.cancel().catch(() => {});
      client.close();
    },
  };
}

async function importEtcd3(): Promise<typeof Etcd3Module> {
  try {
    return await import('etcd3');
  } catch (error) {
    throw new InvalidRequestError({
      message:
        `config_source.etcd: the etcd client (npm package etcd3) cannot be loaded (${describeErrorBriefly(error)}); ` +
        'the engine binary does not include it: run liter-llm from npm (npx liter-llm serve) to use etcd',
      param: 'config_source.etcd',
    });
  }
}

async function readPEM(path: string, key: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InvalidRequestError({
      message: `config_source.etcd.tls.${key}: cannot read ${path} (${describeErrorBriefly(error)})`,
      param: `config_source.etcd.tls.${key}`,
    });
  }
}
