import { type Order, parseInteraction, parseOrder } from '@crmkit/core';
import { generateDataset } from '@crmkit/testkit';
import { describe, expect, it } from 'vitest';
import {
  assessLevel,
  backtest,
  type CalibrationSample,
  ChurnConfigError,
  calibrateThreshold,
  compileThresholds,
  computeIndicators,
  type ThresholdConfig,
} from '../src/index';
import { order } from './fixtures';

const thresholds: ThresholdConfig = {
  levels: ['watch', 'critical'],
  rules: [
    { id: 'late', level: 'watch', when: { fact: 'recencyRatio', op: 'gte', value: 2 } },
    { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 120 } },
  ],
};

describe('backtest (hand-checked)', () => {
  // cut-off 2026-01-01, following window 90 days
  const orders: Order[] = [
    // a: gaps 30, 31 (median 30.5), last 153 days ago → ratio 5.02 and silent: critical; churned
    order('a', '2025-06-01', '10.00'),
    order('a', '2025-07-01', '10.00'),
    order('a', '2025-08-01', '10.00'),
    // b: ratio 31/30 → none; buys again: stayed
    order('b', '2025-11-01', '10.00'),
    order('b', '2025-12-01', '10.00'),
    order('b', '2026-02-01', '10.00'),
    // c: ratio 122/184 but 122 days silent → critical; buys again (a false alarm)
    order('c', '2025-03-01', '10.00'),
    order('c', '2025-09-01', '10.00'),
    order('c', '2026-03-01', '10.00'),
    // d: gap 14, last 78 days ago → ratio 5.57: watch; buys again (a false alarm)
    order('d', '2025-10-01', '10.00'),
    order('d', '2025-10-15', '10.00'),
    order('d', '2026-01-20', '10.00'),
    // e: a single order 12 days ago → no level; never buys again (missed)
    order('e', '2025-12-20', '10.00'),
    // f: first order after the cut-off: not counted; g: buys after the window only → churned in the window
    order('f', '2026-02-01', '10.00'),
  ];

  it('reports precision, recall, lift and the confusion matrix per level', async () => {
    const report = await backtest(
      { orders },
      { window: { cutoff: '2026-01-01', windowDays: 90 }, thresholds },
    );
    expect(report).toMatchObject({ customers: 5, churned: 2, baseRate: 0.4 });
    expect(report.windowEnd.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const [watch, critical] = report.levels;
    // warned at watch or above: a, c, d — a churned; e churned unwarned; b stayed unwarned
    expect(watch).toMatchObject({ level: 'watch', warned: 3, tp: 1, fp: 2, fn: 1, tn: 1, recall: 0.5 });
    expect(watch!.precision).toBeCloseTo(1 / 3, 12);
    expect(watch!.lift).toBeCloseTo(1 / 3 / 0.4, 12); // 0.833: worse than chance
    // critical: a, c — one hit, one false alarm
    expect(critical).toMatchObject({
      level: 'critical',
      warned: 2,
      tp: 1,
      fp: 1,
      fn: 1,
      tn: 2,
      precision: 0.5,
      recall: 0.5,
      lift: 1.25,
    });
    expect(report.distribution).toEqual([
      { level: null, customers: 2, churned: 1, churnRate: 0.5 },
      { level: 'watch', customers: 1, churned: 0, churnRate: 0 },
      { level: 'critical', customers: 2, churned: 1, churnRate: 0.5 },
    ]);
  });

  it('restricts the population to recently active customers', async () => {
    const report = await backtest(
      { orders },
      { window: { cutoff: '2026-01-01', windowDays: 90, activeDays: 100 }, thresholds },
    );
    expect(report.customers).toBe(3); // b, d, e ordered within 100 days before the cut-off
  });

  it('rejects a bad window with paths', async () => {
    await expect(
      backtest({ orders }, { window: { cutoff: 'soon', windowDays: 0 }, thresholds }),
    ).rejects.toThrow(ChurnConfigError);
    await expect(
      backtest({ orders }, { window: { cutoff: '2026-01-01', windowDays: 90 }, thresholds: { rules: [] } }),
    ).rejects.toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['thresholds', 'rules'] })] }),
    );
  });
});

