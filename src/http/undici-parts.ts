import type { Dispatcher, Pool as UndiciPool } from 'undici';
import undiciRequestFunction from 'undici/lib/api/api-request.js';
import UndiciPoolClass from 'undici/lib/dispatcher/pool.js';

/**
 * The two parts of undici the transport uses, loaded from their own files instead of `undici`'s
 * index. The index loads everything undici has (fetch, WebSocket, EventSource, the cache store, the
 * mock agents, a dozen interceptors) and that code stays in memory for the life of the process:
 * loading these two files instead measured 8.5 MB less RSS (17.3 → 11.0 MB anonymous, 42.2 → 40.0 MB
 * file-backed). For a gateway whose memory target is 150 MB with 256 streams in flight, that matters.
 *
 * These paths are undici's files, not its documented entry point; `package.json` pins undici to one
 * version, and `undici-parts.test.ts` checks that they are the very objects the index exports, so
 * an upgrade that moves them fails that test rather than a user. They are static imports (typed in
 * undici-lib-modules.d.ts) rather than `createRequire` calls so that esbuild bundles them into the
 * standalone engine (scripts/build-engine-binary.mjs), which has no node_modules to require from.
 */

/** undici's `Pool`: the same class as `import { Pool } from 'undici'`. */
export const Pool = UndiciPoolClass as typeof UndiciPool;
export type Pool = UndiciPool;
export type PoolOptions = UndiciPool.Options;

type RequestFunction = (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;

/**
 * undici's `dispatcher.request(options)` as a plain function. The index grafts it onto every
 * dispatcher's prototype when it loads; without the index, it is called on the dispatcher.
 */
export const undiciRequest = undiciRequestFunction as RequestFunction;

export function sendUndiciRequest(dispatcher: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
  return undiciRequest.call(dispatcher, options);
}
