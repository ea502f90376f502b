import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InternalError, type LiterLLMError } from '../spec/errors.js';
import { failureOf } from '../testing/failure-of.js';
import { HTTPTransport } from './http-transport.js';
import { sendJSONRequest, sendSSERequest, type SendRequestOptions } from './send-request.js';

const servers: Server[] = [];
const transports: HTTPTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.destroy()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
}

function options(url: string): SendRequestOptions {
  const transport = new HTTPTransport();
  transports.push(transport);
  return {
    transport,
    provider: 'local',
    url,
    headers: {},
    body: {},
    mapErrorResponse: (response) => new InternalError({ message: `status ${response.status}` }),
  };
}

async function streamFailure(url: string): Promise<LiterLLMError> {
  return failureOf(
    (async () => {
      const { events } = await sendSSERequest(options(url));
      for await (const event of events) void event;
    })(),
  );
}

const stream = (cut: (response: ServerResponse) => void) => (_request: IncomingMessage, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write('data: {"n":1}\n\n');
  setTimeout(() => cut(response), 20);
};

describe('network failures say what happened', () => {
  it('a stream whose connection the upstream closes mid-stream', async () => {
    const error = await streamFailure(await serve(stream((response) => response.socket?.destroy())));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true, provider: 'local' });
    expect(error.message).toMatch(/^local: the upstream closed the connection mid-stream \(/);
    // The transport's code stays, as a detail in parentheses.
    expect(error.message).toMatch(/\(UND_ERR_SOCKET[^)]*\)$/);
  });

  it('a stream whose connection the upstream resets mid-stream', async () => {
    const error = await streamFailure(await serve(stream((response) => response.socket?.resetAndDestroy())));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(error.message).toMatch(/^local: the upstream (reset|closed) the connection mid-stream \(/);
  });

  it('a stream whose body ends without its chunked terminator', async () => {
    const error = await streamFailure(await serve(stream((response) => response.socket?.end())));
    expect(error.message).toMatch(/^local: the upstream closed the connection mid-stream/);
  });

  it('an upstream that closes the connection before it answers', async () => {
    const url = await serve((request) => request.socket.destroy());
    const error = await failureOf(sendJSONRequest(options(url)));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(error.message).toMatch(/^local: the upstream closed the connection before the answer was complete \(/);
  });

  it('an address where nothing listens', async () => {
    const url = await serve(() => undefined);
    const port = new URL(url).port;
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
    const error = await failureOf(sendJSONRequest(options(url)));
    expect(error).toMatchObject({ code: 'provider_unavailable', retryable: true });
    expect(error.message).toMatch(
      new RegExp(`^could not reach local: the connection to 127\\.0\\.0\\.1:${port} was refused \\(`),
    );
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('a stream that goes quiet for longer than its idle timeout', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: {"n":1}\n\n');
    });
    const transport = new HTTPTransport({ bodyTimeoutMs: 100 });
    transports.push(transport);
    const error = await failureOf(
      (async () => {
        const { events } = await sendSSERequest({ ...options(url), transport });
        for await (const event of events) void event;
      })(),
    );
    expect(error).toMatchObject({ code: 'timeout', provider: 'local' });
    expect(error.message).toMatch(
      /^local timed out: the stream sent nothing for longer than stream_idle_timeout_ms \(UND_ERR_BODY_TIMEOUT/,
    );
  });

  it('an upstream that sends no headers in time', async () => {
    const url = await serve(() => undefined);
    const transport = new HTTPTransport({ headersTimeoutMs: 100 });
    transports.push(transport);
    const error = await failureOf(sendJSONRequest({ ...options(url), transport }));
    expect(error).toMatchObject({ code: 'timeout', provider: 'local' });
    expect(error.message).toMatch(/^local timed out: no response headers within first_byte_timeout_ms \(UND_ERR_HEADERS_TIMEOUT/);
  });
});
