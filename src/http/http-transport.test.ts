import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HTTPTransport } from './http-transport.js';

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(201, { 'X-RateLimit-Remaining-Requests': '7', 'content-type': 'text/plain' });
    response.end('done');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
}

describe('HTTPTransport onResponse', () => {
  it('sees each response status and its lower-cased headers before the body is read', async () => {
    const seen: [number, string | undefined][] = [];
    const transport = new HTTPTransport({
      onResponse: (status, headers) => seen.push([status, headers['x-ratelimit-remaining-requests']]),
    });
    const response = await transport.request({ url: await serve(), method: 'GET', headers: {} });
    expect(seen).toEqual([[201, '7']]);
    expect(await response.body.text()).toBe('done');
    await transport.close();
  });

  it('ignores an observer that throws: the call goes on', async () => {
    const transport = new HTTPTransport({
      onResponse: () => {
        throw new Error('observer bug');
      },
    });
    const response = await transport.request({ url: await serve(), method: 'GET', headers: {} });
    expect(response.status).toBe(201);
    expect(await response.body.text()).toBe('done');
    await transport.close();
  });

  it("tells a request's own observer too, after the transport's, on streamed and collected calls", async () => {
    const seen: string[] = [];
    const transport = new HTTPTransport({ onResponse: () => seen.push('transport') });
    const url = await serve();
    const own = (status: number, headers: Record<string, string>) =>
      seen.push(`request ${status} ${headers['x-ratelimit-remaining-requests']}`);
    await (await transport.request({ url, method: 'GET', headers: {}, onResponse: own })).body.text();
    expect((await transport.requestText({ url, method: 'GET', headers: {}, onResponse: own })).text).toBe('done');
    await transport.requestText({ url, method: 'GET', headers: {} });
    expect(seen).toEqual(['transport', 'request 201 7', 'transport', 'request 201 7', 'transport']);
    await transport.close();
  });

  it("tells a request's own observer when the transport has none, and survives its throw", async () => {
    const transport = new HTTPTransport();
    const url = await serve();
    let calls = 0;
    const throwing = () => {
      calls++;
      throw new Error('observer bug');
    };
    expect((await transport.requestText({ url, method: 'GET', headers: {}, onResponse: throwing })).text).toBe('done');
    expect(calls).toBe(1);
    await transport.close();
  });
});
