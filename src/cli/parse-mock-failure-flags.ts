import type { FailureOptions, MidStreamFailure } from '../testing/create-failing-handler.js';
import { UsageError } from './parse-cli-args.js';

export interface MockFailureFlags {
  'fail-rate'?: string | undefined;
  status?: string | undefined;
  'retry-after'?: string | undefined;
  'latency-ms'?: string | undefined;
  'fail-mid-stream'?: string | undefined;
}

const MODES: readonly MidStreamFailure[] = ['disconnect', 'error'];

/**
 * The failure flags of `liter-llm mock-provider`, checked (a usage error names the flag and what it
 * got), or undefined when none is given. A failure flag without --fail-rate fails every call: asking
 * for `--status 429` means wanting to see a 429.
 */
export function parseMockFailureFlags(flags: MockFailureFlags): FailureOptions | undefined {
  const given = Object.values(flags).some((value) => value !== undefined);
  if (!given) return undefined;
  const options: FailureOptions = {};
  const failRate = flags['fail-rate'];
  if (failRate !== undefined)
    options.failRate = parseNumber('--fail-rate', failRate, 'a fraction from 0 to 1', (value) => value >= 0 && value <= 1);
  else
    options.failRate =
      flags.status !== undefined || flags['retry-after'] !== undefined || flags['fail-mid-stream'] !== undefined ? 1 : 0;
  if (flags.status !== undefined)
    options.status = parseNumber(
      '--status',
      flags.status,
      'an HTTP error status from 400 to 599',
      (value) => Number.isInteger(value) && value >= 400 && value <= 599,
    );
  if (flags['retry-after'] !== undefined)
    options.retryAfterSeconds = parseNumber(
      '--retry-after',
      flags['retry-after'],
      'whole seconds (0 or more)',
      (value) => Number.isInteger(value) && value >= 0,
    );
  if (flags['latency-ms'] !== undefined)
    options.latencyMs = parseNumber(
      '--latency-ms',
      flags['latency-ms'],
      'milliseconds (0 or more)',
      (value) => Number.isInteger(value) && value >= 0,
    );
  const mode = flags['fail-mid-stream'];
  if (mode !== undefined) {
    if (!(MODES as readonly string[]).includes(mode))
      throw new UsageError(`--fail-mid-stream expects ${MODES.join(' or ')}, got "${mode}"`);
    options.failMidStream = mode as MidStreamFailure;
  }
  return options;
}

function parseNumber(flag: string, text: string, expected: string, valid: (value: number) => boolean): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !valid(value))
    throw new UsageError(`${flag} expects ${expected}, got "${text}"`);
  return value;
}
