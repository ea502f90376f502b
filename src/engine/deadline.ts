import { TimeoutError } from '../spec/errors.js';
import { LightAbortController } from '../spec/light-abort-controller.js';

// AbortController construction is among the costliest things a call does on Node 20 (EventTarget
// set-up); a call with no signal and no deadline shares this one, which nothing ever aborts.
const NEVER_ABORTED = new AbortController().signal;
const noop = () => {};

export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer but keeps forwarding the caller's abort (a stream that has started). */
  stopTimer(): void;
  /** Stops the timer and the forwarding; call when the guarded work has ended. */
  clear(): void;
}

/**
 * A signal that aborts when the caller aborts or when `timeoutMs` passes, whichever comes first.
 * On timeout the reason is a TimeoutError, so adapters report `timeout` rather than `cancelled`.
 */
export function createDeadline(parent: AbortSignal | undefined, timeoutMs: number | undefined, describe: () => string): Deadline {
  if (timeoutMs === undefined || timeoutMs <= 0 || !Number.isFinite(timeoutMs)) {
    return { signal: parent ?? NEVER_ABORTED, stopTimer: noop, clear: noop };
  }
  if (parent === NEVER_ABORTED) parent = undefined;
  const controller = new LightAbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => {
    controller.abort(new TimeoutError({ message: `${describe()} timed out after ${timeoutMs} ms` }));
  }, timeoutMs);
  timer.unref?.();
  return {
    signal: controller.signal,
    stopTimer: () => clearTimeout(timer),
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
