import { Money, parseOrder, ValidationError } from '@crmkit/core';
import { abcClasses } from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('abcClasses', () => {
  it('A is the smallest top group reaching 80 %, B the next up to 95 % (hand-checked)', () => {
    const result = abcClasses([
      { id: 'c', value: 150 },
      { id: 'a', value: 500 },
      { id: 'd', value: 50 },
      { id: 'b', value: 300 },
    ]);
    expect(result.assignments).toEqual([
      { id: 'c', class: 'B', shareBefore: 0.8 },
      { id: 'a', class: 'A', shareBefore: 0 },
      { id: 'd', class: 'C', shareBefore: 0.95 },
      { id: 'b', class: 'A', shareBefore: 0.5 },
    ]);
    expect(result.total.toString()).toBe('1000');
    expect(
      result.classes.map((c) => [c.name, c.count, c.customerShare, c.total.toString(), c.valueShare]),
    ).toEqual([
      ['A', 2, 0.5, '800', 0.8],
      ['B', 1, 0.25, '150', 0.15],
      ['C', 1, 0.25, '50', 0.05],
    ]);
  });

  it('puts the customer who crosses the boundary in the upper class, even the very first', () => {
    const result = abcClasses([
      { id: 'whale', value: 9000 },
      { id: 'x', value: 600 },
      { id: 'y', value: 400 },
    ]);
    expect(result.assignments.map((a) => a.class)).toEqual(['A', 'B', 'C']);
  });

  it('sums Money exactly and keeps the currency; losses and zeros fall in the last class', () => {
    const result = abcClasses(
      [
        { id: 'a', value: Money.of('0.10', 'EUR') },
        { id: 'b', value: Money.of('0.20', 'EUR') },
        { id: 'c', value: Money.of('-5.00', 'EUR') },
        { id: 'd', value: Money.of('0', 'EUR') },
      ],
      { classes: [{ name: 'A', upTo: 0.5 }, { name: 'B' }] },
    );
    expect(result.currency).toBe('EUR');
    expect(result.total.toString()).toBe('0.3');
    expect(result.assignments.map((a) => a.class)).toEqual(['B', 'A', 'B', 'B']);
    expect(result.classes[1]!.total.toString()).toBe('-4.9');
  });

  it('orders equal values by id and handles empty input and no positive value', () => {
    const tied = abcClasses([
      { id: 'z', value: 10 },
      { id: 'y', value: 10 },
    ]);
    expect(tied.assignments).toEqual([
      { id: 'z', class: 'A', shareBefore: 0.5 },
      { id: 'y', class: 'A', shareBefore: 0 },
    ]);
    expect(abcClasses([]).classes.map((c) => c.count)).toEqual([0, 0, 0]);
    expect(abcClasses([{ id: 'a', value: 0 }]).assignments[0]!.class).toBe('C');
  });

  it('rejects bad classes and values with paths', () => {
    const paths = (run: () => unknown) => {
      try {
        run();
        return [];
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    expect(
      paths(() =>
        abcClasses([], { classes: [{ name: 'A', upTo: 0.9 }, { name: 'B', upTo: 0.8 }, { name: 'C' }] }),
      ),
    ).toEqual(['classes.1.upTo']);
    expect(
      paths(() =>
        abcClasses([], {
          classes: [
            { name: 'A', upTo: 0.9 },
            { name: 'B', upTo: 0.95 },
          ],
        }),
      ),
    ).toEqual(['classes.1.upTo']);
    expect(
      paths(() =>
        abcClasses([
          { id: 'a', value: Money.of(1, 'EUR') },
          { id: 'b', value: Money.of(1, 'USD') },
          { id: 'c', value: Number.NaN },
        ]),
      ),
    ).toEqual(['1.value', '2.value']);
  });
});

describe('abcClasses on a single customer and on generated data', () => {
  it('puts a single customer with value in A', () => {
    const result = abcClasses([{ id: 'only', value: '12.50' }]);
    expect(result.assignments).toEqual([{ id: 'only', class: 'A', shareBefore: 0 }]);
    expect(result.classes.map((c) => [c.name, c.count, c.valueShare])).toEqual([
      ['A', 1, 1],
      ['B', 0, 0],
      ['C', 0, 0],
    ]);
  });

  it('classes are contiguous in the ranking and each is the smallest group reaching its share (property)', {
    timeout: 30_000,
  }, () => {
    const { orders } = generateDataset({ customers: 200, seed: 9, interactions: false });
    const spend = new Map<string, Money>();
    for (const order of orders.map(parseOrder)) {
      spend.set(order.customerId, (spend.get(order.customerId) ?? Money.zero('EUR')).plus(order.total));
    }
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.9, noNaN: true }),
        fc.double({ min: 0.01, max: 0.09, noNaN: true }),
        (a, gap) => {
          const classes = [{ name: 'A', upTo: a }, { name: 'B', upTo: a + gap }, { name: 'C' }];
          const items = [...spend].map(([id, value]) => ({ id, value }));
          const result = abcClasses(items, { classes });
          const rank = [...result.assignments].sort((x, y) => x.shareBefore - y.shareBefore);
          const order = rank.map((x) => 'ABC'.indexOf(x.class));
          for (let i = 1; i < order.length; i++) expect(order[i]!).toBeGreaterThanOrEqual(order[i - 1]!);
          // A reaches its share, and without its last member it would not
          const total = result.total;
          const inA = result.classes[0]!.total;
          expect(inA.greaterThanOrEqualTo(total.times(a))).toBe(true);
          const lastA = rank.filter((x) => x.class === 'A').at(-1)!;
          expect(lastA.shareBefore).toBeLessThan(a);
          expect(result.classes.reduce((n, c) => n + c.count, 0)).toBe(items.length);
          expect(result.currency).toBe('EUR');
        },
      ),
      { numRuns: 15 },
    );
  });
});
