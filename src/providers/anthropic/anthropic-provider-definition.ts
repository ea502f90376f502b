import { z } from 'zod';
import { positiveIntegerOption } from '../option-schemas.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicProvider } from './create-anthropic-provider.js';

const anthropicOptionsSchema = z.strictObject({
  /** max_tokens sent when a request has none (Anthropic requires it). */
  default_max_tokens: positiveIntegerOption(),
});

/** The Messages API; the key travels as `x-api-key`, as Anthropic's own SDKs send it. */
export const anthropicProviderDefinition: ProviderDefinition = {
  type: 'anthropic',
  typeFromName: true,
  defaults: {
    baseURL: ANTHROPIC_DEFAULT_BASE_URL,
    auth: 'x-api-key',
    apiKeyVariables: ['ANTHROPIC_API_KEY'],
    baseURLVariable: 'ANTHROPIC_BASE_URL',
  },
  optionsSchema: anthropicOptionsSchema,
  capabilities: { chat: true, stream: true, embed: false, tools: true, images: true, reasoning: true },
  create: ({ options, ...settings }) => {
    const { defaultMaxTokens } = options as { defaultMaxTokens?: number };
    return createAnthropicProvider({ ...settings, ...(defaultMaxTokens !== undefined && { defaultMaxTokens }) });
  },
};
