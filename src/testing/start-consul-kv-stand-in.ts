import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A STAND-IN for a Consul agent's KV HTTP API, for tests: no real Consul could be built here (the
 * README's "Routes and flags from etcd or Consul" says why). It replays the documented behaviour
 * the client relies on, and nothing more:
 * - https://developer.hashicorp.com/consul/api-docs/kv — `GET /v1/kv/<key>?recurse` lists the
 *   entries under a prefix as `[{ Key, Value (base64), CreateIndex, ModifyIndex, ... }]`, 404 when
 *   there are none; `PUT /v1/kv/<key>` with the raw value as body; `DELETE /v1/kv/<key>`; every
 *   answer carries `X-Consul-Index`.
 * - https://developer.hashicorp.com/consul/api-docs/features/blocking — with `index=N` the request
 *   waits until the result's index is greater than N, or until `wait` (default 5 minutes, at most
 *   10) has passed, and then answers with the current state either way.
 * - https://developer.hashicorp.com/consul/api-docs/api-structure#authentication — the ACL token
 *   in `X-Consul-Token`; a wrong one is 403 "Permission denied".
 * The index of a recursive read is the highest ModifyIndex under the prefix, or the index of the
 * last delete under it (Consul keeps tombstones so a delete raises it), else the store's index.
 */
export interface ConsulKVStandIn {
  /** `http://127.0.0.1:<port>`. */
  readonly address: string;
  put(key: string, value: string): void;
  delete(key: string): void;
  /** Simulates a restored snapshot or a new cluster: every index restarts low (clients must reset). */
  resetIndexes(): void;
  /** The requests seen: path with query, and the token header. */
  readonly requests: { url: string; token: string | undefined }[];
  close(): Promise<void>;
}

interface Entry {
  value: string;
  createIndex: number;
  modifyIndex: number;
}

export async function startConsulKVStandIn(options: { token?: string } = {}): Promise<ConsulKVStandIn> {
  const entries = new Map<string, Entry>();
  const deletes = new Map<string, number>();
  let index = 1;
  const waiters = new Set<() => void>();
  const requests: { url: string; token: string | undefined }[] = [];
  const changed = () => {
    for (const wake of [...waiters]) wake();
  };
  const indexOf = (prefix: string) => {
    let highest = 0;
    for (const [key, entry] of entries) if (key.startsWith(prefix)) highest = Math.max(highest, entry.modifyIndex);
    for (const [key, at] of deletes) if (key.startsWith(prefix)) highest = Math.max(highest, at);
    return highest === 0 ? index : highest;
  };
  const put = (key: string, value: string) => {
    index += 1;
    const existing = entries.get(key);
    entries.set(key, { value, createIndex: existing?.createIndex ?? index, modifyIndex: index });
    deletes.delete(key);
    changed();
  };
  const remove = (key: string) => {
    if (!entries.delete(key)) return;
    index += 1;
    deletes.set(key, index);
    changed();
  };

  const answerRead = async (request: IncomingMessage, response: ServerResponse, key: string, query: URLSearchParams) => {
    const recurse = query.has('recurse');
    const matches = () =>
      [...entries].filter(([name]) => (recurse ? name.startsWith(key) : name === key)).sort(([a], [b]) => (a < b ? -1 : 1));
    const wanted = Number(query.get('index') ?? '0');
    if (wanted > 0 && indexOf(key) <= wanted) {
      const waitMs = Math.min(parseWait(query.get('wait')), 600_000);
      await new Promise<void>((resolve) => {
        const wake = () => {
          if (indexOf(key) > wanted) done();
        };
        const done = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(done, waitMs);
        waiters.add(wake);
        request.once('close', done);
      });
    }
    if (response.destroyed) return;
    const found = matches();
    response.setHeader('x-consul-index', String(indexOf(key)));
    response.setHeader('x-consul-knownleader', 'true');
    if (found.length === 0) {
      response.writeHead(404).end();
      return;
    }
    const body = found.map(([name, entry]) => ({
      Key: name,
      Value: Buffer.from(entry.value).toString('base64'),
      Flags: 0,
      CreateIndex: entry.createIndex,
      ModifyIndex: entry.modifyIndex,
      LockIndex: 0,
    }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const token = request.headers['x-consul-token'];
    requests.push({ url: `${url.pathname}${url.search}`, token: typeof token === 'string' ? token : undefined });
    if (options.token !== undefined && token !== options.token) {
      response.writeHead(403).end('Permission denied');
      return;
    }
    if (!url.pathname.startsWith('/v1/kv/')) {
      response.writeHead(404).end();
      return;
    }
    const key = decodeURIComponent(url.pathname.slice('/v1/kv/'.length));
    if (request.method === 'GET') return void answerRead(request, response, key, url.searchParams);
    if (request.method === 'PUT') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        put(key, Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('true');
      });
      return;
    }
    if (request.method === 'DELETE') {
      remove(key);
      response.writeHead(200, { 'content-type': 'application/json' }).end('true');
      return;
    }
    response.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    put,
    delete: remove,
    resetIndexes() {
      index = 1;
      for (const entry of entries.values()) entry.createIndex = entry.modifyIndex = 1;
      deletes.clear();
      changed();
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const wake of [...waiters]) wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Consul's `wait`: `10s`, `5m`, `100ms`; default 5 minutes. */
function parseWait(text: string | null): number {
  if (text === null) return 300_000;
  const match = /^(\d+)(ms|s|m)?$/.exec(text);
  if (match === null) return 300_000;
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount : match[2] === 'm' ? amount * 60_000 : amount * 1_000;
}
