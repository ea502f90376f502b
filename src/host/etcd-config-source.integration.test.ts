import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
/**
 * config_source.etcd against a real etcd (3.4, Debian's etcd-server) started on free loopback
 * ports: the engine host on a config file that names it, two local OpenAI-compatible upstreams.
 */
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../gateway/create-gateway-handler.js';
import { injectRequest } from '../gateway/inject-request.js';
import { ProviderUnavailableError } from '../spec/errors.js';
import { createTestCertificates } from '../testing/create-test-certificates.js';
import { echoOpenAIHandler } from '../testing/echo-openai-handler.js';
import { failureOf } from '../testing/failure-of.js';
import { findFreePort } from '../testing/find-free-port.js';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { startConfigFileHost, writeTwoProviderConfig } from '../testing/start-config-file-host.js';
import { waitUntil } from '../testing/wait-until.js';
import { ETCD_MISSING, requireEtcd, startEtcd, type EtcdHandle } from '../testing/start-etcd.js';
import type { EngineHost } from './start-engine-host.js';

const binary = requireEtcd();
if (binary === undefined) console.warn(`skipping the etcd tests: ${ETCD_MISSING}`);

const USER = [{ role: 'user' as const, content: 'hi' }];
const PREFIX = '/liter-llm-test/';

let etcd: EtcdHandle;
let client: Etcd3;
let upstreamA: MockProviderServer;
let upstreamB: MockProviderServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (binary === undefined) return;
  etcd = await startEtcd({ binary });
  client = new Etcd3({ hosts: etcd.endpoint });
  upstreamA = await MockProviderServer.start({ handler: echoOpenAIHandler });
  upstreamB = await MockProviderServer.start({ handler: echoOpenAIHandler });
}, 30_000);
afterAll(async () => {
  client?.close();
  await etcd?.close();
  await upstreamA?.close();
  await upstreamB?.close();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  if (binary !== undefined) await client.delete().prefix(PREFIX).exec();
});

function configFile(endpoint: string): string {
  const file = writeTwoProviderConfig(
    { a: upstreamA.url, b: upstreamB.url },
    `etcd: { endpoints: [ "${endpoint}" ], prefix: ${PREFIX} }`,
  );
  cleanups.push(file.remove);
  return file.path;
}

async function startHost(endpoint = etcd.endpoint): Promise<{ host: EngineHost; lines: string[] }> {
  const started = await startConfigFileHost(configFile(endpoint));
  cleanups.push(() => started.host.close());
  return started;
}

const put = (key: string, value: unknown) => client.put(`${PREFIX}${key}`).value(JSON.stringify(value)).exec();
const routeTo = (provider: string) => ({ targets: [{ provider, model: 'm' }] });

