import { parseArgs } from 'node:util';
import { collectConfigSecrets } from '../http/collect-config-secrets.js';
import { createConfigSource } from '../host/create-config-source.js';
import { startEngineHost } from '../host/start-engine-host.js';
import { serveProtocol } from '../protocol/serve-protocol.js';
import { parseCLIArgs, UsageError } from './parse-cli-args.js';

/**
 * `liter-llm engine --stdio [--config FILE]`: the engine process the Python and Go bindings launch.
 * Frames on stdin and stdout (docs/protocol.md); stdout carries nothing else, so the host's JSON
 * request logs and every operator line go to stderr, and there is no /metrics to scrape. Ends,
 * exit 0, after a `shutdown` call has drained, or when stdin closes (the binding died: calls in
 * flight are cancelled, so no engine outlives its parent). With --config the file is watched like
 * serve's. `LITER_LLM_DEBUG_PROTOCOL=1` mirrors every frame to stderr with secrets redacted.
 */
export async function runEngineCommand(args: string[]): Promise<number> {
  const { values } = parseCLIArgs(() =>
    parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: {
        stdio: { type: 'boolean' },
        config: { type: 'string', short: 'c' },
      },
    }),
  );
  if (values.stdio !== true) throw new UsageError('engine needs --stdio: the frames go over standard input and output');
  const log = (line: string) => process.stderr.write(`liter-llm engine: ${line}\n`);
  const host = await startEngineHost(createConfigSource(values.config), {
    log,
    telemetry: { metrics: false, logs: { destination: 2 } },
  });
  host.watchConfig();
  try {
    await serveProtocol({
      engine: host.engine,
      input: process.stdin,
      output: process.stdout,
      debug: process.env['LITER_LLM_DEBUG_PROTOCOL'] === '1',
      secrets: collectConfigSecrets(host.initialConfig),
    });
  } finally {
    await host.close();
  }
  return 0;
}
