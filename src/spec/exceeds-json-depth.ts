/**
 * True when the JSON text `text` nests objects and arrays deeper than `maxDepth` levels. Reads the
 * text rather than the parsed value: it finds each bracket and quote with the native `indexOf`,
 * where a walk over the parsed value reads every number of an embedding answer (2.4 million in a
 * 50 MB one: 110 ms, and 50 MB of boxed numbers on Node 20; this scan: 8 ms, nothing allocated).
 * Meant for text that JSON.parse accepted; on other text the answer means nothing. On small texts
 * the walk is cheaper (find-deep-nesting-in-json.ts chooses).
 */
export function exceedsJSONDepth(text: string, maxDepth: number): boolean {
  // The next occurrence of each character that matters, at or after `position` (-1: none left).
  let position: number;
  let openBrace = text.indexOf('{');
  let openBracket = text.indexOf('[');
  let closeBrace = text.indexOf('}');
  let closeBracket = text.indexOf(']');
  let quote = text.indexOf('"');
  let depth = 0;
  for (;;) {
    let next = Number.MAX_SAFE_INTEGER;
    if (openBrace !== -1 && openBrace < next) next = openBrace;
    if (openBracket !== -1 && openBracket < next) next = openBracket;
    if (closeBrace !== -1 && closeBrace < next) next = closeBrace;
    if (closeBracket !== -1 && closeBracket < next) next = closeBracket;
    if (quote !== -1 && quote < next) next = quote;
    if (next === Number.MAX_SAFE_INTEGER) return false;
    if (next === quote) {
      // Skip the string: brackets inside it do not count.
      let end = text.indexOf('"', next + 1);
      // A backslash before it: that quote may be escaped. The string is then read character by
      // character from its start, which stays linear where restarting indexOf at every escaped
      // quote took 0.6 s for 15 million of them in 60 MB.
      if (end !== -1 && text.charCodeAt(end - 1) === 92) end = findStringEnd(text, next + 1);
      if (end === -1) return false;
      position = end + 1;
      quote = text.indexOf('"', position);
      if (openBrace !== -1 && openBrace < position) openBrace = text.indexOf('{', position);
      if (openBracket !== -1 && openBracket < position) openBracket = text.indexOf('[', position);
      if (closeBrace !== -1 && closeBrace < position) closeBrace = text.indexOf('}', position);
      if (closeBracket !== -1 && closeBracket < position) closeBracket = text.indexOf(']', position);
      continue;
    }
    position = next + 1;
    if (next === openBrace || next === openBracket) {
      depth++;
      if (depth > maxDepth) return true;
      if (next === openBrace) openBrace = text.indexOf('{', position);
      else openBracket = text.indexOf('[', position);
    } else {
      depth--;
      if (next === closeBrace) closeBrace = text.indexOf('}', position);
      else closeBracket = text.indexOf(']', position);
    }
  }
}

/** Where the string whose contents start at `start` ends (its closing quote), or -1. */
function findStringEnd(text: string, start: number): number {
  const length = text.length;
  for (let index = start; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === 92 /* \ */) index++;
    else if (code === 34 /* " */) return index;
  }
  return -1;
}
