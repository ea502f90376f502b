export * from './create-upstream-error.js';
export * from './http-transport.js';
export * from './map-http-status.js';
export * from './map-network-error.js';
export * from './parse-retry-after.js';
export * from './sse-parser.js';
export * from './redact-secrets.js';
export * from './send-request.js';
