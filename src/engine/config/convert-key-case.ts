/** Whether keys are written as in a file (snake_case) or as in TypeScript (camelCase). */
export type KeyStyle = 'snake' | 'camel';

// Acronyms stay upper-case in camelCase names (baseURL, chatAPI), as in the rest of the code base.
const ACRONYMS = new Set(['url', 'api']);

/** `base_url` → `baseURL`, `max_queue_wait_ms` → `maxQueueWaitMs`, `api_key` → `apiKey`. */
export function convertSnakeToCamel(key: string): string {
  const [first = '', ...rest] = key.split('_');
  return (
    first + rest.map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1))).join('')
  );
}

/** `baseURL` → `base_url`, `maxConcurrency` → `max_concurrency`; snake_case passes through. */
export function convertCamelToSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

export function formatKey(snakeKey: string, style: KeyStyle): string {
  return style === 'camel' ? convertSnakeToCamel(snakeKey) : snakeKey;
}
