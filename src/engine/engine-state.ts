import type { LiterLLMConfig } from './config/liter-llm-config.js';
import type { RateLimitStore } from './limits/rate-limit-store.js';
import type { FleetConcurrency } from './limits/shared-limiter-options.js';
import type { ProviderFactories } from './provider-factories.js';
import { createProviderRuntime, limiterSettingsOf, needsNewAdapter, type ProviderRuntime } from './provider-runtime.js';
import { RouteRuntime } from './route-runtime.js';

/** Everything a call needs, built from one config. Calls keep the state they started with. */
export interface EngineState {
  config: LiterLLMConfig;
  providers: Map<string, ProviderRuntime>;
  routes: Map<string, RouteRuntime>;
  routeNames: ReadonlySet<string>;
  providerNames: ReadonlySet<string>;
}

export interface BuildStateResult {
  state: EngineState;
  /** Runtimes of the previous state that the new one no longer uses: close them once idle. */
  retired: ProviderRuntime[];
}

/**
 * Builds the live state for a config. Given the previous state (hot reload), it keeps each
 * provider whose connection settings did not change, resizing its limiter in place so current
 * budgets and in-flight counts survive, and keeps route state (breakers, latency averages) for
 * routes whose targets did not change.
 */
export function buildEngineState(
  config: LiterLLMConfig,
  factories: ProviderFactories,
  store: RateLimitStore,
  random: (() => number) | undefined,
  previous?: EngineState,
  fleet?: FleetConcurrency,
): BuildStateResult {
  const providers = new Map<string, ProviderRuntime>();
  const retired: ProviderRuntime[] = [];
  for (const [name, providerConfig] of Object.entries(config.providers)) {
    const old = previous?.providers.get(name);
    if (old && !needsNewAdapter(old.config, providerConfig)) {
      old.limiter.resize(limiterSettingsOf(providerConfig));
      old.config = providerConfig;
      providers.set(name, old);
    } else {
      providers.set(name, createProviderRuntime(providerConfig, factories, store, fleet));
      if (old) retired.push(old);
    }
  }
  for (const [name, old] of previous?.providers ?? []) {
    if (!providers.has(name)) retired.push(old);
  }
  const disabled = new Set(Object.values(config.providers).flatMap((each) => (each.enabled ? [] : [each.name])));
  const routes = new Map<string, RouteRuntime>();
  for (const [name, routeConfig] of Object.entries(config.routes)) {
    const old = previous?.routes.get(name);
    routes.set(
      name,
      old?.sameTargets(routeConfig)
        ? old.withConfig(routeConfig, disabled)
        : new RouteRuntime(routeConfig, random, undefined, disabled),
    );
  }
  return {
    state: { config, providers, routes, routeNames: new Set(routes.keys()), providerNames: new Set(providers.keys()) },
    retired,
  };
}
