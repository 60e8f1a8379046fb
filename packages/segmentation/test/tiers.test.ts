import { Money, ValidationError } from '@crmkit/core';
import { assignTiers, PORTFOLIO_TIERS, VALUE_CLASSES, VIP_CLASSES } from '@crmkit/segmentation';
import { generateDataset } from '@crmkit/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const ten = Array.from({ length: 10 }, (_, i) => ({
  id: `p${String(i + 1).padStart(2, '0')}`,
  value: (i + 1) * 100,
}));
const tierOf = (result: ReturnType<typeof assignTiers>) =>
  Object.fromEntries(result.assignments.map((a) => [a.id, a.tier]));

describe('target shares', () => {
  it('fills the portfolio in order, potential by predicted value (hand-checked)', () => {
    const predicted: Record<string, number> = { p01: 5000, p02: 50, p05: 800 };
    const items = ten.map((c) => ({ ...c, predictedValue: predicted[c.id] }));
    const result = assignTiers(items, PORTFOLIO_TIERS);
    expect(tierOf(result)).toEqual({
      p10: 'strategic',
      p09: 'important',
      p08: 'important',
      p01: 'potential',
      p07: 'general',
      p06: 'general',
      p05: 'general',
      p04: 'general',
      p03: 'general',
      p02: 'general',
    });
    expect(result.assignments.find((a) => a.id === 'p08')).toEqual({
      id: 'p08',
      tier: 'important',
      value: 800,
      rank: 2,
    });
    expect(result.assignments.find((a) => a.id === 'p01')).toEqual({
      id: 'p01',
      tier: 'potential',
      value: 100,
      rank: 1,
    });
    expect(result.tiers).toEqual([
      { name: 'strategic', count: 1, share: 0.1, criterion: 'value', min: 1000, max: 1000, target: 1 },
      { name: 'important', count: 2, share: 0.2, criterion: 'value', min: 800, max: 900, target: 2 },
      {
        name: 'potential',
        count: 1,
        share: 0.1,
        criterion: 'predictedValue',
        min: 5000,
        max: 5000,
        target: 1,
      },
      { name: 'general', count: 6, share: 0.6, criterion: 'value', min: 200, max: 700, target: 6 },
    ]);
  });

  it('rounds counts by largest remainder so they add up, earlier tiers first on equal remainders', () => {
    const seven = ten.slice(0, 7).map((c) => ({ ...c, predictedValue: c.value }));
    // 7 × (0.1, 0.2, 0.1, 0.6) = 0.7, 1.4, 0.7, 4.2 → floors 0, 1, 0, 4; two left go to the .7s
    expect(assignTiers(seven, PORTFOLIO_TIERS).tiers.map((t) => t.count)).toEqual([1, 1, 1, 4]);
    const thirds = {
      method: 'shares',
      tiers: [1, 2, 3].map((k) => ({ name: `t${k}`, share: 1 / 3 })),
    } as const;
    expect(assignTiers(ten, thirds).tiers.map((t) => t.count)).toEqual([4, 3, 3]);
  });

  it('breaks ties at a boundary by customer id', () => {
    const items = [
      { id: 'b', value: 50 },
      { id: 'a', value: 50 },
      { id: 'c', value: 10 },
    ];
    const result = assignTiers(items, {
      method: 'shares',
      tiers: [
        { name: 'top', share: 1 / 3 },
        { name: 'rest', share: 2 / 3 },
      ],
    });
    expect(tierOf(result)).toEqual({ a: 'top', b: 'rest', c: 'rest' });
  });

  it('skips customers without the criterion; the last tier takes everyone left', () => {
    const result = assignTiers(
      ten.map((c) => ({ ...c })),
      VIP_CLASSES,
    );
    expect(result.tiers.map((t) => [t.name, t.count])).toEqual([
      ['VIP', 1],
      ['potential', 0],
      ['ordinary', 9],
    ]);
  });

  it('keeps exact shares and the ranking rules on generated customers (property)', {
    timeout: 30_000,
  }, () => {
    const { orders } = generateDataset({ customers: 400, seed: 5, interactions: false });
    const spend = new Map<string, number>();
    for (const o of orders) {
      const total = o.lines.reduce((s, l) => s + Number(l.unitPrice) * l.quantity, 0);
      spend.set(o.customerId, (spend.get(o.customerId) ?? 0) + total);
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (salt) => {
        const items = [...spend].map(([id, value], i) => ({
          id,
          value,
          predictedValue: ((i * 2654435761 + salt) % 1000) / 10,
        }));
        const result = assignTiers(items, PORTFOLIO_TIERS);
        const n = items.length;
        expect(result.tiers.map((t) => t.count)).toEqual([0.1, 0.2, 0.1, 0.6].map((s) => Math.round(s * n)));
        const get = (tier: string) => result.assignments.filter((a) => a.tier === tier);
        const values = (tier: string) => get(tier).map((a) => Number(a.value));
        expect(Math.min(...values('strategic'))).toBeGreaterThanOrEqual(Math.max(...values('important')));
        expect(Math.min(...values('important'))).toBeGreaterThanOrEqual(
          Math.max(...values('general'), ...values('potential')),
        );
        const predicted = new Map(items.map((i) => [i.id, i.predictedValue]));
        const potential = get('potential').map((a) => predicted.get(a.id)!);
        const general = get('general').map((a) => predicted.get(a.id)!);
        expect(Math.min(...potential)).toBeGreaterThanOrEqual(Math.max(...general));
      }),
      { numRuns: 20 },
    );
  });
});

