import { describe, expect, it } from 'vitest';
import { findDeepNesting, MAX_JSON_DEPTH } from './find-deep-nesting.js';

/** `{"properties":{"a":{"properties":{"a":…}}}}` with `levels` objects in all. */
function nestedSchema(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { type: 'string' };
  for (let level = 1; level < levels; level++) value = level % 2 === 1 ? { a: value } : { properties: value };
  return value;
}

function nestedArrays(levels: number): unknown {
  return JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
}

describe('findDeepNesting', () => {
  it('accepts values up to the limit and scalars', () => {
    expect(findDeepNesting(nestedArrays(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findDeepNesting(nestedSchema(MAX_JSON_DEPTH))).toBeUndefined();
    expect(findDeepNesting('text')).toBeUndefined();
    expect(findDeepNesting(null)).toBeUndefined();
    expect(findDeepNesting({ a: [1, 2, { b: [null, 'x'] }], c: {} }, 4)).toBeUndefined();
  });

  it('names the path of the first value one level past the limit', () => {
    expect(findDeepNesting(nestedArrays(MAX_JSON_DEPTH + 1))).toMatch(/^(\[0\])+…?$/);
    expect(findDeepNesting({ a: [1, 2, { b: [null, 'x'] }] }, 3)).toBe('a[2].b');
    expect(findDeepNesting({ ok: { x: 1 }, bad: [[[]]] }, 3, 'tools[0]')).toBe('tools[0].bad[0][0]');
  });

  it('walks 100,000 levels without overflowing the stack, and keeps the path short', () => {
    const path = findDeepNesting({ tools: [{ function: { parameters: nestedSchema(100_000) } }] });
    expect(path).toMatch(/^tools\[0\]\.function\.parameters\.a\.properties\.a\./);
    expect(path!.length).toBeLessThanOrEqual(201);
  });

  it('cuts a huge key in the path', () => {
    const key = 'k'.repeat(1_000_000);
    const path = findDeepNesting({ [key]: [[]] }, 2);
    expect(path).toBe(`${'k'.repeat(32)}…[0]`);
  });

  it('finds a deep value after long arrays of numbers', () => {
    const embedding = Array.from({ length: 3072 }, () => 0.5);
    expect(findDeepNesting({ data: [{ embedding }, { embedding: [...embedding, [[1]]] }] }, 4)).toBe('data[1].embedding[3072]');
  });
});
