import { isCrmError, Money } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { ChurnConfigError, ChurnInputError, computeIndicators, type PurchaseModel } from '../src/index';
import { handChecked, order } from './fixtures';

const asOf = '2026-07-01';

describe('computeIndicators', () => {
  it('computes every indicator of the hand-checked customer', () => {
    const { values, asOf: at } = computeIndicators(handChecked(), { asOf });
    expect(at.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    // 6 orders before asOf: the cancelled one and the one after asOf are ignored.
    expect(values.orders).toBe(6);
    expect(values.tenureDays).toBe(303); // 2025-09-01 → 2026-07-01
    expect(values.recencyDays).toBe(82); // 2026-04-10 → 2026-07-01
    // gaps 61, 30, 31, 31, 68 days: median 31
    expect(values.medianIntervalDays).toBe(31);
    expect(values.recencyRatio).toBe(2.6452); // 82 / 31
    // 4 orders in the 180 baseline days, 1 in the 90 recent days: rate halves
    expect(values.baselineOrders).toBe(4);
    expect(values.recentOrders).toBe(1);
    expect(values.frequencyDropPct).toBe(50);
    // baseline 40 + 40 + (40 − 10 refunded) + 30.10 = 140.10; recent 20.05
    expect(values.baselineSpend?.equals(Money.of('140.10', 'EUR'))).toBe(true);
    expect(values.recentSpend?.equals(Money.of('20.05', 'EUR'))).toBe(true);
    // 1 − (20.05 × 180) / (140.10 × 90) = 0.713775874… → 71.3776 %
    expect(values.spendDropPct).toBe(71.3776);
    // NPS 9 then 4
    expect(values.satisfaction).toBe(4);
    expect(values.satisfactionChange).toBe(-5);
    expect(values.complaints).toBe(1); // the January complaint is outside the recent window
    expect(values.lastComplaintReason).toBe('price');
    expect(values.unresolvedTickets).toBe(2); // t1 responded, t3 reopened; t2 resolved
    // 6 visits in the baseline, 1 recent (the one after asOf is ignored): 1 − 1×180/(6×90)
    expect(values.baselineEngagement).toBe(6);
    expect(values.recentEngagement).toBe(1);
    expect(values.engagementDropPct).toBe(66.6667);
    expect(values.pAlive).toBeUndefined();
  });

  it('compares satisfaction with the baseline mean when asked', () => {
    const { values } = computeIndicators(handChecked(), { asOf, satisfaction: { compareTo: 'baseline' } });
    expect(values.satisfactionChange).toBe(-4.5); // 4 − (8 + 9) / 2
  });

  it('explains every present indicator with its value', () => {
    const { explanations } = computeIndicators(handChecked(), { asOf });
    const by = new Map(explanations.map((e) => [e.indicator, e]));
    expect(by.get('recencyDays')?.text).toBe('82 days since the last order (2026-04-10)');
    expect(by.get('recencyRatio')?.text).toBe(
      '82 days since the last order is 2.6452× the usual 31-day interval',
    );
    expect(by.get('frequencyDropPct')?.text).toBe('order rate down 50 % vs the baseline window');
    expect(by.get('recentSpend')?.text).toBe('spent 20.05 EUR in the last 90 days');
    expect(by.get('satisfactionChange')?.text).toBe('NPS changed by -5 against the previous NPS 9');
    expect(by.has('pAlive')).toBe(false);
    for (const e of explanations) expect(e.text.length).toBeGreaterThan(0);
  });

  it('feeds a purchase model the BTYD row in its time unit', () => {
    const rows: unknown[] = [];
    const model: PurchaseModel = {
      probabilityAlive: (row) => {
        rows.push(row);
        return row.recency / row.T;
      },
      expectedPurchases: (t, row) => (t * row.frequency) / row.T,
    };
    const { values } = computeIndicators(handChecked(), { asOf }, model);
    // 5 repeat purchases, last one 221 days after the first, 303 days of history
    expect(rows).toEqual([{ frequency: 5, recency: 221, T: 303 }]);
    expect(values.pAlive).toBe(0.7294); // 221 / 303
    expect(values.expectedPurchases).toBe(1.4851); // 90 × 5 / 303
    const weeks = computeIndicators(handChecked(), { asOf, modelTimeUnitDays: 7 }, model);
    expect(rows[1]).toEqual({ frequency: 5, recency: 221 / 7, T: 303 / 7 });
    expect(weeks.values.expectedPurchases).toBe(1.4851); // same horizon in weeks
  });

  it('leaves out what cannot be computed', () => {
    const { values } = computeIndicators(
      { customerId: 'c2', orders: [order('c2', '2026-06-01', '10.00')], interactions: [] },
      { asOf },
    );
    expect(values.orders).toBe(1);
    expect(values.recencyDays).toBe(30);
    expect(values.medianIntervalDays).toBeUndefined();
    expect(values.recencyRatio).toBeUndefined();
    expect(values.frequencyDropPct).toBeUndefined(); // no baseline orders
    expect(values.spendDropPct).toBeUndefined();
    expect(values.satisfaction).toBeUndefined();
    expect('recencyRatio' in values).toBe(false); // absent, not undefined: conditions see a missing fact
    const none = computeIndicators({ customerId: 'c3', orders: [], interactions: [] }, { asOf });
    expect(none.values).toMatchObject({ orders: 0, recentOrders: 0, complaints: 0 });
    expect(none.values.recencyDays).toBeUndefined();
  });

  it('rejects bad options with ChurnConfigError paths', () => {
    const attempt = () =>
      computeIndicators(handChecked(), {
        asOf: 'yesterday',
        recentDays: 0,
        satisfaction: { metric: 'ces' as 'nps' },
        engagementTypes: [],
      });
    expect(attempt).toThrow(ChurnConfigError);
    try {
      attempt();
    } catch (e) {
      expect(isCrmError(e, 'INVALID_CHURN_CONFIG')).toBe(true);
      const paths = (e as ChurnConfigError).issues.map((i) => i.path.join('.'));
      expect(paths).toEqual(
        expect.arrayContaining(['asOf', 'recentDays', 'satisfaction.metric', 'engagementTypes']),
      );
    }
  });

  it('rejects unreadable records with ChurnInputError paths', () => {
    const bad = { customerId: 'c1', placedAt: new Date('nope'), total: Money.of(1, 'EUR') };
    expect(() => computeIndicators({ customerId: 'c1', orders: [bad], interactions: [] }, { asOf })).toThrow(
      expect.objectContaining({ code: 'INVALID_CHURN_INPUT', path: ['orders', 0, 'placedAt'] }),
    );
    const foreign = order('other', '2026-01-01', '1.00');
    expect(() =>
      computeIndicators({ customerId: 'c1', orders: [foreign], interactions: [] }, { asOf }),
    ).toThrow(ChurnInputError);
    const usd = { customerId: 'c1', placedAt: new Date('2026-06-01'), total: Money.of(1, 'USD') };
    const eur = { customerId: 'c1', placedAt: new Date('2026-06-02'), total: Money.of(1, 'EUR') };
    expect(() =>
      computeIndicators({ customerId: 'c1', orders: [usd, eur], interactions: [] }, { asOf }),
    ).toThrow(expect.objectContaining({ path: ['orders', 1, 'total'] }));
  });
});