describe.skipIf(binary === undefined)('config_source.etcd (real etcd)', () => {
  it('flips a route from provider A to provider B under load within a second, no call failing', async () => {
    const { host } = await startHost();
    const served: { startedAt: number; provider: string }[] = [];
    const failures: unknown[] = [];
    let running = true;
    const worker = async () => {
      while (running) {
        const startedAt = Date.now();
        try {
          served.push({ startedAt, provider: (await host.engine.chat({ model: 'chat', messages: USER })).provider });
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const putAt = Date.now();
    await put('routes/chat', routeTo('b'));
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    running = false;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(served.filter((call) => call.startedAt < putAt).every((call) => call.provider === 'a')).toBe(true);
    const late = served.filter((call) => call.startedAt > putAt + 1_000);
    expect(late.length).toBeGreaterThan(10);
    expect(late.filter((call) => call.provider !== 'b')).toEqual([]);
    const firstB = served.find((call) => call.provider === 'b')!;
    expect(firstB.startedAt - putAt).toBeLessThan(1_000);
  }, 20_000);

  it('moves a disabled provider’s traffic to the fallbacks, fails direct calls, and restores it on delete', async () => {
    const { host } = await startHost();
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
    await put('providers/a', { enabled: false });
    await waitUntil(() => host.engine.config.providers.a?.enabled === false, 1_000, 'the flag');
    for (let i = 0; i < 3; i++) expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
    const direct = await failureOf(host.engine.chat({ model: 'a/m', messages: USER }));
    expect(direct).toBeInstanceOf(ProviderUnavailableError);
    await client.delete().key(`${PREFIX}providers/a`).exec();
    await waitUntil(() => host.engine.config.providers.a?.enabled === true, 1_000, 'the file value again');
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
  }, 20_000);

  it('refuses an invalid route with one line naming the key, keeps the last good one, lists store routes', async () => {
    const { host, lines } = await startHost();
    await put('routes/chat', routeTo('b'));
    await put('routes/extra', routeTo('a'));
    await waitUntil(() => host.engine.config.routes.extra !== undefined, 1_000, 'the new route');
    expect(host.engine.listModels().map((model) => model.id)).toEqual(['chat', 'extra']);
    await put('routes/chat', { targets: [{ provider: 'nope', model: 'm' }] });
    await waitUntil(() => lines.some((line) => line.includes('refused')), 1_000, 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refusals = lines.filter((line) => line.includes('refused'));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(
      /^config .* \+ etcd http:\/\/127\.0\.0\.1:\d+ \/liter-llm-test\/: \/liter-llm-test\/routes\/chat refused, keeping its last good value: routes\.chat\.targets\[0\]\.provider: unknown provider "nope"/,
    );
    expect(host.engine.config.routes.chat!.targets[0]!.provider).toBe('b');
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
  }, 20_000);

  it('keeps serving while etcd is stopped and picks up what changed once it is back', async () => {
    const { host, lines } = await startHost();
    await put('routes/chat', routeTo('b'));
    await waitUntil(() => host.engine.config.routes.chat!.targets[0]!.provider === 'b', 1_000, 'the first route');
    await etcd.stop();
    await waitUntil(() => lines.some((line) => line.includes('is unreachable')), 10_000, 'the lost-connection line');
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('b');
    await etcd.restart();
    // Written before the gateway's watch is back: only a fresh read of the prefix can see it.
    await put('routes/chat', routeTo('a'));
    await put('providers/b', { max_concurrency: 3 });
    await waitUntil(() => host.engine.config.providers.b?.maxConcurrency === 3, 15_000, 'the change made while away');
    expect(host.engine.config.routes.chat!.targets[0]!.provider).toBe('a');
    expect(lines.some((line) => line.includes('answers again'))).toBe(true);
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
  }, 40_000);

  it('starts from the file when etcd is unreachable, and overlays its keys once it answers', async () => {
    const port = await findFreePort();
    const started = Date.now();
    const { host, lines } = await startHost(`http://127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(
      lines.some((line) =>
        /^warning: config_source: etcd http:\/\/127\.0\.0\.1:\d+ \/liter-llm-test\/ (is unreachable \(.*\): the routes and flags in force stay; retrying \(starting from the file's routes and flags\)|did not answer within 2000 ms: starting from the file's routes and flags)/.test(
          line,
        ),
      ),
    ).toBe(true);
    expect((await host.engine.chat({ model: 'chat', messages: USER })).provider).toBe('a');
    const gateway = createGatewayHandler(host.engine);
    expect((await injectRequest(gateway, '/readyz')).status).toBe(200);
    const late = await startEtcd({ binary: binary!, clientPort: port });
    cleanups.push(() => late.close());
    const lateClient = new Etcd3({ hosts: late.endpoint });
    cleanups.push(() => lateClient.close());
    await lateClient
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('b')))
      .exec();
    await lateClient
      .put(`${PREFIX}routes/added`)
      .value(JSON.stringify(routeTo('a')))
      .exec();
    await waitUntil(() => host.engine.config.routes.added !== undefined, 15_000, 'the overlay');
    expect(host.engine.config.routes.chat!.targets[0]!.provider).toBe('b');
    // The gateway lists the routes in force, the store's included.
    const models = (await injectRequest(gateway, '/v1/models')).json<{ data: { id: string }[] }>();
    expect(models.data.map((model) => model.id)).toEqual(['chat', 'added']);
  }, 40_000);
});

describe.skipIf(binary === undefined)('config_source.etcd with etcd authentication', () => {
  it('reads and watches as the configured user; a wrong password is one line without the password', async () => {
    const secured = await startEtcd({ binary: binary! });
    cleanups.push(() => secured.close());
    const admin = new Etcd3({ hosts: secured.endpoint });
    await admin.role('root').create();
    await admin.user('root').create('root-password-1');
    await admin.user('root').addRole('root');
    await admin.auth.authEnable({});
    admin.close();
    const authed = new Etcd3({ hosts: secured.endpoint, auth: { username: 'root', password: 'root-password-1' } });
    cleanups.push(() => authed.close());
    await authed
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('b')))
      .exec();

    const withPassword = (password: string) =>
      `etcd: { endpoints: [ "${secured.endpoint}" ], prefix: ${PREFIX}, username: root, password: "${password}" }`;
    const good = writeTwoProviderConfig({ a: upstreamA.url, b: upstreamB.url }, withPassword('root-password-1'));
    cleanups.push(good.remove);
    const { host } = await startConfigFileHost(good.path);
    cleanups.push(() => host.close());
    expect(host.engine.config.routes.chat!.targets[0]!.provider).toBe('b');
    await authed
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('a')))
      .exec();
    await waitUntil(() => host.engine.config.routes.chat!.targets[0]!.provider === 'a', 1_000, 'the watched change');

    // The store says b; a host that cannot authenticate serves the file's a.
    await authed
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('b')))
      .exec();
    const bad = writeTwoProviderConfig({ a: upstreamA.url, b: upstreamB.url }, withPassword('wrong-password-2'));
    cleanups.push(bad.remove);
    const refused = await startConfigFileHost(bad.path);
    cleanups.push(() => refused.host.close());
    expect(refused.host.engine.config.routes.chat!.targets[0]!.provider).toBe('a');
    expect(refused.lines.join('\n')).toMatch(
      /is unreachable \(.*authentication failed.*\): .*\(starting from the file's routes and flags\)/,
    );
    expect(refused.lines.join('\n')).not.toContain('wrong-password-2');
  }, 40_000);
});

describe.skipIf(binary === undefined)('config_source.etcd over TLS', () => {
  it('reads and watches over https with the configured CA and client certificate', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-etcd-tls-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const certificates = createTestCertificates(directory);
    const secured = await startEtcd({ binary: binary!, tls: certificates });
    cleanups.push(() => secured.close());
    const credentials = {
      rootCertificate: readFileSync(certificates.caFile),
      certChain: readFileSync(certificates.certFile),
      privateKey: readFileSync(certificates.keyFile),
    };
    const admin = new Etcd3({ hosts: secured.endpoint, credentials });
    cleanups.push(() => admin.close());
    await admin
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('b')))
      .exec();
    const file = writeTwoProviderConfig(
      { a: upstreamA.url, b: upstreamB.url },
      `etcd: { endpoints: [ "${secured.endpoint}" ], prefix: ${PREFIX}, tls: { ca_file: "${certificates.caFile}", cert_file: "${certificates.certFile}", key_file: "${certificates.keyFile}" } }`,
    );
    cleanups.push(file.remove);
    const { host } = await startConfigFileHost(file.path);
    cleanups.push(() => host.close());
    expect(host.engine.config.routes.chat!.targets[0]!.provider).toBe('b');
    await admin
      .put(`${PREFIX}routes/chat`)
      .value(JSON.stringify(routeTo('a')))
      .exec();
    await waitUntil(() => host.engine.config.routes.chat!.targets[0]!.provider === 'a', 1_000, 'the watched change');
  }, 40_000);
});
