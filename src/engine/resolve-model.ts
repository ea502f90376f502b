import { NotFoundError } from '../spec/errors.js';

export interface ModelTarget {
  provider: string;
  model: string;
}

export type ResolvedModel = { kind: 'route'; route: string } | { kind: 'direct'; target: ModelTarget };

/**
 * `provider/model` addresses a configured provider directly (the model id may itself contain
 * slashes: `huggingface/meta-llama/Llama-3.1-8B-Instruct`); any other name must be a route.
 * Routes win when a route name and a provider prefix collide, so operators can override.
 * `keyVariableOf` names the variable that would enable an unconfigured provider (from the provider
 * registry); it is asked only when the model is not found.
 */
export function resolveModel(
  model: string,
  routes: ReadonlySet<string>,
  providers: ReadonlySet<string>,
  keyVariableOf: (provider: string) => string | undefined = () => undefined,
): ResolvedModel {
  if (routes.has(model)) return { kind: 'route', route: model };
  const slash = model.indexOf('/');
  if (slash > 0 && slash < model.length - 1) {
    const provider = model.slice(0, slash);
    if (providers.has(provider)) return { kind: 'direct', target: { provider, model: model.slice(slash + 1) } };
    const envKey = keyVariableOf(provider);
    const hint = envKey
      ? ` Set ${envKey} or add providers.${provider} to the config.`
      : ` Add providers.${provider} (with a type and base_url) to the config.`;
    throw new NotFoundError({ message: `model "${model}": provider "${provider}" is not configured.${hint}`, param: 'model' });
  }
  const known = [...routes].slice(0, 10).join(', ');
  throw new NotFoundError({
    message: `model "${model}" is neither a configured route nor "provider/model"${known ? ` (routes: ${known})` : ''}`,
    param: 'model',
  });
}
