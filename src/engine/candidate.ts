import type { ProviderRuntime } from './provider-runtime.js';
import type { RouteRuntime, TargetHandle } from './route-runtime.js';

/** One provider+model the engine may try for a call, with the retries it allows. */
export interface Candidate {
  runtime: ProviderRuntime;
  model: string;
  maxRetries: number;
  /** Set when the candidate was picked from a route (for breaker and latency bookkeeping). */
  route?: RouteRuntime;
  target?: TargetHandle;
}
