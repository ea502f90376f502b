import { NotFoundError, ProviderUnavailableError, type LiterLLMError } from '../spec/errors.js';
import type { Candidate } from './candidate.js';
import type { EngineState } from './engine-state.js';
import type { ResolvedModel } from './resolve-model.js';

/**
 * Lazily yields what to try, in order: the first choice (a route's target picked by its strategy,
 * or the direct provider/model), then each fallback, recursively through fallback routes, each
 * route visited once. Lazy, so a route's strategy sees the state of the moment it is reached.
 * `skipped` collects why a route offered nothing (every circuit open), for the final error.
 */
export function* planCandidates(
  resolved: ResolvedModel,
  state: EngineState,
  maxRetriesOverride: number | undefined,
  skipped: LiterLLMError[],
): Generator<Candidate> {
  if (resolved.kind === 'direct') {
    const runtime = state.providers.get(resolved.target.provider);
    if (!runtime) throw new NotFoundError({ message: `provider "${resolved.target.provider}" is not configured`, param: 'model' });
    yield { runtime, model: resolved.target.model, maxRetries: maxRetriesOverride ?? runtime.config.maxRetries };
    return;
  }
  const visited = new Set<string>();
  yield* planRoute(resolved.route, state, maxRetriesOverride, visited, skipped);
}

function* planRoute(
  name: string,
  state: EngineState,
  maxRetriesOverride: number | undefined,
  visited: Set<string>,
  skipped: LiterLLMError[],
): Generator<Candidate> {
  if (visited.has(name)) return;
  visited.add(name);
  const route = state.routes.get(name);
  if (!route) return;
  const target = route.pick();
  if (target) {
    const runtime = state.providers.get(target.provider);
    if (runtime) {
      yield {
        runtime,
        model: target.model,
        maxRetries: maxRetriesOverride ?? route.config.maxRetries ?? runtime.config.maxRetries,
        route,
        target,
      };
    }
  } else {
    skipped.push(
      new ProviderUnavailableError({
        message: `every target of route "${name}" is out of service (circuit open after repeated failures)`,
      }),
    );
  }
  for (const fallback of route.config.fallbacks) {
    if (fallback.type === 'route') {
      yield* planRoute(fallback.route, state, maxRetriesOverride, visited, skipped);
      continue;
    }
    const runtime = state.providers.get(fallback.provider);
    if (runtime) yield { runtime, model: fallback.model, maxRetries: maxRetriesOverride ?? runtime.config.maxRetries };
  }
}
