import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LightAbortController } from '../spec/light-abort-controller.js';
import { HTTPTransport } from './http-transport.js';
import { ResponseTooLargeError } from './response-too-large-error.js';

const servers: Server[] = [];
const transports: HTTPTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.destroy()));
  for (const server of servers.splice(0)) server.close();
});

interface TestServer {
  url: string;
  /** Requests that reached the server, and how many of their sockets closed. */
  received: number;
  closed: number;
}

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<TestServer> {
  const state: TestServer = { url: '', received: 0, closed: 0 };
  const server = createServer((request, response) => {
    state.received++;
    request.socket.on('close', () => state.closed++);
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/x`;
  return state;
}

function transport(options: ConstructorParameters<typeof HTTPTransport>[0] = {}): HTTPTransport {
  const created = new HTTPTransport(options);
  transports.push(created);
  return created;
}

describe('HTTPTransport.requestText', () => {
  it('collects a body sent in several chunks, with the status and the headers (repeated ones joined)', async () => {
    const server = await serve((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'X-Request-Id': 'req_1' });
        response.write('{"echo":');
        setTimeout(() => response.end(`${JSON.stringify(body)},"multi":"é✓"}`), 10);
      });
    });
    const seen: number[] = [];
    const response = await transport({ onResponse: (status) => seen.push(status) }).requestText({
      url: server.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"q":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe('req_1');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(JSON.parse(response.text)).toEqual({ echo: '{"q":1}', multi: 'é✓' });
    expect(seen).toEqual([200]);
  });

  it('rejects with the reason of a signal aborted while waiting for the answer, and closes the connection', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const controller = new LightAbortController();
    const pending = transport().requestText({ url: server.url, method: 'GET', headers: {}, signal: controller.signal });
    await expect.poll(() => server.received).toBe(1);
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => server.closed).toBe(1);
  });

  it('never sends a request whose signal is already aborted, or aborted while it waits for a connection', async () => {
    let release!: () => void;
    const server = await serve((_request, response) => {
      release = () => response.end('first');
    });
    const client = transport({ connections: 1 });
    const aborted = new LightAbortController();
    aborted.abort(new Error('before'));
    await expect(client.requestText({ url: server.url, method: 'GET', headers: {}, signal: aborted.signal })).rejects.toThrow(
      'before',
    );

    const first = client.requestText({ url: server.url, method: 'GET', headers: {} });
    await expect.poll(() => server.received).toBe(1);
    const queued = new LightAbortController();
    const second = client.requestText({ url: server.url, method: 'GET', headers: {}, signal: queued.signal });
    queued.abort(new Error('gave up in the queue'));
    await expect(second).rejects.toThrow('gave up in the queue');
    release();
    expect((await first).text).toBe('first');
    await sleep(50);
    expect(server.received).toBe(1);
  });

  it('gives an error status whose body was cut with what arrived, so the status still says what went wrong', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(429, { 'retry-after': '3', 'content-length': '100' });
      response.write('{"error":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const response = await transport().requestText({ url: server.url, method: 'GET', headers: {} });
    expect(response).toMatchObject({ status: 429, text: '{"error":' });
    expect(response.headers['retry-after']).toBe('3');
  });

  it('rejects a success whose body was cut', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('{"partial":');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    await expect(transport().requestText({ url: server.url, method: 'GET', headers: {} })).rejects.toMatchObject({
      code: 'UND_ERR_SOCKET',
    });
  });
});

describe('HTTPTransport.requestText with maxResponseBytes', () => {
  const LIMIT = 64 * 1024;
  const request = (url: string) => ({ url, method: 'POST' as const, headers: {}, body: '{}' });

  it('stops reading an undeclared body once it passes the limit, aborts the upstream and says which limit', async () => {
    let written = 0;
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      // Keeps writing (chunked, no content-length) until the client goes away.
      const timer = setInterval(() => {
        if (response.destroyed) return clearInterval(timer);
        response.write(Buffer.alloc(16 * 1024, ' '));
        written += 16 * 1024;
      }, 1);
      response.on('close', () => clearInterval(timer));
    });
    const error = await transport({ maxResponseBytes: LIMIT })
      .requestText(request(server.url))
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(error).toMatchObject({ limit: LIMIT });
    await waitFor(() => server.closed === 1);
    expect(written).toBeLessThan(LIMIT * 16);
  });

  it('refuses a declared content-length over the limit before reading the body', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT + 1) });
      response.write('{');
    });
    const error = await transport({ maxResponseBytes: LIMIT })
      .requestText(request(server.url))
      .catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ limit: LIMIT, declared: LIMIT + 1 });
  });

  it('collects a large body of declared length, sent in pieces with characters split across them', async () => {
    const text = `"${'é✓x'.repeat(400_000)}"`;
    const bytes = Buffer.from(text);
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      let offset = 0;
      const pump = () => {
        if (offset >= bytes.length) return void response.end();
        response.write(bytes.subarray(offset, offset + 65_537));
        offset += 65_537;
        setImmediate(pump);
      };
      pump();
    });
    expect((await transport().requestText(request(server.url))).text).toBe(text);
  });

  it('delivers a body of exactly the limit, and cuts an oversized error body instead of failing on it', async () => {
    const exact = await serve((_request, response) => response.end(`"${'x'.repeat(LIMIT - 2)}"`));
    expect((await transport({ maxResponseBytes: LIMIT }).requestText(request(exact.url))).text).toHaveLength(LIMIT);
    const failing = await serve((_request, response) => {
      response.writeHead(503, { 'retry-after': '2' });
      response.end('e'.repeat(LIMIT * 4));
    });
    const answer = await transport({ maxResponseBytes: LIMIT }).requestText(request(failing.url));
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.text.length).toBeLessThanOrEqual(LIMIT);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries > 200) throw new Error('timed out waiting');
    await sleep(10);
  }
}
