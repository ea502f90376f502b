/**
 * dist/bin/liter-llm, the standalone engine (`make engine-binary`), run the way a machine without
 * Node.js runs it: PATH is an empty directory, so nothing here can fall back on a `node` there. Each
 * command goes through the parts a bundle breaks first (the package version read from disk, undici's
 * files loaded by path, the OTLP exporter's lazy imports, `serve` loaded on demand). The binary is
 * built here; scripts/build-engine-binary.mjs skips the build while its inputs are unchanged.
 */
import { execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFrameDecoder } from '../src/protocol/create-frame-decoder.js';
import { encodeFrame } from '../src/protocol/encode-frame.js';
import { PROTOCOL_VERSION } from '../src/protocol/protocol-version.js';
import {
  collectCLI,
  runCLI,
  spawnCLI,
  startMockProvider,
  stopChild,
  waitForListeningURL,
  type CLILauncher,
} from './cli-process.js';
import { OTLPReceiver } from './telemetry/otlp-receiver.js';

const root = new URL('..', import.meta.url).pathname;
const BINARY: CLILauncher = [join(root, 'dist', 'bin', 'liter-llm')];
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

let emptyPath: string;
let mock: Awaited<ReturnType<typeof startMockProvider>>;
let withoutNode: (env?: Record<string, string>) => Record<string, string>;

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, 'scripts', 'build-engine-binary.mjs')], { cwd: root, stdio: 'pipe' });
  emptyPath = mkdtempSync(join(tmpdir(), 'liter-llm-no-node-'));
  withoutNode = (env = {}) => ({ PATH: emptyPath, ...env });
  mock = await startMockProvider(['--provider', 'openai'], BINARY, withoutNode());
}, 180_000);

afterAll(async () => {
  if (mock) await stopChild(mock.child);
  if (emptyPath) rmSync(emptyPath, { recursive: true, force: true });
});

const openAI = () => withoutNode({ OPENAI_BASE_URL: `${mock.url}/v1`, OPENAI_API_KEY: 'sk-binary-secret' });

