import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createFrameDecoder } from './create-frame-decoder.js';
import { encodeFrame } from './encode-frame.js';
import type { EngineFrame } from './engine-frame-schema.js';
import { PROTOCOL_VERSION } from './protocol-version.js';

// The protocol over a real child process's stdin and stdout, as the bindings use it.
const FIXTURE = fileURLToPath(new URL('./__fixtures__/serve-stdio.mjs', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function start(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [FIXTURE], { env: { ...process.env, ...env }, stdio: 'pipe' });
  children.push(child);
  const frames: EngineFrame[] = [];
  const decoder = createFrameDecoder();
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    for (const decoded of decoder.push(chunk)) {
      if (decoded.type !== 'frame') throw new Error(`bad frame on stdout: ${decoded.type}`);
      frames.push(JSON.parse(decoded.text) as EngineFrame);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const frameFor = async (id: number, type: EngineFrame['type']) => {
    for (let tries = 0; tries < 1000; tries++) {
      const frame = frames.find((candidate) => candidate.id === id && candidate.type === type);
      if (frame) return frame;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no ${type} frame for ${id}; stderr: ${stderr}`);
  };
  const send = (frame: object) => child.stdin.write(encodeFrame(frame));
  return { child, frames, frameFor, send, stderr: () => stderr };
}

const STREAM = { model: 'a/m', messages: [{ role: 'user', content: 'hi' }] };

describe('serveProtocol over a child process', () => {
  it('exits 0 when stdin closes, cancelling the stream in flight', async () => {
    const engine = start();
    engine.send({ id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } });
    engine.send({ id: 2, method: 'chat.stream', params: STREAM });
    await engine.frameFor(2, 'event');
    engine.child.stdin.end();
    const [code] = (await once(engine.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(engine.stderr()).toContain('"end":"input-end","streamsClosed":1');
  });

  it('drains on shutdown, answers it last, and exits 0; debug mirrors frames to stderr without the key', async () => {
    const engine = start({ LITER_LLM_DEBUG_PROTOCOL: '1' });
    engine.send({ id: 1, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } });
    engine.send({
      id: 2,
      method: 'chat.stream',
      params: { ...STREAM, messages: [{ role: 'user', content: 'sk-stdio-0123456789abcdefgh' }] },
    });
    await engine.frameFor(2, 'event');
    engine.send({ id: 3, method: 'shutdown' });
    // The hanging stream holds the drain until it is cancelled.
    engine.send({ id: 4, method: 'cancel', params: { id: 2 } });
    expect(await engine.frameFor(2, 'error')).toMatchObject({ error: { code: 'cancelled' } });
    await engine.frameFor(3, 'result');
    const [code] = (await once(engine.child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(engine.frames.at(-1)).toMatchObject({ type: 'result', id: 3 });
    expect(engine.stderr()).toContain('"msg":"protocol frame","direction":"in"');
    expect(engine.stderr()).not.toContain('sk-stdio-0123456789abcdefgh');
  });
});
