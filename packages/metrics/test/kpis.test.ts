import { CurrencyMismatchError, Money, type ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  averageOrderValue,
  grossMarginContribution,
  interPurchaseInterval,
  periodKpis,
  purchaseFrequency,
  purchaseIntervals,
  repurchaseRate,
} from '../src/index';
import { base, MARCH, order } from './fixtures';

describe('periodKpis', () => {
  it('computes every period KPI of the hand-checked base in one pass', async () => {
    const kpis = await periodKpis(base, { period: MARCH, lost: { inactivityDays: 30 }, currency: 'EUR' });
    expect(kpis.counts.activeAtStart).toBe(3);
    expect(kpis.churnRate.value).toBe(2 / 3);
    // March purchases: a2 100, c2 50, d1 30−10 = 20, d2 40, e2 10 (g1 is cancelled)
    expect(kpis.averageOrderValue.orders).toBe(5);
    expect(kpis.averageOrderValue.revenue.toString()).toBe('220 EUR');
    expect(kpis.averageOrderValue.value?.toString()).toBe('44 EUR');
    expect(kpis.purchaseFrequency).toEqual({ numerator: 5, denominator: 4, value: 1.25 });
    expect(kpis.repurchaseRate).toEqual({ numerator: 1, denominator: 4, value: 0.25 });
    expect(kpis.grossMargin.cost.toString()).toBe('120 EUR');
    expect(kpis.grossMargin.margin.toString()).toBe('100 EUR');
    expect(kpis.grossMargin.share?.toFixed(6)).toBe('0.454545');
    expect(kpis.grossMargin.uncostedOrders).toBe(0);
  });

  it('returns null AOV and zero money for an empty period', async () => {
    const kpis = await periodKpis([], { period: MARCH, lost: { inactivityDays: 30 }, currency: 'EUR' });
    expect(kpis.averageOrderValue.value).toBeNull();
    expect(kpis.averageOrderValue.revenue.equals(Money.zero('EUR'))).toBe(true);
    expect(kpis.grossMargin.share).toBeNull();
    expect(kpis.repurchaseRate.value).toBeNull();
  });

  it('rejects an order in another currency with CurrencyMismatchError', async () => {
    const orders = [...base, order('u1', 'U', '2026-03-02', 5, { currency: 'USD' })];
    await expect(
      periodKpis(orders, { period: MARCH, lost: { inactivityDays: 30 }, currency: 'EUR' }),
    ).rejects.toBeInstanceOf(CurrencyMismatchError);
    await expect(averageOrderValue(orders, { period: MARCH, currency: 'EUR' })).rejects.toBeInstanceOf(
      CurrencyMismatchError,
    );
  });

  it('rejects an unknown currency with a ValidationError naming the field', async () => {
    const error = await periodKpis(base, {
      period: MARCH,
      lost: { inactivityDays: 30 },
      currency: 'EURO',
    }).catch((e: unknown) => e);
    expect((error as ValidationError).issues[0]?.path).toEqual(['currency']);
  });
});

describe('order KPIs', () => {
  it('AOV nets refunds and ignores cancelled orders', async () => {
    const aov = await averageOrderValue(base, { period: MARCH, currency: 'EUR' });
    expect(aov.value?.toString()).toBe('44 EUR');
  });

  it('AOV stays exact for thirds', async () => {
    const orders = [
      order('1', 'A', '2026-03-01', 10),
      order('2', 'B', '2026-03-02', 10),
      order('3', 'C', '2026-03-03', 0),
    ];
    const aov = await averageOrderValue(orders, { period: MARCH, currency: 'EUR' });
    expect(aov.value?.round('half-up').toString()).toBe('6.67 EUR');
    expect(aov.value?.times(3).round().toString()).toBe('20 EUR');
  });

  it('repurchase rate and purchase frequency', async () => {
    expect(await repurchaseRate(base, { period: MARCH })).toEqual({
      numerator: 1,
      denominator: 4,
      value: 0.25,
    });
    expect((await purchaseFrequency(base, { period: MARCH })).value).toBe(1.25);
    const year = { start: '2026-01-01', end: '2027-01-01' };
    // A 2, B 1, C 2, D 2, E 2, F 1 → 4 of 6 repurchase
    expect(await repurchaseRate(base, { period: year })).toEqual({
      numerator: 4,
      denominator: 6,
      value: 4 / 6,
    });
  });

  it('gross margin counts orders without unit costs', async () => {
    const m = await grossMarginContribution(
      [order('1', 'A', '2026-03-01', 10), order('2', 'A', '2026-03-02', 30, { cost: 12 })],
      {
        period: MARCH,
        currency: 'EUR',
      },
    );
    expect(m.margin.toString()).toBe('28 EUR');
    expect(m.share?.toString()).toBe('0.7');
    expect(m.uncostedOrders).toBe(1);
  });
});

describe('inter-purchase intervals', () => {
  it('one customer: mean and median of the gaps', () => {
    expect(
      purchaseIntervals([new Date('2026-02-10'), new Date('2026-01-01'), new Date('2026-01-11')]),
    ).toEqual({ gaps: 2, meanDays: 20, medianDays: 20 });
    expect(purchaseIntervals([new Date('2026-01-01')])).toEqual({
      gaps: 0,
      meanDays: null,
      medianDays: null,
    });
  });

  it('population: gaps ending in the period', async () => {
    const orders = [
      order('1', 'A', '2026-02-25', 10),
      order('2', 'A', '2026-03-05', 10), // 8 days
      order('3', 'A', '2026-03-09', 10), // 4 days
      order('4', 'B', '2026-03-01', 10),
      order('5', 'B', '2026-03-31', 10), // 30 days
      order('6', 'C', '2026-03-02', 10),
    ];
    const s = await interPurchaseInterval(orders, { period: MARCH });
    expect(s).toEqual({
      gaps: 3,
      meanDays: 14,
      medianDays: 8,
      customers: 2,
      customerMeanDays: { gaps: 2, meanDays: 18, medianDays: 18 },
    });
  });
});
