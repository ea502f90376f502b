import type { ConfigStoreListener } from './config-store.js';
import { describeErrorBriefly } from './describe-error-briefly.js';

/** Whether a store answers, told once per change: one line when it is lost, one when it is back. */
export interface ReachabilityNotices {
  lost(error: unknown): void;
  answered(): void;
}

export function createReachabilityNotices(name: string, listener: ConfigStoreListener): ReachabilityNotices {
  let down = false;
  return {
    lost(error) {
      if (!down) {
        listener.onNotice(
          `${name} is unreachable (${describeErrorBriefly(error)}): the routes and flags in force stay; retrying`,
        );
      }
      down = true;
    },
    answered() {
      if (down) listener.onNotice(`${name} answers again: its keys are read and watched`);
      down = false;
    },
  };
}
