import { execFile } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CAPPED_ABOVE_HEAP_LIMIT_BYTES, shouldCapHeapGrowth } from './cap-heap-growth.js';

const MB = 1024 * 1024;
const HOST_HEAP = 4144 * MB; // what Node 20 takes on a 24 GiB machine without a memory limit
const POD_HEAP = 1048 * MB; // what it takes under a 2 GiB memory limit

describe('shouldCapHeapGrowth', () => {
  it('caps a heap that V8 sized for a large host', () => {
    expect(shouldCapHeapGrowth({ execArgv: [], nodeOptions: undefined, heapSizeLimitBytes: HOST_HEAP })).toBe(true);
    expect(
      shouldCapHeapGrowth({
        execArgv: ['--enable-source-maps'],
        nodeOptions: '--require ./x.cjs',
        heapSizeLimitBytes: HOST_HEAP,
      }),
    ).toBe(true);
  });

  it('leaves a pod-sized or smaller heap to V8, which is already as strict', () => {
    expect(shouldCapHeapGrowth({ execArgv: [], nodeOptions: undefined, heapSizeLimitBytes: POD_HEAP })).toBe(false);
    expect(shouldCapHeapGrowth({ execArgv: [], nodeOptions: undefined, heapSizeLimitBytes: 300 * MB })).toBe(false);
  });

  it("keeps an operator's own heap flags, on the command line or in NODE_OPTIONS", () => {
    for (const execArgv of [['--max-old-space-size=8192'], ['--max_old_space_size=8192'], ['--heap-growing-percent=0']]) {
      expect(shouldCapHeapGrowth({ execArgv, nodeOptions: undefined, heapSizeLimitBytes: HOST_HEAP })).toBe(false);
    }
    expect(shouldCapHeapGrowth({ execArgv: [], nodeOptions: '--max-old-space-size=8192', heapSizeLimitBytes: HOST_HEAP })).toBe(
      false,
    );
    expect(
      shouldCapHeapGrowth({ execArgv: [], nodeOptions: '--inspect --max-old-space-size 8192', heapSizeLimitBytes: HOST_HEAP }),
    ).toBe(false);
  });
});

const CAP_MODULE = new URL('../../dist/cli/cap-heap-growth.js', import.meta.url).href;
const CHURN = new URL('./__fixtures__/churn-old-generation.mjs', import.meta.url).pathname;

/** Runs the churn in a fresh Node, with or without the cap: `{ capped, peakOldSpaceMB }`. */
async function churn(cap: boolean): Promise<{ capped: boolean; peakOldSpaceMB: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [CHURN, cap ? CAP_MODULE : 'none'], {
    env: { PATH: process.env.PATH ?? '' },
  });
  return JSON.parse(stdout) as { capped: boolean; peakOldSpaceMB: number };
}

describe('capHeapGrowth in a running process', () => {
  // The cap applies only where V8 sized the heap for a large host; so does this check.
  it.skipIf(getHeapStatistics().heap_size_limit <= CAPPED_ABOVE_HEAP_LIMIT_BYTES)(
    'takes effect after start-up: promoted garbage no longer piles up to several times the live heap',
    async () => {
      const [uncapped, capped] = await Promise.all([churn(false), churn(true)]);
      expect(uncapped.capped).toBe(false);
      expect(capped.capped).toBe(true);
      // ~20 MB live. Measured: ~296 MB of old space uncapped, ~133 MB capped.
      expect(capped.peakOldSpaceMB).toBeLessThan(uncapped.peakOldSpaceMB * 0.6);
    },
    30_000,
  );
});
