/**
 * Connection hygiene over real sockets: slow clients are cut by the header and request timeouts,
 * connections beyond server.max_connections are refused, an oversized body's 413 reaches the
 * client, POST bodies must be declared JSON, and a loopback gateway checks the Host header.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../engine/config/liter-llm-config.js';
import { startGateway, type RunningGateway } from './start-gateway.js';
import { createChatResponse, createScriptedEngine } from './testing/create-scripted-engine.js';

const CHAT_BODY = JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
let running: RunningGateway | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

async function start(config: Partial<ServerConfig> = {}, log: (line: string) => void = () => {}): Promise<RunningGateway> {
  const engine = createScriptedEngine({ chat: () => createChatResponse({ text: 'fine' }) });
  running = await startGateway({ engine, config, host: '127.0.0.1', port: 0, log });
  return running;
}

interface Exchange {
  /** Everything the server sent. */
  text: string;
  /** When the server closed the connection, in ms after it was opened; undefined = still open at the deadline. */
  closedAfterMs: number | undefined;
}

/** Opens a socket, lets `script` write to it, and collects what the server sends until it closes (or `waitMs` passes). */
function exchange(port: number, script: (socket: Socket) => void, waitMs = 3_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    const opened = Date.now();
    let text = '';
    const deadline = setTimeout(() => finish(undefined), waitMs);
    function finish(closedAfterMs: number | undefined): void {
      clearTimeout(deadline);
      socket.destroy();
      resolve({ text, closedAfterMs });
    }
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => {});
    socket.on('close', () => finish(Date.now() - opened));
    script(socket);
  });
}

/** Writes `count` chunks of `size` bytes, waiting for 'drain' when the socket buffer is full. */
async function writeChunks(
  socket: Socket,
  count: number,
  size: number,
  encode: (piece: Buffer) => string | Buffer,
): Promise<void> {
  const piece = Buffer.alloc(size, 'x');
  for (let index = 0; index < count && !socket.destroyed; index++) {
    if (!socket.write(encode(piece))) await new Promise((resolve) => socket.once('drain', resolve));
  }
}

function chunk(piece: Buffer): string {
  return `${piece.length.toString(16)}\r\n${piece.toString('latin1')}\r\n`;
}

