import { exceedsJSONDepth } from './exceeds-json-depth.js';
import { findDeepNesting, MAX_JSON_DEPTH } from './find-deep-nesting.js';

// Below this, walking the parsed value is cheaper (0.2 µs for a chat completion, where scanning its
// text took 2.5 µs); above it, an answer is mostly numbers, which the walk reads one by one.
const SCAN_TEXT_FROM_LENGTH = 64 * 1024;

/**
 * findDeepNesting for a value just parsed from the JSON text `text`: the path of the first object or
 * array nested deeper than `maxDepth`, or undefined. A large text is scanned first (exceedsJSONDepth:
 * 8 ms for a 50 MB embedding answer, where the walk took 110 ms and boxed every number); the value is
 * then walked only when it is too deep, to name where.
 */
export function findDeepNestingInJSON(text: string, value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  if (text.length >= SCAN_TEXT_FROM_LENGTH && !exceedsJSONDepth(text, maxDepth)) return undefined;
  return findDeepNesting(value, maxDepth);
}
