import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { ConfigPath } from './config-path.js';

/**
 * The line and column of the deepest part of `path` present in the document: a mapping entry's
 * key (that is what a typo or a wrong value sits next to), a list item, or the nearest parent when
 * the path names a key that is missing.
 */
export function locateYAMLPath(
  document: Document,
  lineCounter: LineCounter,
  path: ConfigPath,
): { line: number; column: number } | undefined {
  let current: unknown = document.contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(current)) {
      const pair = current.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      current = pair.value;
    } else if (isSeq(current) && typeof segment === 'number') {
      const item = current.items[segment];
      if (item === undefined) break;
      offset = (item as Node).range?.[0] ?? offset;
      current = item;
    } else break;
  }
  if (offset === undefined) return undefined;
  const position = lineCounter.linePos(offset);
  return { line: position.line, column: position.col };
}
