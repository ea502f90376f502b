export * from './circuit-breaker.js';
export * from './is-target-health-failure.js';
export * from './route-state.js';
export * from './route-target.js';
export * from './select-target.js';
