import { describe, expect, it } from 'vitest';
import { parseRedisURL } from './parse-redis-url.js';

describe('parseRedisURL', () => {
  it('reads standalone URLs with user, password, TLS and database', () => {
    expect(parseRedisURL('redis://127.0.0.1:6380/2')).toEqual({
      mode: 'standalone',
      tls: false,
      hosts: [{ host: '127.0.0.1', port: 6380 }],
      db: 2,
    });
    expect(parseRedisURL('rediss://app:p%40ss@redis.internal')).toEqual({
      mode: 'standalone',
      tls: true,
      hosts: [{ host: 'redis.internal', port: 6379 }],
      username: 'app',
      password: 'p@ss',
    });
    expect(parseRedisURL('redis://:only-password@[::1]:7000')).toEqual({
      mode: 'standalone',
      tls: false,
      hosts: [{ host: '::1', port: 7000 }],
      password: 'only-password',
    });
  });

  it('reads Sentinel (hosts, master name, db) and Cluster (seed nodes)', () => {
    expect(parseRedisURL('redis+sentinel://:secret@s1:26379,s2,s3:26380/mymaster/1')).toEqual({
      mode: 'sentinel',
      tls: false,
      hosts: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26380 },
      ],
      password: 'secret',
      masterName: 'mymaster',
      db: 1,
    });
    expect(parseRedisURL('rediss+cluster://n1:7000,n2:7001')).toEqual({
      mode: 'cluster',
      tls: true,
      hosts: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
  });

  it('names what is wrong, without repeating the password', () => {
    expect(parseRedisURL('http://localhost')).toBe('expected a redis://, rediss://, redis+sentinel:// or redis+cluster:// URL');
    expect(parseRedisURL('redis://a:1,b:2')).toBe(
      'a redis:// URL names one host (use redis+sentinel:// or redis+cluster:// for several)',
    );
    expect(parseRedisURL('redis+sentinel://:hunter2@s1:26379')).toBe(
      'a redis+sentinel:// URL needs the master name as its path (/mymaster)',
    );
    expect(parseRedisURL('redis+cluster://:hunter2@n1:7000/3')).toBe(
      'a redis+cluster:// URL has no database path (a cluster has only database 0)',
    );
    expect(parseRedisURL('redis://:hunter2@host:99999')).toBe('port 99999 is out of range');
    expect(parseRedisURL('redis://:hunter2@host/x')).toBe('expected a database number as the path, got "/x"');
    for (const url of ['redis://:hunter2@host:99999', 'redis://:hunter2@host/x', 'redis+sentinel://:hunter2@s1:26379'])
      expect(parseRedisURL(url)).not.toContain('hunter2');
  });
});
