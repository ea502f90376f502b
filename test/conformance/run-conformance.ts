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
 * Every conformance vector through the TypeScript binding in one mode: setup → call → OBSERVED →
 * check, the failure message listing the harness's problems. CONFORMANCE_VECTOR=name runs one;
 * CONFORMANCE_SHOW=1 prints each OBSERVED (what to freeze into a new vector's `expect`).
 */
export function runConformance(mode: 'stdio' | 'http'): void {
  const only = process.env['CONFORMANCE_VECTOR'];
  const names = only === undefined || only === '' ? VECTOR_NAMES : VECTOR_NAMES.filter((name) => name === only);
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe(`conformance vectors, ${mode} mode`, () => {
    it('the harness lists every vector file', () => {
      expect([...harness.vectors].sort()).toEqual(VECTOR_NAMES);
    });

    for (const name of names) {
      it(name, async () => {
        const setup = await harness.send({ op: 'setup', vector: name, mode });
        if (setup.ok !== true) throw new Error(`setup of ${name} failed: ${setup.error}\n${harness.stderr()}`);
        let binding: ClosableBinding | undefined;
        try {
          binding = mode === 'stdio' ? createStdioBinding(setup.configPath!) : createHTTPBinding(setup.baseURL!, setup.apiKey!);
          const observed = await observeCall(binding, setup.call!);
          if (process.env['CONFORMANCE_SHOW'] === '1')
            console.log(`${name} (${mode}) OBSERVED:\n${JSON.stringify(observed, null, 2)}`);
          const checked = await harness.send({ op: 'check', observed });
          const problems = checked.problems ?? (checked.ok === true ? [] : [checked.error ?? 'check failed']);
          expect(problems, `${name} (${mode}):\n  ${problems.join('\n  ')}\n${binding.diagnostics()}`).toEqual([]);
        } catch (error) {
          await harness.send({ op: 'teardown' });
          throw error;
        } finally {
          await binding?.close();
        }
      });
    }
  });
}
