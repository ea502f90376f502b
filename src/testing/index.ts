export * from './load-fixture.js';
export * from './mock-provider-server.js';
export * from './echo-anthropic-handler.js';
export * from './echo-openai-handler.js';
export * from './echo-huggingface-handler.js';
export * from './create-failing-handler.js';
