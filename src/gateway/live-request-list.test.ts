import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LiveRequestList } from './live-request-list.js';

class Item {
  previousLive: Item | undefined = undefined;
  nextLive: Item | undefined = undefined;
  constructor(readonly id: number) {}
}

describe('LiveRequestList', () => {
  it('holds exactly the items added and not yet removed, for any order of adds and removes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 9 })), { maxLength: 60 }), (steps) => {
        const list = new LiveRequestList<Item>();
        const items = Array.from({ length: 10 }, (_, id) => new Item(id));
        const expected = new Set<number>();
        for (const [add, id] of steps) {
          const item = items[id]!;
          if (add && !expected.has(id)) {
            list.add(item);
            expected.add(id);
          } else if (!add) {
            list.delete(item);
            expected.delete(id);
          }
        }
        expect(new Set(list.toArray().map((item) => item.id))).toEqual(expected);
        expect(list.toArray()).toHaveLength(expected.size);
      }),
      { numRuns: 500 },
    );
  });

  it('lets the caller remove items while going through a copy', () => {
    const list = new LiveRequestList<Item>();
    const items = [new Item(1), new Item(2), new Item(3)];
    for (const item of items) list.add(item);
    for (const item of list.toArray()) list.delete(item);
    expect(list.toArray()).toEqual([]);
    list.delete(items[0]!);
    expect(list.toArray()).toEqual([]);
  });
});
