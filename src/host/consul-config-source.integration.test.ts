/**
 * config_source.consul against the Consul KV STAND-IN (src/testing/start-consul-kv-stand-in.ts: no
 * real Consul could be built here), through the engine host on a config file that names it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { startConfigFileHost, writeTwoProviderConfig } from '../testing/start-config-file-host.js';
import { waitUntil } from '../testing/wait-until.js';
import { startConsulKVStandIn, type ConsulKVStandIn } from '../testing/start-consul-kv-stand-in.js';
import { createConsulConfigStore } from './create-consul-config-store.js';
import type { EngineHost } from './start-engine-host.js';

const USER = [{ role: 'user' as const, content: 'hi' }];
const TOKEN = 'consul-acl-token-1234';

let upstreamA: MockProviderServer;
let upstreamB: MockProviderServer;
const cleanups: (() => Promise<void> | void)[] = [];
beforeAll(async () => {
  upstreamA = await MockProviderServer.start({ handler: echoOpenAIHandler });
  upstreamB = await MockProviderServer.start({ handler: echoOpenAIHandler });
});
afterAll(async () => {
  await upstreamA.close();
  await upstreamB.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStandIn(): Promise<ConsulKVStandIn> {
  const consul = await startConsulKVStandIn({ token: TOKEN });
  cleanups.push(() => consul.close());
  return consul;
}

async function startHost(consul: ConsulKVStandIn, token = TOKEN): Promise<{ host: EngineHost; lines: string[] }> {
  const file = writeTwoProviderConfig(
    { a: upstreamA.url, b: upstreamB.url },
    `consul: { address: "${consul.address}", prefix: gw/, token: "${token}" }`,
  );
  cleanups.push(file.remove);
  const started = await startConfigFileHost(file.path);
  cleanups.push(() => started.host.close());
  return started;
}

const routeTo = (provider: string) => JSON.stringify({ targets: [{ provider, model: 'm' }] });
const providerOfChat = (host: EngineHost) => host.engine.config.routes.chat!.targets[0]!.provider;

describe('config_source.consul (against the Consul KV stand-in)', () => {
  it('loads the prefix at start, watches with blocking queries, and returns to the file on delete', async () => {
    const consul = await startStandIn();
    consul.put('gw/routes/chat', routeTo('b'));
    consul.put('gw/routes/', '');
    const { host, lines } = await startHost(consul);
    expect(providerOfChat(host)).toBe('b');
    const changedAt = Date.now();
    consul.put('gw/providers/a', JSON.stringify({ enabled: false }));
    consul.delete('gw/routes/chat');
    await waitUntil(
      () => host.engine.config.providers.a?.enabled === false && providerOfChat(host) === 'a',
      1_000,
      'the watched changes',
    );
    expect(Date.now() - changedAt).toBeLessThan(1_000);
    // The file's route again, its target disabled: the fallback serves.
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
    consul.delete('gw/providers/a');
    await waitUntil(() => host.engine.config.providers.a?.enabled === true, 1_000, 'the file again');
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
    // Blocking queries, each from the index the previous answer gave; the token only in its header.
    const blocking = consul.requests.filter((request) => /[?&]index=[1-9]\d*&wait=60s/.test(request.url));
    expect(blocking.length).toBeGreaterThanOrEqual(3);
    expect(consul.requests.every((request) => request.token === TOKEN && !request.url.includes(TOKEN))).toBe(true);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('refuses an invalid value with one line naming the key and keeps the last good route', async () => {
    const consul = await startStandIn();
    const { host, lines } = await startHost(consul);
    consul.put('gw/routes/chat', routeTo('b'));
    await waitUntil(() => providerOfChat(host) === 'b', 1_000, 'the good route');
    consul.put('gw/routes/chat', '{"targets": [], "strategy": "fastest"}');
    await waitUntil(() => lines.some((line) => line.includes('refused')), 1_000, 'the refusal');
    consul.put('gw/routes/extra', routeTo('a'));
    await waitUntil(() => host.engine.config.routes.extra !== undefined, 1_000, 'a later good key');
    const refusals = lines.filter((line) => line.includes('refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain(
      'gw/routes/chat refused, keeping its last good value: routes.chat.targets: expected at least one target',
    );
    expect(providerOfChat(host)).toBe('b');
  });

  it('starts from the file with a refused token, saying so without the token', async () => {
    const consul = await startStandIn();
    consul.put('gw/routes/chat', routeTo('b'));
    const { host, lines } = await startHost(consul, 'wrong-token-5678');
    expect(providerOfChat(host)).toBe('a');
    expect(lines.join('\n')).toMatch(
      /consul http:\/\/127\.0\.0\.1:\d+ gw\/ is unreachable \(HTTP 403: the ACL token was refused\): the routes and flags in force stay; retrying \(starting from the file's routes and flags\)/,
    );
    expect(lines.join('\n')).not.toContain('wrong-token-5678');
  });
});

describe('createConsulConfigStore', () => {
  it('reads everything again when the index goes backwards, and treats 404 as an empty prefix', async () => {
    const consul = await startConsulKVStandIn();
    cleanups.push(() => consul.close());
    const store = await createConsulConfigStore({ address: consul.address, prefix: 'gw' }, { waitSeconds: 1 });
    cleanups.push(() => store.close());
    const seen: ReadonlyMap<string, string>[] = [];
    store.start({ onEntries: (entries) => seen.push(entries), onNotice: () => {} });
    await waitUntil(() => seen.length === 1, 1_000, 'the first (404) answer');
    expect([...seen[0]!]).toEqual([]);
    for (let i = 0; i < 5; i++) consul.put(`gw/routes/r${i}`, '{}');
    await waitUntil(() => seen.at(-1)?.size === 5, 1_000, 'the puts');
    const before = consul.requests.length;
    consul.resetIndexes();
    consul.put('gw/routes/after-reset', '{}');
    await waitUntil(() => seen.at(-1)?.has('routes/after-reset') === true, 3_000, 'the key written after the reset');
    // The answer whose index went backwards brings the keys; the next query starts again from 0.
    await waitUntil(
      () => consul.requests.slice(before).some((request) => !request.url.includes('index=')),
      2_000,
      'a fresh read without an index',
    );
  });
});
