import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHTTPBinding, createStdioBinding, type ClosableBinding } from './create-bindings.js';
import { observeCall } from './observe-call.js';
import { startHarness, type Harness } from './start-harness.js';

/** The vectors, by file name (the harness checks each one's `name` matches). */
export const VECTOR_NAMES = readdirSync(new URL('../../conformance/vectors/', import.meta.url))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''))
  .sort();

/**
 * Vectors run at once, each on its own harness (a harness sets up one vector at a time). Every
 * vector has its own servers and engine, and the timing ones assert lower bounds, so running
 * them side by side changes no outcome; more than 2 only adds CPU contention on a small machine.
 */
const CONCURRENCY = Math.max(1, Number(process.env['CONFORMANCE_CONCURRENCY'] ?? 2) || 1);

/**
 * Every conformance vector through the TypeScript binding in one mode: setup → call → OBSERVED →
 * check, the failure message listing the harness's problems. CONFORMANCE_VECTOR=name runs one;
 * CONFORMANCE_SHOW=1 prints each OBSERVED (what to freeze into a new vector's `expect`).
 */
export function runConformance(mode: 'stdio' | 'http'): void {
  const only = process.env['CONFORMANCE_VECTOR'];
  const names = only === undefined || only === '' ? VECTOR_NAMES : VECTOR_NAMES.filter((name) => name === only);
  const harnesses: Harness[] = [];
  const idle: Harness[] = [];
  const waiting: ((harness: Harness) => void)[] = [];
  const acquire = () => new Promise<Harness>((resolve) => (idle.length > 0 ? resolve(idle.pop()!) : waiting.push(resolve)));
  const release = (harness: Harness) => (waiting.length > 0 ? waiting.shift()!(harness) : idle.push(harness));

  beforeAll(async () => {
    const count = Math.min(CONCURRENCY, Math.max(1, names.length));
    harnesses.push(...(await Promise.all(Array.from({ length: count }, () => startHarness()))));
    idle.push(...harnesses);
  });
  afterAll(async () => {
    await Promise.all(harnesses.map((harness) => harness.close()));
  });

  describe(`conformance vectors, ${mode} mode`, () => {
    it('the harness lists every vector file', () => {
      expect([...harnesses[0]!.vectors].sort()).toEqual(VECTOR_NAMES);
    });

    for (const name of names) {
      it.concurrent(name, async () => {
        const harness = await acquire();
        try {
          await runVector(harness, name, mode);
        } finally {
          release(harness);
        }
      });
    }
  });
}

async function runVector(harness: Harness, name: string, mode: 'stdio' | 'http'): Promise<void> {
  const setup = await harness.send({ op: 'setup', vector: name, mode });
  if (setup.ok !== true) throw new Error(`setup of ${name} failed: ${setup.error}\n${harness.stderr()}`);
  let binding: ClosableBinding | undefined;
  try {
    binding = mode === 'stdio' ? createStdioBinding(setup.configPath!) : createHTTPBinding(setup.baseURL!, setup.apiKey!);
    const observed = await observeCall(binding, setup.call!);
    if (process.env['CONFORMANCE_SHOW'] === '1') console.log(`${name} (${mode}) OBSERVED:\n${JSON.stringify(observed, null, 2)}`);
    const checked = await harness.send({ op: 'check', observed });
    const problems = checked.problems ?? (checked.ok === true ? [] : [checked.error ?? 'check failed']);
    expect(problems, `${name} (${mode}):\n  ${problems.join('\n  ')}\n${binding.diagnostics()}`).toEqual([]);
  } catch (error) {
    // Harmless after a check (it already tore down); after a failed call it stops the servers.
    await harness.send({ op: 'teardown' });
    throw error;
  } finally {
    await binding?.close();
  }
}