describe('thresholds and quantiles', () => {
  it('thresholds are inclusive lower bounds, best tier first; Money and strings read exactly', () => {
    const result = assignTiers(
      [
        { id: 'a', value: 900 },
        { id: 'b', value: Money.of('500.00', 'EUR') },
        { id: 'c', value: '499.99' },
        { id: 'd', value: 100 },
        { id: 'e', value: 99 },
      ],
      {
        method: 'thresholds',
        tiers: [{ name: 'VIP', min: 500 }, { name: 'ordinary', min: 100 }, { name: 'low' }],
      },
    );
    expect(tierOf(result)).toEqual({ a: 'VIP', b: 'VIP', c: 'ordinary', d: 'ordinary', e: 'low' });
    const b = result.assignments[1]!.value;
    expect(b instanceof Money && b.equals(Money.of('500.00', 'EUR'))).toBe(true); // reported exactly as given
    expect(result.assignments[2]!.value).toBe('499.99');
    expect(result.tiers[0]).toEqual({
      name: 'VIP',
      count: 2,
      share: 0.4,
      criterion: 'value',
      min: 500,
      max: 900,
      threshold: 500,
    });
  });

  it('high / medium / low by quantile: thirds', () => {
    const nine = Array.from({ length: 9 }, (_, i) => ({ id: `c${i + 1}`, value: i + 1 }));
    const result = assignTiers(nine, VALUE_CLASSES);
    expect(result.assignments.map((a) => a.tier)).toEqual([
      'low',
      'low',
      'low',
      'medium',
      'medium',
      'medium',
      'high',
      'high',
      'high',
    ]);
  });

  it('handles empty input and a single customer', () => {
    expect(assignTiers([], PORTFOLIO_TIERS).tiers.map((t) => t.count)).toEqual([0, 0, 0, 0]);
    expect(assignTiers([{ id: 'x', value: 1 }], VALUE_CLASSES).assignments[0]!.tier).toBe('medium');
    expect(assignTiers([{ id: 'x', value: 1 }], PORTFOLIO_TIERS).assignments[0]!.tier).toBe('general');
  });
});

describe('bad specs and items', () => {
  const paths = (run: () => unknown) => {
    try {
      run();
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path.join('.'));
    }
  };

  it('names the offending field', () => {
    expect(
      paths(() =>
        assignTiers(ten, {
          method: 'shares',
          tiers: [
            { name: 'a', share: 0.5 },
            { name: 'b', share: 0.4 },
          ],
        }),
      ),
    ).toEqual(['tiers']);
    expect(
      paths(() =>
        assignTiers(ten, {
          method: 'shares',
          tiers: [
            { name: 'a', share: 0.5 },
            { name: 'b', share: 0.5, by: 'x' },
          ],
        }),
      ),
    ).toEqual(['tiers.1.by']);
    expect(
      paths(() =>
        assignTiers(ten, {
          method: 'thresholds',
          tiers: [{ name: 'a', min: 10 }, { name: 'b', min: 20 }, { name: 'c' }],
        }),
      ),
    ).toEqual(['tiers.1.min']);
    expect(paths(() => assignTiers(ten, { method: 'quantile', tiers: ['x', 'x'] }))).toEqual(['tiers.1']);
    expect(paths(() => assignTiers(ten, { method: 'ranked' } as never))).toEqual(['method']);
    expect(
      paths(() =>
        assignTiers(
          [
            { id: 'a', value: 'lots' },
            { id: 'a', value: 1 },
          ],
          VALUE_CLASSES,
        ),
      ),
    ).toEqual(['0.value', '1.id']);
    expect(
      paths(() => assignTiers([{ id: 'a', value: 1, predictedValue: 'high' }], PORTFOLIO_TIERS)),
    ).toEqual(['0.predictedValue']);
  });
});

describe('tiers by another criterion (CLV)', () => {
  const clv: Record<string, number | string> = { a: 50, b: '1200.50', c: 400, d: 90, e: 700, f: 10 };
  const items = Object.entries(clv).map(([id, value], i) => ({ id, value: (i + 1) * 100, clv: value }));

  it('high / medium / low value by CLV (hand-checked)', () => {
    const result = assignTiers(items, { ...VALUE_CLASSES, by: 'clv' });
    // CLV ranks: f 10 < a 50 < d 90 < c 400 < e 700 < b 1200.5 → thirds
    expect(tierOf(result)).toEqual({ a: 'low', b: 'high', c: 'medium', d: 'medium', e: 'high', f: 'low' });
    expect(result.tiers.map((t) => [t.name, t.criterion, t.min, t.max])).toEqual([
      ['high', 'clv', 700, 1200.5],
      ['medium', 'clv', 90, 400],
      ['low', 'clv', 10, 50],
    ]);
    expect(result.assignments.find((a) => a.id === 'b')?.value).toBe(200);
  });

  it('thresholds by CLV, and every customer must have it', () => {
    const spec = {
      method: 'thresholds',
      by: 'clv',
      tiers: [{ name: 'VIP', min: 500 }, { name: 'ordinary', min: 50 }, { name: 'low' }],
    } as const;
    expect(tierOf(assignTiers(items, { ...spec, tiers: [...spec.tiers] }))).toEqual({
      a: 'ordinary',
      b: 'VIP',
      c: 'ordinary',
      d: 'ordinary',
      e: 'VIP',
      f: 'low',
    });
    const without = [...items, { id: 'g', value: 1 }];
    try {
      assignTiers(without, { ...VALUE_CLASSES, by: 'clv' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual([[6, 'clv']]);
    }
  });
});