function requestHead(path: string, port: number, headers: Record<string, string>): string {
  const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** The responses in what the server sent, in order (bodies with a Content-Length only). */
function parseResponses(text: string): { status: number; headers: Record<string, string>; body: string }[] {
  const responses = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    const [statusLine = '', ...headerLines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    const length = Number(headers['content-length'] ?? 0);
    responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  return responses;
}

describe('header and request timeouts', () => {
  it('closes a connection whose headers trickle in, at server.headers_timeout_ms', async () => {
    const { port } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const result = await exchange(port, (socket) => {
      socket.write('POST /v1/chat/completions HTTP/1.1\r\n');
      const timer = setInterval(() => socket.writable && socket.write('x-slow: 1\r\n'), 50);
      socket.on('close', () => clearInterval(timer));
    });
    expect(result.closedAfterMs).toBeDefined();
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(180);
    expect(result.closedAfterMs).toBeLessThan(1_000);
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that sends nothing at all, at server.headers_timeout_ms', async () => {
    const { port } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const result = await exchange(port, () => {});
    expect(result.closedAfterMs).toBeLessThan(1_000);
  });

  it('closes a connection whose body trickles in, at server.request_timeout_ms', async () => {
    const { port } = await start({ headersTimeoutMs: 200, requestTimeoutMs: 500 });
    const result = await exchange(port, (socket) => {
      socket.write(requestHead('/v1/chat/completions', port, { 'content-type': 'application/json', 'content-length': '100000' }));
      const timer = setInterval(() => socket.writable && socket.write(' '), 50);
      socket.on('close', () => clearInterval(timer));
    });
    expect(result.closedAfterMs).toBeDefined();
    expect(result.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(result.closedAfterMs).toBeLessThan(1_500);
    expect(result.text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('keeps an idle keep-alive connection past the header timeout: only a request being received is timed', async () => {
    const { port } = await start({ headersTimeoutMs: 100, requestTimeoutMs: 200 });
    const head = requestHead('/v1/chat/completions', port, {
      'content-type': 'application/json',
      'content-length': String(CHAT_BODY.length),
    });
    const result = await exchange(
      port,
      (socket) => {
        socket.write(head + CHAT_BODY);
        setTimeout(() => socket.write(head + CHAT_BODY), 400);
      },
      800,
    );
    expect(result.closedAfterMs).toBeUndefined();
    expect(parseResponses(result.text).map((response) => response.status)).toEqual([200, 200]);
  });
});

describe('server.max_connections', () => {
  it('refuses connections beyond the cap at once, says so once, and accepts again when one closes', async () => {
    const logs: string[] = [];
    const { port } = await start({ maxConnections: 2 }, (line) => logs.push(line));
    const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    sockets.push(...held);
    await Promise.all(held.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await exchange(port, (socket) => socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n'), 2_000);
    expect(refused.closedAfterMs).toBeDefined();
    expect(refused.closedAfterMs).toBeLessThan(500);
    expect(refused.text).toBe('');
    await exchange(port, () => {}, 2_000);
    expect(logs.map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 'warn', msg: 'server.max_connections (2) reached: new connections are closed at once', dropped_connections: 1 },
    ]);
    held[0]?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const served = await exchange(port, (socket) =>
      socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n'),
    );
    expect(parseResponses(served.text)[0]?.status).toBe(200);
  });
});

describe('an oversized body', () => {
  // The client writes its whole body before reading, as Python's httpx and many others do: the 413 must
  // still be there when it reads, so the rest of the body is read and dropped rather than reset.
  async function sendWholeThenRead(
    port: number,
    path: string,
    headers: Record<string, string>,
    body: (socket: Socket) => Promise<void>,
  ) {
    return exchange(port, (socket) => {
      socket.pause();
      socket.write(requestHead(path, port, { 'content-type': 'application/json', ...headers }));
      void body(socket).then(() => socket.resume());
    });
  }

  it('gets its 413 through to a client that reads only after sending a chunked body', async () => {
    const { port } = await start({ maxBodyBytes: 64 * 1024 });
    const result = await sendWholeThenRead(port, '/v1/chat/completions', { 'transfer-encoding': 'chunked' }, async (socket) => {
      await writeChunks(socket, 256, 16 * 1024, chunk);
      socket.write('0\r\n\r\n');
    });
    const [response] = parseResponses(result.text);
    expect(response?.status).toBe(413);
    expect(JSON.parse(response?.body ?? '')).toMatchObject({
      error: { code: 'payload_too_large', type: 'invalid_request_error' },
    });
  });

  it('gets its 413 through when a declared Content-Length is over the limit, in the Anthropic format on /v1/messages', async () => {
    const { port } = await start({ maxBodyBytes: 64 * 1024 });
    const size = 4 * 1024 * 1024;
    const result = await sendWholeThenRead(port, '/v1/messages', { 'content-length': String(size) }, (socket) =>
      writeChunks(socket, size / (16 * 1024), 16 * 1024, (piece) => piece),
    );
    const [response] = parseResponses(result.text);
    expect(response?.status).toBe(413);
    expect(JSON.parse(response?.body ?? '')).toMatchObject({
      type: 'error',
      error: { type: 'request_too_large', message: expect.stringContaining(`${size} bytes`) },
    });
  });

  it('cuts a body that goes on far past the limit, after its 413', async () => {
    const { port } = await start({ maxBodyBytes: 1024 });
    let written = 0;
    const result = await exchange(
      port,
      (socket) => {
        socket.write(
          requestHead('/v1/chat/completions', port, { 'content-type': 'application/json', 'content-length': String(2 ** 30) }),
        );
        void writeChunks(socket, 2 ** 30 / (64 * 1024), 64 * 1024, (piece) => {
          written += piece.length;
          return piece;
        });
      },
      20_000,
    );
    expect(parseResponses(result.text)[0]?.status).toBe(413);
    expect(result.closedAfterMs).toBeDefined();
    // 64 MiB are dropped at most (MAX_DISCARDED_BYTES), plus what the socket buffers held.
    expect(written).toBeLessThan(128 * 1024 * 1024);
  });

  it('leaves the connection usable once the rest of the body was dropped', async () => {
    const { port } = await start({ maxBodyBytes: 1024 });
    const big = Buffer.alloc(256 * 1024, ' ').toString();
    const result = await exchange(port, (socket) => {
      socket.write(
        requestHead('/v1/chat/completions', port, { 'content-type': 'application/json', 'content-length': String(big.length) }) +
          big,
      );
      socket.write(
        requestHead('/v1/chat/completions', port, {
          'content-type': 'application/json',
          'content-length': String(CHAT_BODY.length),
          connection: 'close',
        }) + CHAT_BODY,
      );
    });
    expect(parseResponses(result.text).map((response) => response.status)).toEqual([413, 200]);
  });
});

describe('Content-Type of POST bodies', () => {
  // A web page may POST cross-site without a preflight only as text/plain, a form, or no type at all.
  it.each([
    ['text/plain;charset=UTF-8', '/v1/chat/completions'],
    ['application/x-www-form-urlencoded', '/v1/embeddings'],
    [undefined, '/v1/chat/completions'],
  ])('answers %s on %s with 415 naming the expected type', async (contentType, path) => {
    const { url, handler } = await start();
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      body: contentType === undefined ? new Blob([CHAT_BODY]) : CHAT_BODY,
      headers: contentType === undefined ? {} : { 'content-type': contentType },
    });
    expect(response.status).toBe(415);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.message).toContain('application/json');
    expect(handler.inFlight).toBe(0);
  });

  it('answers /v1/messages in the Anthropic error format', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/messages`, { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'unsupported_media_type' },
    });
  });

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON;charset=UTF-8',
    'application/merge-patch+json',
  ])('accepts %s', async (contentType) => {
    const { url } = await start();
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      body: CHAT_BODY,
      headers: { 'content-type': contentType },
    });
    expect(response.status).toBe(200);
  });
});

describe('Host header on a loopback gateway (DNS rebinding)', () => {
  async function get(port: number, host: string): Promise<{ status: number; body: string }> {
    const result = await exchange(port, (socket) =>
      socket.write(`GET /healthz HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n\r\n`),
    );
    const [response] = parseResponses(result.text);
    return { status: response?.status ?? 0, body: response?.body ?? '' };
  }

  it('refuses a name that is not loopback with 403 naming server.allowed_hosts', async () => {
    const { port } = await start();
    const response = await get(port, `rebind.attacker.example:${port}`);
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: 'host_not_allowed', message: expect.stringContaining('server.allowed_hosts') },
    });
  });

  it.each(['localhost', 'LOCALHOST:1234', '127.0.0.1', '127.0.0.1:8080', '127.1.2.3', '[::1]:8080', '[::1]'])(
    'accepts %s',
    async (host) => {
      const { port } = await start();
      expect((await get(port, host)).status).toBe(200);
    },
  );

  it('accepts the names in server.allowed_hosts (a leading dot covers subdomains)', async () => {
    const { port } = await start({ allowedHosts: ['gateway.internal', '.example.org'] });
    expect((await get(port, 'gateway.internal:8080')).status).toBe(200);
    expect((await get(port, 'api.example.org')).status).toBe(200);
    expect((await get(port, 'example.org')).status).toBe(200);
    expect((await get(port, 'localhost')).status).toBe(200);
    expect((await get(port, 'gateway.internal.attacker.example')).status).toBe(403);
    expect((await get(port, 'badexample.org')).status).toBe(403);
  });

  it('applies a reloaded server.allowed_hosts', async () => {
    const gateway = await start();
    expect((await get(gateway.port, 'gateway.internal')).status).toBe(403);
    gateway.handler.updateServerConfig({ allowedHosts: ['*'] });
    expect((await get(gateway.port, 'gateway.internal')).status).toBe(200);
  });
});
