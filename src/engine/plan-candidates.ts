import { NotFoundError, ProviderUnavailableError, type LiterLLMError } from '../spec/errors.js';
import type { Candidate } from './candidate.js';
import type { EngineState } from './engine-state.js';
import type { ResolvedModel } from './resolve-model.js';

/**
 * What to try, in order: the direct provider/model, or a route's first choice (its target picked by
 * its strategy), then each fallback, recursively through fallback routes, each route visited once.
 * Routes are walked lazily, so a route's strategy sees the state of the moment it is reached.
 * `skipped` collects why a route offered nothing (every circuit open, every target disabled), for
 * the final error. An unconfigured provider throws NotFoundError at once; a disabled one
 * (`enabled: false`) ProviderUnavailableError. Routes never pick a disabled provider's targets
 * (RouteRuntime.enabledTargets) and skip its fallbacks.
 */
export function planCandidates(
  resolved: ResolvedModel,
  state: EngineState,
  maxRetriesOverride: number | undefined,
  skipped: LiterLLMError[],
): Iterable<Candidate> {
  if (resolved.kind === 'direct') {
    // One candidate, known now: an array, not a generator (this is every direct call's path).
    const runtime = state.providers.get(resolved.target.provider);
    if (!runtime)
      throw new NotFoundError({ message: `provider "${resolved.target.provider}" is not configured`, param: 'model' });
    if (!runtime.config.enabled) throw describeDisabled(runtime.config.name);
    return [{ runtime, model: resolved.target.model, maxRetries: maxRetriesOverride ?? runtime.config.maxRetries }];
  }
  return planRoute(resolved.route, state, maxRetriesOverride, new Set<string>(), skipped);
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
    if (runtime?.config.enabled) {
      yield {
        runtime,
        model: target.model,
        maxRetries: maxRetriesOverride ?? route.config.maxRetries ?? runtime.config.maxRetries,
        route,
        target,
      };
    }
  } else if (route.enabledTargets.length === 0) {
    skipped.push(describeDisabled(route.config.targets.map((each) => each.provider).join(', '), name));
  } else {
    const retryAfterMs = route.msUntilAvailable();
    skipped.push(
      new ProviderUnavailableError({
        message: `every target of route "${name}" is out of service (circuit open after repeated failures)`,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      }),
    );
  }
  for (const fallback of route.config.fallbacks) {
    if (fallback.type === 'route') {
      yield* planRoute(fallback.route, state, maxRetriesOverride, visited, skipped);
      continue;
    }
    const runtime = state.providers.get(fallback.provider);
    if (runtime && !runtime.config.enabled) skipped.push(describeDisabled(fallback.provider));
    else if (runtime) yield { runtime, model: fallback.model, maxRetries: maxRetriesOverride ?? runtime.config.maxRetries };
  }
}

/** A provider switched off (`enabled: false`, usually a config_source flag): not retryable here. */
function describeDisabled(providers: string, route?: string): LiterLLMError {
  const subject = route === undefined ? `provider "${providers}" is` : `every target of route "${route}" (${providers}) is`;
  return new ProviderUnavailableError({
    message: `${subject} disabled (enabled: false)`,
    ...(route === undefined && { provider: providers }),
  });
}
