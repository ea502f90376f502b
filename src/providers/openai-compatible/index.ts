// The OpenAI chat wire that every OpenAI-compatible adapter shares (OpenAI's own, Hugging Face's
// router and TGI, and the presets over openai-compatible).
export * from './convert-from-openai-chat-response.js';
export * from './convert-openai-chat-stream.js';
export * from './convert-openai-tool-call.js';
export * from './convert-to-openai-chat-request.js';
export * from './map-openai-error.js';
export * from './map-openai-finish-reason.js';
export * from './map-openai-usage.js';
export type * from './openai-api.js';
export * from './send-openai-chat.js';
