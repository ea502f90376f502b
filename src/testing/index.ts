export * from './load-fixture.js';
export * from './mock-provider-server.js';
export * from './echo-anthropic-handler.js';