describe('backtest and calibration on generated data', () => {
  // Customers arrive and buy from 2025-01-01; the generator (BG/NBD "buy till you die") exposes no
  // dropout flag, so the truth is what the following window shows: no order in the 90 days after
  // the cut-off.
  const data = generateDataset({ customers: 3000, seed: 42, start: '2025-01-01', end: '2026-04-01' });
  const orders = data.orders
    .map((o) => parseOrder(o))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const interactions = data.interactions
    .map((x) => parseInteraction(x))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
  const generated: ThresholdConfig = {
    rules: [
      { id: 'slowing', level: 'watch', when: { fact: 'recencyRatio', op: 'gte', value: 1.5 } },
      { id: 'late', level: 'warning', when: { fact: 'recencyRatio', op: 'gte', value: 3 } },
      { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 120 } },
    ],
  };
  const window = { cutoff: '2026-01-01', windowDays: 90 };

  it('warns customers who are more likely to churn, and agrees with a per-customer recount', async () => {
    const samples: CalibrationSample[] = [];
    const report = await backtest(
      { orders, interactions },
      {
        window,
        thresholds: generated,
        onCustomer: (row) => samples.push({ value: row.values.recencyDays, churned: row.churned }),
      },
    );
    expect(report.customers).toBeGreaterThan(2000);
    expect(report.baseRate).toBeGreaterThan(0.2);
    expect(report.baseRate).toBeLessThan(0.95);
    for (const level of report.levels) {
      expect(level.warned).toBeGreaterThan(0);
      expect(level.lift).toBeGreaterThan(1); // a warned customer is likelier to churn than anyone
      expect(level.tp + level.fp + level.fn + level.tn).toBe(report.customers);
    }
    // warning at a higher level warns fewer customers, each more likely to churn
    const [watch, warning, critical] = report.levels;
    expect(watch!.warned).toBeGreaterThanOrEqual(warning!.warned);
    expect(warning!.warned).toBeGreaterThanOrEqual(critical!.warned);
    expect(critical!.precision).toBeGreaterThan(watch!.precision);

    // Independent recount: group by hand, compute indicators and levels per customer.
    const compiled = compileThresholds(generated);
    const cutoff = new Date('2026-01-01').getTime();
    const end = new Date('2026-04-01').getTime();
    const byCustomer = new Map<string, Order[]>();
    for (const o of orders) byCustomer.set(o.customerId, [...(byCustomer.get(o.customerId) ?? []), o]);
    let customers = 0;
    let tpCritical = 0;
    let warnedCritical = 0;
    for (const [customerId, own] of byCustomer) {
      if (!own.some((o) => o.placedAt.getTime() < cutoff)) continue;
      customers++;
      const churned = !own.some((o) => o.placedAt.getTime() >= cutoff && o.placedAt.getTime() < end);
      const { values } = computeIndicators(
        { customerId, orders: own, interactions: [] },
        { asOf: window.cutoff },
      );
      if (assessLevel(compiled, values).level === 'critical') {
        warnedCritical++;
        if (churned) tpCritical++;
      }
    }
    expect(customers).toBe(report.customers);
    expect(critical).toMatchObject({ warned: warnedCritical, tp: tpCritical });

    // Calibrate the silence threshold on the same history: it beats warning everybody.
    const best = calibrateThreshold(samples, { fact: 'recencyDays' })!;
    const everybody = calibrateThreshold(
      samples.map((s) => ({ ...s, value: 1 })),
      { fact: 'recencyDays' },
    )!;
    expect(best.f1).toBeGreaterThan(everybody.f1);
    expect(best.threshold).toBeGreaterThan(0);
    const strict = calibrateThreshold(samples, {
      fact: 'recencyDays',
      objective: { recallAtPrecision: 0.9 },
    });
    if (strict !== undefined) expect(strict.precision).toBeGreaterThanOrEqual(0.9);
  });
});
