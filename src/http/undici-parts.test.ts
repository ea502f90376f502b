import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Pool, sendUndiciRequest, undiciRequest } from './undici-parts.js';

// undici-parts.ts loads two of undici's files directly. If an upgrade moves or changes them, these
// fail here, not in a user's gateway.
describe('undici-parts', () => {
  it('loads the very Pool class that undici exports', () => {
    expect(Pool).toBe(undici.Pool);
  });

  it('sends with the very request function undici grafts onto its dispatchers', async () => {
    expect(undiciRequest).toBe(undici.Dispatcher.prototype.request);
    const agent = new undici.MockAgent({ connections: 1 });
    agent.disableNetConnect();
    agent
      .get('http://upstream.test')
      .intercept({ path: '/v1/ping', method: 'POST', body: 'ping' })
      .reply(200, 'pong', { headers: { 'x-answer': '1' } });
    const response = await sendUndiciRequest(agent, {
      origin: 'http://upstream.test',
      path: '/v1/ping',
      method: 'POST',
      body: 'ping',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-answer']).toBe('1');
    expect(await response.body.text()).toBe('pong');
    await agent.close();
  });
});
