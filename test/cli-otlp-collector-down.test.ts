/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set and the collector hanging or down, a CLI call prints its answer
 * and exits about a second later (the final flush is bounded), saying once on stderr that the spans
 * were not exported.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCLI, runCLI, spawnCLI, useMockProvider, waitForListeningURL } from './cli-process.js';

const mock = useMockProvider(['--provider', 'openai']);
let hanging: Server;
const sockets = new Set<Socket>();
let refusedPort: number;

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  // Accepts every connection and never answers: a collector that hangs.
  hanging = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.resume();
  });
  await listen(hanging);
  // A port that was free a moment ago: nothing listens there, connections are refused.
  const probe = createServer();
  refusedPort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => hanging.close(() => resolve()));
});

describe('an OTLP collector that does not answer', () => {
  it.each([
    ['hangs', () => `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`],
    ['refuses connections', () => `http://127.0.0.1:${refusedPort}`],
  ])('that %s costs the spans and about a second, not the answer', async (_name, endpoint) => {
    for (const protocol of ['http/json', 'http/protobuf']) {
      const result = await runCLI(['chat', '--model', 'openai/gpt-6-luna', 'traced'], {
        env: {
          OPENAI_BASE_URL: `${mock.url}/v1`,
          OTEL_EXPORTER_OTLP_ENDPOINT: endpoint(),
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        },
      });
      expect(result).toMatchObject({ code: 0, stdout: 'Echo: traced\n' });
      expect(result.elapsedMs).toBeLessThan(3_000);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^liter-llm: traces not exported: /);
      expect(lines[0]).toContain(endpoint());
    }
  });

  it('embed is bounded the same way', async () => {
    const result = await runCLI(['embed', '--model', 'openai/text-embedding-3-small', 'one'], {
      env: { OPENAI_BASE_URL: `${mock.url}/v1`, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${refusedPort}` },
    });
    expect(result.code).toBe(0);
    expect(result.elapsedMs).toBeLessThan(3_000);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('serve drains and exits 0 about two seconds after SIGTERM, saying the spans were not exported', async () => {
    const endpoint = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
    const child = spawnCLI(['serve', '--host', '127.0.0.1', '--port', '0'], {
      OPENAI_BASE_URL: `${mock.url}/v1`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    const result = collectCLI(child, 20_000);
    const url = await waitForListeningURL(child, 'serve');
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'traced' }] }),
    });
    expect(response.status).toBe(200);
    const signalledAt = performance.now();
    child.kill('SIGTERM');
    const { code, stderr } = await result;
    // The SDK's own export timeout is 10 s, after which it failed the shutdown (exit 1).
    expect(code).toBe(0);
    expect(performance.now() - signalledAt).toBeLessThan(5_000);
    expect(stderr).toContain(`traces not exported: ${endpoint}/v1/traces did not take them within 2 s`);
  });
});
