import { getHeapStatistics, setFlagsFromString } from 'node:v8';

/**
 * How far the gateway lets V8's old generation grow past the live heap before the next full
 * collection: 60%, V8's own ceiling for a ~1 GiB heap, which is what Node takes in a pod limited to
 * 2 GiB of memory.
 *
 * Why: Node sizes its heap from the memory the process may use. On a host without a memory limit
 * (this 24 GiB VM, bare metal) it takes a 4 GiB heap, and V8 then lets garbage that outlived a few
 * scavenges pile up to 4× the live heap between full collections. A gateway's live heap is small
 * (~21 MB with 256 streams in flight) but it promotes short-lived objects all the time, so that
 * slack is most of its memory: 199–216 MB peak RSS at 256 streams, against 143–152 MB with this cap
 * (`node bench/compare-builds.mjs --mode stream --concurrency 256`, bench/README.md).
 */
export const GATEWAY_HEAP_GROWING_PERCENT = 60;

/**
 * Above this heap size limit V8 allows the old generation to grow by more than 60% (its ceiling
 * rises from 1.3× at 256 MB to 4× at 2 GiB). Below it V8 is already as strict or stricter: a
 * smaller pod keeps its own, smaller factor.
 */
export const CAPPED_ABOVE_HEAP_LIMIT_BYTES = 1100 * 1024 * 1024;

/** Flags by which an operator has chosen the heap's sizing: their choice stands. */
const HEAP_SIZING_FLAG = /--(?:max[-_]old[-_]space[-_]size|heap[-_]growing[-_]percent)(?:=|\s|$)/;

export interface HeapSizingContext {
  /** Node's own flags: `process.execArgv`. */
  execArgv: readonly string[];
  /** `process.env.NODE_OPTIONS`. */
  nodeOptions: string | undefined;
  /** `v8.getHeapStatistics().heap_size_limit`. */
  heapSizeLimitBytes: number;
}

/** Whether the gateway should cap the heap's growth: V8 sized it for a lot of memory and nobody chose otherwise. */
export function shouldCapHeapGrowth(context: HeapSizingContext): boolean {
  if (context.heapSizeLimitBytes <= CAPPED_ABOVE_HEAP_LIMIT_BYTES) return false;
  if (context.execArgv.some((flag) => HEAP_SIZING_FLAG.test(flag))) return false;
  return !HEAP_SIZING_FLAG.test(context.nodeOptions ?? '');
}

/**
 * Caps the old generation's growth for a long-running gateway process (never for a library user's
 * process: its heap policy is its owner's). V8 reads this flag each time it sets the next full
 * collection's limit, so setting it after start-up takes effect; a test holds that on this Node.
 * Returns whether it did.
 */
export function capHeapGrowth(
  context: HeapSizingContext = {
    execArgv: process.execArgv,
    nodeOptions: process.env.NODE_OPTIONS,
    heapSizeLimitBytes: getHeapStatistics().heap_size_limit,
  },
): boolean {
  if (!shouldCapHeapGrowth(context)) return false;
  setFlagsFromString(`--heap-growing-percent=${GATEWAY_HEAP_GROWING_PERCENT}`);
  return true;
}
