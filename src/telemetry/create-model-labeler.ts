import type { RequestContext } from '../engine/engine-events.js';
import type { ModelInfo } from '../engine/engine.js';

/** How many distinct models learned from traffic become label values, per provider; the rest are "other". */
export const MAX_LEARNED_MODELS = 100;

/**
 * The longest `model` label value; a longer one is "other". The engine refuses longer model names
 * than this (256 bytes) from callers, but a route's target comes from the config, written by hand.
 */
export const MAX_MODEL_LABEL_LENGTH = 256;

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
 * Keeps the `model` label to a bounded set, in count and in length. A route's targets and
 * fallbacks come from the config, so they are always fine; a `provider/model` the caller typed is
 * free text until an upstream has served it once (a made-up name gets a 404, never a success).
 * Until then a failure is labelled "unknown". Past `maxLearned` distinct served models of one
 * provider (servers that accept any model name, like llama.cpp or an echo), its new ones are
 * labelled "other": counted per provider, so such a server cannot use up the labels of the others.
 * Per provider the labels are thus the configured models and routes, at most `maxLearned` more,
 * "other" and "unknown".
 */
export function createModelLabeler(maxLearned = MAX_LEARNED_MODELS): ModelLabeler {
  const known = new Set<string>();
  const learnedPerProvider = new Map<string, number>();
  return {
    labelOf(context, provider, model = context.model) {
      if (model === undefined) return bounded(context.route ?? 'unknown');
      if (model.length > MAX_MODEL_LABEL_LENGTH) return 'other';
      if (context.route !== undefined) return model;
      const key = `${provider}/${model}`;
      if (known.has(key)) return model;
      if (context.error !== undefined) return 'unknown';
      const learned = learnedPerProvider.get(provider) ?? 0;
      if (learned >= maxLearned) return 'other';
      learnedPerProvider.set(provider, learned + 1);
      known.add(key);
      return model;
    },
    seed(models) {
      for (const info of models) if (info.kind === 'provider-model') known.add(info.id);
    },
  };
}

function bounded(label: string): string {
  return label.length > MAX_MODEL_LABEL_LENGTH ? 'other' : label;
}
