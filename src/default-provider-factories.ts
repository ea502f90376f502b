import type { ProviderConfig } from './engine/config/liter-llm-config.js';
import type { ProviderFactories } from './engine/provider-factories.js';
import type { HTTPTransport } from './http/http-transport.js';
import { createAnthropicProvider } from './providers/anthropic/create-anthropic-provider.js';
import { createHuggingFaceProvider } from './providers/huggingface/create-huggingface-provider.js';
import { createOpenAIProvider } from './providers/openai/create-openai-provider.js';

function commonSettings(config: ProviderConfig, transport: HTTPTransport) {
  return {
    name: config.name,
    baseURL: config.baseURL,
    headers: config.headers,
    transport,
    ...(config.apiKey !== undefined && { apiKey: config.apiKey }),
  };
}

/** The real adapters, by provider type; the engine receives them injected. */
export const defaultProviderFactories: ProviderFactories = {
  openai: (config, transport) => createOpenAIProvider({ ...commonSettings(config, transport), type: 'openai' }),
  'openai-compatible': (config, transport) =>
    createOpenAIProvider({ ...commonSettings(config, transport), type: 'openai-compatible' }),
  anthropic: (config, transport) =>
    createAnthropicProvider({
      ...commonSettings(config, transport),
      ...(config.defaultMaxTokens !== undefined && { defaultMaxTokens: config.defaultMaxTokens }),
    }),
  huggingface: (config, transport) =>
    createHuggingFaceProvider({
      ...commonSettings(config, transport),
      ...(config.chatAPI !== undefined && { chatAPI: config.chatAPI }),
      ...(config.embedAPI !== undefined && { embedAPI: config.embedAPI }),
    }),
};
