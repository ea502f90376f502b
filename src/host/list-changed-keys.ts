import { isDeepStrictEqual } from 'node:util';
import { convertCamelToSnake } from '../engine/config/convert-key-case.js';

/** The keys of one config section that differ, except the `live` ones, as file paths (`server.drain_timeout_ms`). */
export function listChangedKeys(section: string, running: object, next: object, live: ReadonlySet<string> = new Set()): string[] {
  const before = running as Record<string, unknown>;
  const after = next as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => !live.has(key) && !isDeepStrictEqual(before[key], after[key]))
    .map((key) => `${section}.${convertCamelToSnake(key)}`);
}
