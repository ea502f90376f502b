import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { LightAbortController } from './light-abort-controller.js';

describe('LightAbortController', () => {
  it('behaves like AbortController: aborted, reason, onabort, one abort event, throwIfAborted', () => {
    const controller = new LightAbortController();
    const { signal } = controller;
    const seen: string[] = [];
    signal.onabort = () => seen.push('onabort');
    signal.addEventListener('abort', (event) => seen.push(`listener:${event.type}`), { once: true });
    expect(signal.aborted).toBe(false);
    expect(() => signal.throwIfAborted()).not.toThrow();
    const reason = new Error('stop');
    controller.abort(reason);
    controller.abort(new Error('again'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(seen).toEqual(['onabort', 'listener:abort']);
    expect(() => signal.throwIfAborted()).toThrow(reason);
  });

  it('keeps listeners as EventTarget does: each once, removable, objects with handleEvent, none after the abort', () => {
    const controller = new LightAbortController();
    const { signal } = controller;
    const seen: string[] = [];
    const twice = () => seen.push('twice');
    const removed = () => seen.push('removed');
    signal.addEventListener('abort', twice);
    signal.addEventListener('abort', twice);
    signal.addEventListener('abort', removed);
    signal.removeEventListener('abort', removed);
    signal.addEventListener('abort', { handleEvent: (event) => seen.push(`object:${event.type}`) });
    signal.addEventListener('other', () => seen.push('other type'));
    controller.abort();
    signal.addEventListener('abort', () => seen.push('after'));
    controller.abort();
    expect(seen).toEqual(['twice', 'object:abort']);
  });

  it('calls every listener even when one throws, and reports the error uncaught, as EventTarget does', () => {
    const module = new URL('../../dist/spec/light-abort-controller.js', import.meta.url).href;
    const script = [
      `import { LightAbortController } from ${JSON.stringify(module)};`,
      `const controller = new LightAbortController();`,
      `controller.signal.addEventListener('abort', () => { throw new Error('listener failed'); });`,
      `controller.signal.addEventListener('abort', () => console.log('second listener ran'));`,
      `controller.abort();`,
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.stdout).toBe('second listener ran\n');
    expect(result.stderr).toContain('listener failed');
    expect(result.status).not.toBe(0);
  });

  it('gives an AbortError DOMException when aborted without a reason, as AbortController does', () => {
    const light = new LightAbortController();
    const real = new AbortController();
    light.abort();
    real.abort();
    expect(light.signal.reason).toBeInstanceOf(DOMException);
    expect((light.signal.reason as DOMException).name).toBe((real.signal.reason as DOMException).name);
  });

  it("is accepted by Node's own APIs that take a signal", async () => {
    const controller = new LightAbortController();
    const waiting = sleep(60_000, undefined, { signal: controller.signal });
    const reason = new Error('cancelled');
    controller.abort(reason);
    // As with a real AbortSignal: an AbortError whose cause is the reason.
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError', cause: reason });
  });

  it('aborts an undici request in flight: the server sees the connection close', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = createServer((request) => request.socket.on('close', closed));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const pool = new Pool(`http://127.0.0.1:${port}`);
    try {
      const controller = new LightAbortController();
      const pending = pool.request({ path: '/', method: 'GET', signal: controller.signal });
      await sleep(50);
      controller.abort(new Error('client left'));
      await expect(pending).rejects.toThrow('client left');
      await serverSawClose;
    } finally {
      await pool.destroy();
      server.close();
    }
  });
});
