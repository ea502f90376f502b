import { InvalidRequestError } from '../spec/errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * LITER_LLM_LOG_LEVEL (any case, spaces ignored), `info` when it is unset or empty. Any other value
 * is refused with the valid ones: a typo (`verbose`) silently meant `info`, so the debug lines the
 * operator asked for never came. Kept apart from the logger so the CLI checks it without loading pino.
 */
export function resolveLogLevel(env: Record<string, string | undefined>): LogLevel {
  const requested = env['LITER_LLM_LOG_LEVEL']?.trim().toLowerCase() ?? '';
  if (requested === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(requested)) return requested as LogLevel;
  throw new InvalidRequestError({
    message: `LITER_LLM_LOG_LEVEL is ${JSON.stringify(env['LITER_LLM_LOG_LEVEL'])}; expected one of ${LOG_LEVELS.join(', ')}`,
  });
}
