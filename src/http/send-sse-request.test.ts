import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalError, isLiterLLMError } from '../spec/errors.js';
import { HTTPTransport } from './http-transport.js';
import { sendSSERequest } from './send-request.js';
import { MAX_SSE_LINE_LENGTH } from './sse-parser.js';

const servers: Server[] = [];
const transports: HTTPTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.destroy()));
  for (const server of servers.splice(0)) server.close();
});

async function serve(handler: (response: ServerResponse) => void): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    handler(response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`;
}

function open(url: string) {
  const transport = new HTTPTransport();
  transports.push(transport);
  return sendSSERequest({
    transport,
    provider: 'test',
    url,
    headers: {},
    body: {},
    mapErrorResponse: (response) => new InternalError({ message: `status ${response.status}` }),
  });
}

describe('sendSSERequest', () => {
  it('pauses the body while the consumer is behind, so the server is held back, and loses no event', async () => {
    const total = 200_000;
    let written = 0;
    let serverBlocked = false;
    const url = await serve((response) => {
      const event = `data: {"n":${'x'.repeat(80)}}\n\n`;
      const pump = () => {
        while (written < total) {
          written += 1;
          if (!response.write(event)) {
            serverBlocked = true;
            response.once('drain', pump);
            return;
          }
        }
        response.end();
      };
      pump();
    });
    const { events } = await open(url);
    const iterator = events[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    // The consumer stalls: the server must be held back long before it has written everything.
    await sleep(300);
    expect(serverBlocked).toBe(true);
    expect(written).toBeLessThan(total / 2);
    let count = 1;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) count += 1;
    expect(count).toBe(total);
  });

  it('delivers a last event that has no blank line after it', async () => {
    const url = await serve((response) => response.end('data: one\n\ndata: two'));
    const { events } = await open(url);
    const seen: string[] = [];
    for await (const event of events) seen.push(event.data);
    expect(seen).toEqual(['one', 'two']);
  });

  it('fails with a typed, retryable error when the connection is cut mid-stream', async () => {
    const url = await serve((response) => {
      response.write('data: one\n\n');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const { events } = await open(url);
    const seen: string[] = [];
    const failure = await (async () => {
      try {
        for await (const event of events) seen.push(event.data);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(seen).toEqual(['one']);
    expect(isLiterLLMError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: true, provider: 'test' });
  });

  it('closes the upstream connection when the consumer stops early', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((response) => {
      response.on('close', closed);
      const timer = setInterval(() => response.write('data: tick\n\n'), 5);
      response.on('close', () => clearInterval(timer));
    });
    const { events } = await open(url);
    for await (const event of events) {
      expect(event.data).toBe('tick');
      break;
    }
    await serverSawClose;
  });
});

describe('sendSSERequest bounds', () => {
  it('reads at most maxResponseBytes of an error body, even one that never ends', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('x'.repeat(16 * 1024)), 1);
      response.on('close', () => clearInterval(timer));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new HTTPTransport({ maxResponseBytes: 64 * 1024 });
    transports.push(transport);
    let seen = 0;
    const failure = await sendSSERequest({
      transport,
      provider: 'test',
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/stream`,
      headers: {},
      body: {},
      mapErrorResponse: (response) => {
        seen = response.text.length;
        return new InternalError({ message: `status ${response.status}` });
      },
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ message: 'status 503' });
    expect(seen).toBe(64 * 1024);
  });

  it('fails a stream whose line never ends once it passes the line limit, and aborts the upstream', async () => {
    let written = 0;
    let closed = false;
    const url = await serve((response) => {
      response.write('data: ');
      const timer = setInterval(() => {
        response.write('x'.repeat(256 * 1024));
        written += 256 * 1024;
      }, 1);
      response.on('close', () => {
        closed = true;
        clearInterval(timer);
      });
    });
    const { events } = await open(url);
    const failure = await (async () => {
      for await (const event of events) void event;
    })().catch((error: unknown) => error);
    expect(isLiterLLMError(failure)).toBe(true);
    expect(failure).toMatchObject({ code: 'provider_unavailable', retryable: false, provider: 'test' });
    expect((failure as Error).message).toContain(`longer than ${MAX_SSE_LINE_LENGTH} characters`);
    for (let tries = 0; !closed && tries < 100; tries++) await sleep(10);
    expect(closed).toBe(true);
    expect(written).toBeLessThan(MAX_SSE_LINE_LENGTH * 4);
  });
});
