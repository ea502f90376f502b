/**
 * Connection hygiene over real sockets: slow clients are cut by the header and request timeouts,
 * connections beyond server.max_connections are refused, an oversized body's 413 reaches the
 * client.
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

async function start(config: Partial<ServerConfig> = {}): Promise<RunningGateway> {
  const engine = createScriptedEngine({ chat: () => createChatResponse({ text: 'fine' }) });
  running = await startGateway({ engine, config, host: '127.0.0.1', port: 0, log: () => {} });
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
  it('refuses connections beyond the cap at once, and accepts again when one closes', async () => {
    const { port } = await start({ maxConnections: 2 });
    const held = [connect(port, '127.0.0.1'), connect(port, '127.0.0.1')];
    sockets.push(...held);
    await Promise.all(held.map((socket) => new Promise((resolve) => socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await exchange(port, (socket) => socket.write('GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n'), 2_000);
    expect(refused.closedAfterMs).toBeDefined();
    expect(refused.closedAfterMs).toBeLessThan(500);
    expect(refused.text).toBe('');
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
