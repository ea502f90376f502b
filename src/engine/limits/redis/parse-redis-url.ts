/** Where the shared limits live, read from `limits.redis_url`. */
export interface RedisEndpoint {
  mode: 'standalone' | 'sentinel' | 'cluster';
  tls: boolean;
  /** One host for standalone; the sentinels or the cluster seed nodes otherwise. */
  hosts: { host: string; port: number }[];
  username?: string;
  password?: string;
  /** Database number (standalone and sentinel; a cluster has only 0). */
  db?: number;
  /** Sentinel: the master group name. */
  masterName?: string;
}

const DEFAULT_PORTS = { standalone: 6379, sentinel: 26379, cluster: 6379 } as const;

/**
 * Reads a Redis URL. Besides redis:// and rediss:// (what ioredis reads), Sentinel and Cluster take a
 * comma-separated host list, which WHATWG URL cannot parse, hence this small reader. Returns the
 * problem as a string (never echoing the password) when the URL is not one of those forms:
 * redis://[user:password@]host[:port][/db], rediss://… (TLS),
 * redis+sentinel://[user:password@]host:port[,host:port…]/master-name[/db],
 * redis+cluster://[user:password@]host:port[,host:port…] (rediss+… for TLS).
 */
export function parseRedisURL(url: string): RedisEndpoint | string {
  const match = /^(rediss?)(?:\+(sentinel|cluster))?:\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?$/.exec(url);
  if (match === null) return 'expected a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL';
  const [, scheme, kind, userInfo, hostList, path] = match;
  const mode = kind === 'sentinel' ? 'sentinel' : kind === 'cluster' ? 'cluster' : 'standalone';
  const endpoint: RedisEndpoint = { mode, tls: scheme === 'rediss', hosts: [] };
  if (userInfo !== undefined && userInfo !== '') {
    const colon = userInfo.indexOf(':');
    const username = decode(colon === -1 ? userInfo : userInfo.slice(0, colon));
    const password = colon === -1 ? undefined : decode(userInfo.slice(colon + 1));
    if (username === undefined || (colon !== -1 && password === undefined))
      return 'the user or password is not valid percent-encoding';
    if (username !== '') endpoint.username = username;
    if (password !== undefined && password !== '') endpoint.password = password;
  }
  for (const entry of (hostList ?? '').split(',')) {
    const hostMatch = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(entry);
    if (hostMatch === null) return `"${entry}" is not a host[:port]`;
    const port = hostMatch[2] === undefined ? DEFAULT_PORTS[mode] : Number(hostMatch[2]);
    if (port < 1 || port > 65535) return `port ${port} is out of range`;
    endpoint.hosts.push({ host: hostMatch[1]!.replace(/^\[|\]$/g, ''), port });
  }
  if (mode === 'standalone' && endpoint.hosts.length > 1)
    return 'a redis:// URL names one host (use redis+sentinel:// or redis+cluster:// for several)';
  const segments = (path ?? '').split('/').filter((segment) => segment !== '');
  if (mode === 'sentinel') {
    const masterName = segments.shift();
    if (masterName === undefined) return 'a redis+sentinel:// URL needs the master name as its path (/mymaster)';
    endpoint.masterName = decode(masterName) ?? masterName;
  }
  if (segments.length > 0) {
    if (mode === 'cluster') return 'a redis+cluster:// URL has no database path (a cluster has only database 0)';
    const db = segments.length === 1 && /^\d+$/.test(segments[0]!) ? Number(segments[0]) : undefined;
    if (db === undefined) return `expected a database number as the path, got "/${segments.join('/')}"`;
    endpoint.db = db;
  }
  return endpoint;
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
