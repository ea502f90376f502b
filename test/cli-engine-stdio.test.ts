/**
 * `liter-llm engine --stdio` as the bindings will launch it: the built CLI in a child process,
 * frames on its stdin and stdout, a `liter-llm mock-provider` upstream. The protocol itself is
 * tested in src/protocol/; this is the command around it: the host's config, logs kept off
 * stdout, and the ways the process ends.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createFrameDecoder } from '../src/protocol/create-frame-decoder.js';
import { encodeFrame } from '../src/protocol/encode-frame.js';
import { PROTOCOL_VERSION } from '../src/protocol/protocol-version.js';
import { collectCLI, runCLI, spawnCLI, useMockProvider } from './cli-process.js';

const mock = useMockProvider(['--provider', 'openai']);

interface EngineProcess {
  child: ChildProcessWithoutNullStreams;
  send(frame: unknown): void;
  /** The next frame for call `id` (events and the final result or error). */
  next(id: number): Promise<Record<string, unknown>>;
  result: ReturnType<typeof collectCLI>;
}

function startEngine(env: Record<string, string> = {}): EngineProcess {
  const child = spawnCLI(['engine', '--stdio'], {
    OPENAI_BASE_URL: `${mock.url}/v1`,
    OPENAI_API_KEY: 'sk-engine-secret',
    ...env,
  });
  const result = collectCLI(child);
  const decoder = createFrameDecoder();
  const frames = new Map<number, Record<string, unknown>[]>();
  const waiters = new Map<number, () => void>();
  // collectCLI listens too; this listener decodes the same bytes into frames.
  child.stdout.on('data', (chunk: Buffer) => {
    for (const decoded of decoder.push(chunk)) {
      if (decoded.type !== 'frame') throw new Error(`undecodable frame on stdout: ${decoded.type}`);
      const frame = JSON.parse(decoded.text) as Record<string, unknown>;
      const id = frame['id'] as number;
      frames.set(id, [...(frames.get(id) ?? []), frame]);
      waiters.get(id)?.();
    }
  });
  return {
    child,
    result,
    send: (frame) => child.stdin.write(encodeFrame(frame)),
    async next(id) {
      for (;;) {
        const queued = frames.get(id);
        if (queued !== undefined && queued.length > 0) return queued.shift()!;
        await new Promise<void>((resolve) => waiters.set(id, resolve));
      }
    },
  };
}

const initialize = { id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } };
const chat = (id: number, content: string) => ({
  id,
  method: 'chat',
  params: { model: 'openai/gpt-6-luna', messages: [{ role: 'user', content }] },
});

describe('liter-llm engine --stdio', () => {
  it('answers the handshake and a chat in frames, keeps its logs on stderr, and ends with stdin', async () => {
    const engine = startEngine();
    engine.send(initialize);
    expect(await engine.next(0)).toMatchObject({ type: 'result', result: { protocolVersion: PROTOCOL_VERSION } });
    engine.send(chat(1, 'over stdio'));
    expect(await engine.next(1)).toMatchObject({ type: 'result', result: { text: 'Echo: over stdio', provider: 'openai' } });
    engine.child.stdin.end();
    const { code, stderr } = await engine.result;
    expect(code).toBe(0);
    // The request log line went to stderr (stdout carried frames only, or decoding above would have thrown).
    expect(stderr).toContain('"msg":"request"');
    expect(stderr).not.toContain('sk-engine-secret');
  });

  it('streams events, then drains and exits 0 after a shutdown call', async () => {
    const engine = startEngine();
    engine.send(initialize);
    await engine.next(0);
    engine.send({ ...chat(2, 'one two three'), method: 'chat.stream' });
    const types: unknown[] = [];
    for (;;) {
      const frame = await engine.next(2);
      if (frame['type'] !== 'event') {
        expect(frame['type']).toBe('result');
        break;
      }
      types.push((frame['event'] as { type: string }).type);
    }
    expect(types[0]).toBe('start');
    expect(types).toContain('text-delta');
    expect(types.at(-1)).toBe('finish');
    engine.send({ id: 3, method: 'shutdown' });
    expect(await engine.next(3)).toMatchObject({ type: 'result' });
    expect((await engine.result).code).toBe(0);
  });

  it('mirrors every frame to stderr with LITER_LLM_DEBUG_PROTOCOL=1, the API key redacted', async () => {
    const engine = startEngine({ LITER_LLM_DEBUG_PROTOCOL: '1' });
    engine.send(initialize);
    await engine.next(0);
    engine.send(chat(4, 'sk-engine-secret is my key'));
    await engine.next(4);
    engine.child.stdin.end();
    const { stderr } = await engine.result;
    expect(stderr).toContain('protocol frame');
    expect(stderr).not.toContain('sk-engine-secret');
  });

  it('refuses to run without --stdio (usage error, exit 2)', async () => {
    const result = await runCLI(['engine']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('engine needs --stdio');
  });
});
