export * from '../openai-compatible/index.js';
export * from './convert-from-openai-embed-response.js';
export * from './convert-to-openai-embed-request.js';
export * from './decode-base64-embedding.js';
export * from './create-openai-provider.js';
export type * from './openai-provider-settings.js';
