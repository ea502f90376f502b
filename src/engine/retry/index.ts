export * from './compute-backoff-ms.js';
export * from './retry-delay-ms.js';
export * from './should-retry.js';
export * from './should-fall-back.js';
