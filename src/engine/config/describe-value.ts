import { looksLikeSecret } from './looks-like-secret.js';

const MAX_SHOWN = 60;

/** How a wrong value is quoted in a message: strings in quotes (shortened), containers by kind. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': {
      if (looksLikeSecret(value)) return 'a string that may hold a secret (not shown)';
      // A URL may carry a password (scheme://user:password@host); that part is never shown.
      const shown = value.replace(/\/\/[^/@\s]*@/g, '//…@');
      return JSON.stringify(shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown);
    }
    case 'object':
      return 'a mapping';
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    default:
      // number, boolean or bigint here; typeof narrowing does not reach the linter.
      // eslint-disable-next-line @typescript-eslint/no-base-to-string
      return String(value);
  }
}
