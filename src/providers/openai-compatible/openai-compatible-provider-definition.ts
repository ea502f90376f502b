import { NO_OPTIONS } from '../option-schemas.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { createOpenAIProvider } from '../openai/create-openai-provider.js';

/**
 * Any server that speaks OpenAI's chat API (Ollama, vLLM, llama.cpp...). It has no public endpoint,
 * so `base_url` is required, and no name of its own: a provider of this type always says `type`.
 */
export const openAICompatibleProviderDefinition: ProviderDefinition = {
  type: 'openai-compatible',
  typeFromName: false,
  description: 'for Ollama, vLLM, llama.cpp and similar servers',
  defaults: {
    baseURLExample: 'http://localhost:11434/v1',
    auth: 'bearer',
    apiKeyVariables: [],
  },
  optionsSchema: NO_OPTIONS,
  capabilities: { chat: true, stream: true, embed: true, tools: true, images: true, reasoning: true },
  create: ({ options: _options, ...settings }) => createOpenAIProvider({ ...settings, type: 'openai-compatible' }),
};
