/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT set and the collector hanging or down, a CLI call prints its answer
 * and exits about a second later (the final flush is bounded), saying once on stderr that the spans
 * were not exported.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCLI, useMockProvider } from './cli-process.js';

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
});
