export type * from './chat-request.js';
export type * from './chat-response.js';
export type * from './embed.js';
export * from './provider.js';
export type * from './stream-event.js';
export type * from './warning.js';
export * from './error-codes.js';
export * from './errors.js';
