export * from './convert-from-huggingface-embeddings.js';
export * from './convert-from-tgi-generate-response.js';
export * from './convert-tgi-generate-stream.js';
export * from './convert-to-tgi-generate-request.js';
export * from './create-huggingface-provider.js';
export type * from './huggingface-api.js';
export type * from './huggingface-provider-settings.js';
export * from './map-huggingface-error.js';
export * from './render-tgi-inputs.js';
