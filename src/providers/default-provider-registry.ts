import { anthropicProviderDefinition } from './anthropic/anthropic-provider-definition.js';
import { huggingFaceProviderDefinition } from './huggingface/huggingface-provider-definition.js';
import { openAIProviderDefinition } from './openai/openai-provider-definition.js';
import { openAICompatibleProviderDefinition } from './openai-compatible/openai-compatible-provider-definition.js';
import { createProviderRegistry } from './provider-registry.js';

/**
 * The providers Liter-LLM ships, in the order messages and listings name them. Adding a provider is
 * its folder plus one line here.
 */
export const defaultProviderRegistry = createProviderRegistry([
  openAIProviderDefinition,
  anthropicProviderDefinition,
  huggingFaceProviderDefinition,
  openAICompatibleProviderDefinition,
]);
