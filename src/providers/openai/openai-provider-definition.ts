import { NO_OPTIONS } from '../option-schemas.js';
import type { ProviderDefinition } from '../provider-definition.js';
import { createOpenAIProvider, OPENAI_DEFAULT_BASE_URL } from './create-openai-provider.js';

/** api.openai.com; the key and base URL variables are the ones OpenAI's own SDKs read. */
export const openAIProviderDefinition: ProviderDefinition = {
  type: 'openai',
  typeFromName: true,
  defaults: {
    baseURL: OPENAI_DEFAULT_BASE_URL,
    auth: 'bearer',
    apiKeyVariables: ['OPENAI_API_KEY'],
    baseURLVariable: 'OPENAI_BASE_URL',
  },
  optionsSchema: NO_OPTIONS,
  capabilities: { chat: true, stream: true, embed: true, tools: true, images: true, reasoning: true },
  create: ({ options: _options, ...settings }) => createOpenAIProvider({ ...settings, type: 'openai' }),
};
