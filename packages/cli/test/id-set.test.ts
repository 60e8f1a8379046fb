import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../src/id-set';

describe('IdSet', () => {
  it('adds each id once, across growth and rehashing', () => {
    const ids = new IdSet();
    let added = 0;
    for (let i = 0; i < 50_000; i++) if (ids.add(`c${i}-o${i % 7}`)) added++;
    for (let i = 0; i < 50_000; i += 7) if (ids.add(`c${i}-o${i % 7}`)) added++;
    expect(added).toBe(50_000);
    expect(ids.add('c1-o2')).toBe(true);
    ids.clear();
    expect(ids.add('c0-o0')).toBe(true);
  });

  it('keeps ids that differ only in length or in characters beyond Latin-1 apart', () => {
    const ids = new IdSet();
    expect(ids.add('ab')).toBe(true);
    expect(ids.add('abc')).toBe(true);
    expect(ids.add('a')).toBe(true);
    expect(ids.add('é')).toBe(true);
    expect(ids.add('订单1')).toBe(true);
    expect(ids.add('订单2')).toBe(true);
    for (const id of ['ab', 'abc', 'a', 'é', '订单1', '订单2']) expect(ids.add(id)).toBe(false);
    expect(ids.add('')).toBe(true);
    expect(ids.add('')).toBe(false);
  });

  it('agrees with a Set on any sequence of strings', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 4, unit: 'grapheme' }), { maxLength: 300 }), (xs) => {
        const ids = new IdSet();
        const seen = new Set<string>();
        for (const x of xs) {
          expect(ids.add(x)).toBe(!seen.has(x));
          seen.add(x);
        }
      }),
    );
  });
});
