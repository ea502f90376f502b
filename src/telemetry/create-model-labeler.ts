import type { RequestContext } from '../engine/engine-events.js';
import type { ModelInfo } from '../engine/engine.js';

/** How many distinct `provider/model` pairs learned from traffic become label values; the rest are "other". */
export const MAX_LEARNED_MODELS = 500;

export interface ModelLabeler {
  /**
   * The `model` label for a call: bounded, never free text the upstream rejected. `model` is the
   * model the call used with `provider` (default: the one of its last attempt).
   */
  labelOf(context: RequestContext, provider: string, model?: string): string;
  /** Models the config names (`provider/model` ids), accepted as labels from the start. */
  seed(models: Iterable<ModelInfo>): void;
}

/**
 * Keeps the `model` label to a bounded set. A route's targets and fallbacks come from the config,
 * so they are always fine; a `provider/model` the caller typed is free text until an upstream has
 * served it once (a made-up name gets a 404, never a success). Until then a failure is labelled
 * "unknown", and past MAX_LEARNED_MODELS distinct served models (servers that ignore the model
 * field, like llama.cpp) new ones are labelled "other".
 */
export function createModelLabeler(maxLearned = MAX_LEARNED_MODELS): ModelLabeler {
  const known = new Set<string>();
  let learned = 0;
  return {
    labelOf(context, provider, model = context.model) {
      if (model === undefined) return context.route ?? 'unknown';
      if (context.route !== undefined) return model;
      const key = `${provider}/${model}`;
      if (known.has(key)) return model;
      if (context.error !== undefined) return 'unknown';
      if (learned >= maxLearned) return 'other';
      learned++;
      known.add(key);
      return model;
    },
    seed(models) {
      for (const info of models) if (info.kind === 'provider-model') known.add(info.id);
    },
  };
}
