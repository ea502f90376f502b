import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsJSONDepth } from './exceeds-json-depth.js';
import { findDeepNesting } from './find-deep-nesting.js';

describe('exceedsJSONDepth', () => {
  it('counts objects and arrays, not brackets inside strings or after escapes', () => {
    expect(exceedsJSONDepth('[[[]]]', 3)).toBe(false);
    expect(exceedsJSONDepth('[[[]]]', 2)).toBe(true);
    expect(exceedsJSONDepth('{"a":{"b":[1,2]},"c":{}}', 3)).toBe(false);
    expect(exceedsJSONDepth('{"a":{"b":[1,2]},"c":{}}', 2)).toBe(true);
    expect(exceedsJSONDepth(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(exceedsJSONDepth(JSON.stringify({ a: 'say \\"[[[[\\" \\\\', b: '"{{{' }), 1)).toBe(false);
    expect(exceedsJSONDepth(JSON.stringify({ 'k\\"[': ['\\\\', [[1]]] }), 3)).toBe(true);
    expect(exceedsJSONDepth('"[[["', 0)).toBe(false);
    expect(exceedsJSONDepth('12', 0)).toBe(false);
  });

  it('agrees with findDeepNesting on any JSON value', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', '[', ']', '{', '}', 'é') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        text,
        fc.integer(),
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(text, tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (json, maxDepth) => {
        expect(exceedsJSONDepth(JSON.stringify(json), maxDepth)).toBe(findDeepNesting(json, maxDepth) !== undefined);
      }),
    );
  });
});
