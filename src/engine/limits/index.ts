export * from './create-memory-rate-limit-store.js';
export * from './estimate-tokens.js';
export * from './parse-rate-limit-headers.js';
export * from './provider-limiter.js';
export * from './rate-limit-store.js';
export * from './semaphore.js';
export * from './token-bucket.js';