describe('dist/bin/liter-llm without node on PATH', () => {
  it('prints the package version and its usage', async () => {
    const printed = await runCLI(['--version'], { env: withoutNode(), launcher: BINARY });
    expect(printed).toMatchObject({ code: 0, stdout: `${version}\n` });
    const help = await runCLI(['--help'], { env: withoutNode(), launcher: BINARY });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('liter-llm engine --stdio');
    const chatHelp = await runCLI(['chat', '--help'], { env: withoutNode(), launcher: BINARY });
    expect(chatHelp.code).toBe(0);
    expect(chatHelp.stdout).toContain('--model');
  });

  it('checks examples/liter-llm.yaml', async () => {
    const keys = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test', HF_TOKEN: 'hf_test', LITER_LLM_KEY: 'key' };
    const checked = await runCLI(['check-config', join(root, 'examples', 'liter-llm.yaml')], {
      env: withoutNode(keys),
      launcher: BINARY,
    });
    expect(checked.stderr).toBe('');
    expect(checked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^config OK: 4 providers/i) });
  });

  it('refuses config_source.etcd, whose client it does not include, with a message saying what to run', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'liter-llm-binary-etcd-'));
    try {
      const path = join(directory, 'liter-llm.yaml');
      writeFileSync(
        path,
        'providers:\n  local: { type: openai-compatible, base_url: "http://127.0.0.1:9/v1" }\nconfig_source:\n  etcd: { endpoints: [ "http://127.0.0.1:9" ] }\n',
      );
      const served = await runCLI(['serve', '--config', path, '--port', '0'], { env: withoutNode(), launcher: BINARY });
      expect(served.code).not.toBe(0);
      expect(served.stderr).toContain('config_source.etcd: the etcd client (npm package etcd3) cannot be loaded');
      expect(served.stderr).toContain('run liter-llm from npm');
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('chats, streams and embeds against the mock provider it runs itself', async () => {
    const chat = await runCLI(['chat', '--model', 'openai/gpt-6-luna', 'hello binary'], { env: openAI(), launcher: BINARY });
    expect(chat).toMatchObject({ code: 0, stdout: 'Echo: hello binary\n' });
    const stream = await runCLI(['chat', '--stream', '--model', 'openai/gpt-6-luna', 'streamed'], {
      env: openAI(),
      launcher: BINARY,
    });
    expect(stream).toMatchObject({ code: 0, stdout: 'Echo: streamed\n' });
    const embed = await runCLI(['embed', '--model', 'openai/text-embedding-3-small', 'a', 'b'], {
      env: openAI(),
      launcher: BINARY,
    });
    expect(embed.code).toBe(0);
    const vectors = JSON.parse(embed.stdout) as number[][];
    expect(vectors).toHaveLength(2);
    expect(vectors[0]!.length).toBeGreaterThan(0);
  });

  it('exports the call’s spans over OTLP, protobuf and JSON', async () => {
    for (const [protocol, contentType] of [
      ['http/protobuf', 'application/x-protobuf'],
      ['http/json', 'application/json'],
    ] as const) {
      const receiver = await OTLPReceiver.start();
      try {
        const env = { ...openAI(), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol };
        const chat = await runCLI(['chat', '--model', 'openai/gpt-6-luna', 'traced'], { env, launcher: BINARY });
        expect(chat.stderr).toBe('');
        expect(chat.code).toBe(0);
        expect(receiver.requests.map((request) => [request.path, request.headers['content-type']])).toEqual([
          ['/v1/traces', contentType],
        ]);
        if (protocol === 'http/json') expect(receiver.spans().length).toBeGreaterThan(0);
      } finally {
        await receiver.close();
      }
    }
  });

  it('runs engine --stdio: initialize, then a chat, in frames, and ends with stdin', async () => {
    const engine = spawnCLI(['engine', '--stdio'], openAI(), BINARY);
    const result = collectCLI(engine);
    const frames = readFrames(engine);
    engine.stdin.write(encodeFrame({ id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION } }));
    expect(await frames.next()).toMatchObject({
      type: 'result',
      id: 0,
      result: { protocolVersion: PROTOCOL_VERSION, packageVersion: version },
    });
    const messages = [{ role: 'user', content: 'over stdio' }];
    engine.stdin.write(encodeFrame({ id: 1, method: 'chat', params: { model: 'openai/gpt-6-luna', messages } }));
    expect(await frames.next()).toMatchObject({
      type: 'result',
      id: 1,
      result: { text: 'Echo: over stdio', provider: 'openai' },
    });
    engine.stdin.end();
    const { code, stderr } = await result;
    expect(code).toBe(0);
    expect(stderr).toContain('"msg":"request"');
    expect(stderr).not.toContain('sk-binary-secret');
  });

  it('serves the gateway', async () => {
    const gateway = spawnCLI(['serve', '--port', '0'], openAI(), BINARY);
    const result = collectCLI(gateway);
    try {
      const url = await waitForListeningURL(gateway, 'serve');
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'through the gateway' }] }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]!.message.content).toBe('Echo: through the gateway');
    } finally {
      gateway.kill('SIGTERM');
    }
    expect((await result).code).toBe(0);
  });
});

/** The engine's frames on stdout, in order. */
function readFrames(child: ChildProcessWithoutNullStreams): { next(): Promise<Record<string, unknown>> } {
  const decoder = createFrameDecoder();
  const queued: Record<string, unknown>[] = [];
  let wake: (() => void) | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    for (const decoded of decoder.push(chunk)) {
      if (decoded.type !== 'frame') throw new Error(`undecodable frame on stdout: ${decoded.type}`);
      queued.push(JSON.parse(decoded.text) as Record<string, unknown>);
      wake?.();
    }
  });
  return {
    async next() {
      while (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return queued.shift()!;
    },
  };
}
