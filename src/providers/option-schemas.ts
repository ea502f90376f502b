import { z } from 'zod';

// Option schemas carry the same plain-words messages as the config file's own keys
// (src/engine/config/config-file-schema.ts), so check-config reads alike for every key.

export function oneOfOption<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')}` }).optional();
}

export function positiveIntegerOption() {
  const message = 'expected a positive integer';
  return z.number({ error: message }).int({ error: message }).min(1, { error: message }).optional();
}

/** A definition without options of its own. */
export const NO_OPTIONS = z.strictObject({});
