import { type Order, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { churnRate, customerCounts, retentionRate } from '../src/index';
import { base, MARCH, order, stream } from './fixtures';

const DAY = 86_400_000;

describe('customerCounts with an inactivity window', () => {
  it('counts every state of the hand-checked base', async () => {
    const counts = await customerCounts(base, { period: MARCH, lost: { inactivityDays: 30 } });
    expect(counts).toEqual({
      activeAtStart: 3, // A, B, E
      new: 1, // D
      reactivated: 2, // C, E
      lost: 2, // B (Mar 7), E (Mar 17)
      churned: 2,
      retained: 1, // A
      activeAtEnd: 4, // A, C, D, E
      purchasers: 4, // A, C, D, E
    });
    expect(churnRate(counts)).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
    expect(retentionRate(counts)).toEqual({ numerator: 1, denominator: 3, value: 1 / 3 });
  });

  it('counts a customer who churns and returns in the same period in both lost and reactivated', async () => {
    const counts = await customerCounts(
      [order('x1', 'X', '2026-02-20', 10), order('x2', 'X', '2026-03-28', 10)],
      { period: MARCH, lost: { inactivityDays: 14 } },
    );
    expect(counts).toMatchObject({ activeAtStart: 1, churned: 1, lost: 1, reactivated: 1, activeAtEnd: 1 });
  });

  it('uses half-open windows: an order exactly W days before start still makes the customer active', async () => {
    const counts = await customerCounts([order('x', 'X', '2026-02-01', 10)], {
      period: MARCH,
      lost: { inactivityDays: 28 },
    });
    // Feb 1 + 28 days = Mar 1 = start: active at start, lost at the very start of the period.
    expect(counts).toMatchObject({ activeAtStart: 1, churned: 1, activeAtEnd: 0 });
  });

  it('gives an empty period a null rate, not NaN', async () => {
    const counts = await customerCounts([], { period: MARCH, lost: { inactivityDays: 30 } });
    expect(counts.activeAtStart).toBe(0);
    expect(churnRate(counts)).toEqual({ numerator: 0, denominator: 0, value: null });
    expect(retentionRate(counts).value).toBeNull();
  });

  it('ignores fully refunded orders as purchases', async () => {
    const counts = await customerCounts([order('x', 'X', '2026-03-03', 10, { refund: 10 })], {
      period: MARCH,
      lost: { inactivityDays: 30 },
    });
    expect(counts.new).toBe(0);
    expect(counts.purchasers).toBe(0);
  });

  it('reads a grouped async stream like the array and rejects an ungrouped one', async () => {
    const sorted = [...base].sort((a, b) => a.customerId.localeCompare(b.customerId));
    const fromStream = await customerCounts(stream(sorted), { period: MARCH, lost: { inactivityDays: 30 } });
    expect(fromStream).toEqual(await customerCounts(base, { period: MARCH, lost: { inactivityDays: 30 } }));
    const error = await customerCounts(stream([base[2]!, base[0]!]), {
      period: MARCH,
      lost: { inactivityDays: 30 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toEqual([1, 'customerId']);
  });

  it('accepts a stream whose customers are grouped but whose orders are not in time order', async () => {
    const options = { period: MARCH, lost: { inactivityDays: 30 } };
    const grouped = [...base].sort(
      (a, b) => a.customerId.localeCompare(b.customerId) || b.id.localeCompare(a.id),
    );
    expect(await customerCounts(stream(grouped), options)).toEqual(await customerCounts(base, options));
  });

  it('rejects bad options with the field path', async () => {
    const error = await customerCounts(base, {
      period: { start: '2026-04-01', end: '2026-03-01' },
      lost: { inactivityDays: 0 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path.join('.'));
    expect(paths).toContain('period.end');
  });
});

describe('customerCounts with explicit churn events', () => {
  it('loses customers at their event and reactivates them with the next purchase', async () => {
    const orders = [
      order('a', 'A', '2026-01-05', 10),
      order('b1', 'B', '2026-01-05', 10),
      order('b2', 'B', '2026-03-20', 10),
      order('c', 'C', '2026-02-01', 10),
    ];
    const counts = await customerCounts(orders, {
      period: MARCH,
      lost: {
        events: [
          { customerId: 'B', at: '2026-03-10' },
          { customerId: 'C', at: '2026-02-15' },
        ],
      },
    });
    expect(counts).toEqual({
      activeAtStart: 2, // A (no event), B
      new: 0,
      reactivated: 1, // B on Mar 20
      lost: 1, // B on Mar 10
      churned: 1,
      retained: 1,
      activeAtEnd: 2, // A, B
      purchasers: 1,
    });
  });
});

const historyArb = fc.array(
  fc.record({ customer: fc.constantFrom('A', 'B', 'C', 'D', 'E'), day: fc.integer({ min: 0, max: 200 }) }),
  { maxLength: 40 },
);

describe('properties', () => {
  it('retention + churn = 1 over the same base, and active-at-start matches a naive scan', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArb,
        fc.integer({ min: 0, max: 150 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 60 }),
        async (history, startDay, length, window) => {
          const t0 = Date.UTC(2026, 0, 1);
          const orders: Order[] = history.map((h, i) =>
            order(`o${i}`, h.customer, new Date(t0 + h.day * DAY).toISOString(), 10),
          );
          const start = t0 + startDay * DAY;
          const end = start + length * DAY;
          const counts = await customerCounts(orders, {
            period: { start: new Date(start), end: new Date(end) },
            lost: { inactivityDays: window },
          });
          expect(counts.retained + counts.churned).toBe(counts.activeAtStart);
          const churn = churnRate(counts);
          const retention = retentionRate(counts);
          expect(churn.numerator + retention.numerator).toBe(churn.denominator);
          if (counts.activeAtStart > 0) expect(churn.value! + retention.value!).toBeCloseTo(1, 12);
          const activeAt = (t: number) =>
            new Set(
              orders
                .filter((o) => o.placedAt.getTime() >= t - window * DAY && o.placedAt.getTime() < t)
                .map((o) => o.customerId),
            ).size;
          expect(counts.activeAtStart).toBe(activeAt(start));
          expect(counts.activeAtEnd).toBe(activeAt(end));
          const firsts = new Map<string, number>();
          for (const o of orders)
            firsts.set(o.customerId, Math.min(firsts.get(o.customerId) ?? Infinity, o.placedAt.getTime()));
          expect(counts.new).toBe([...firsts.values()].filter((t) => t >= start && t < end).length);
        },
      ),
      { numRuns: 150 },
    );
  });
});
