import {
  CurrencyMismatchError,
  type Customer,
  type Interaction,
  Money,
  parseCustomer,
  parseInteraction,
  ValidationError,
} from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  attributeAcquisitions,
  cacBy,
  cacVsBenchmark,
  customerAcquisitionCost,
  customerValues,
  historicalClv,
  ltvToCac,
  paretoCustomerShare,
  paretoShare,
  paybackPeriod,
  retentionClv,
  simpleClv,
  simulateWhatIf,
} from '../src/index';
import { base, MARCH, order } from './fixtures';

const eur = (n: number | string) => Money.of(n, 'EUR');

describe('Pareto concentration', () => {
  const values = [eur(10), eur(50), eur(10), eur(20), eur(10)];

  it('share of the top X % of customers', () => {
    const top20 = paretoShare(values, 0.2);
    expect(top20.top).toBe(1);
    expect(top20.share?.toString()).toBe('0.5');
    expect(top20.total?.toString()).toBe('100 EUR');
    expect(paretoShare(values, 0.4).share?.toString()).toBe('0.7');
    expect(paretoShare(values, 0.3).top).toBe(2); // ⌈1.5⌉
    expect(paretoShare([], 0.2).share).toBeNull();
  });

  it('smallest share of customers making Y % of the total', () => {
    const r = paretoCustomerShare(values, 0.6);
    expect(r.customerShare).toEqual({ numerator: 2, denominator: 5, value: 0.4 });
    expect(r.valueShare?.toString()).toBe('0.7');
    expect(paretoCustomerShare(values, 1).customerShare.numerator).toBe(5);
  });

  it('rejects mixed currencies and shares outside 0–1', () => {
    expect(() => paretoShare([eur(1), Money.of(1, 'USD')], 0.2)).toThrow(CurrencyMismatchError);
    expect(() => paretoShare(values, 1.2)).toThrow(ValidationError);
  });

  it('is monotone in the top share', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cents, x, y) => {
          const money = cents.map((c) => Money.fromMinorUnits(c, 'EUR'));
          const [lo, hi] = x <= y ? [x, y] : [y, x];
          const a = paretoShare(money, lo).share;
          const b = paretoShare(money, hi).share;
          if (a !== null && b !== null) expect(a.lessThanOrEqualTo(b)).toBe(true);
          const need = paretoCustomerShare(money, hi);
          expect(need.customerShare.numerator).toBeGreaterThanOrEqual(
            paretoCustomerShare(money, lo).customerShare.numerator,
          );
          if (need.valueShare !== null) expect(need.valueShare.greaterThanOrEqualTo(hi)).toBe(true);
        },
      ),
    );
  });

  it('adds up revenue or margin per customer from orders', async () => {
    const revenue = await customerValues(base, { period: MARCH, currency: 'EUR' });
    expect(Object.fromEntries([...revenue].map(([k, v]) => [k, v.toString()]))).toEqual({
      A: '100 EUR',
      C: '50 EUR',
      D: '60 EUR', // 30 − 10 refunded + 40
      E: '10 EUR',
    });
    // d1 net 20 − 15 + d2 40 − 20
    expect(
      (await customerValues(base, { period: MARCH, currency: 'EUR', measure: 'margin' }))
        .get('D')
        ?.toString(),
    ).toBe('25 EUR');
  });
});

describe('CAC', () => {
  it('spend ÷ new customers, with an undefined result for no customers', () => {
    expect(customerAcquisitionCost(eur(1000), 40).value?.toString()).toBe('25 EUR');
    expect(customerAcquisitionCost(eur(1000), 0)).toEqual({ spend: eur(1000), newCustomers: 0, value: null });
    expect(customerAcquisitionCost(eur(0), 10).value?.toString()).toBe('0 EUR');
    expect(() => customerAcquisitionCost(eur(-1), 1)).toThrow(ValidationError);
    expect(() => customerAcquisitionCost(eur(1), 1.5)).toThrow(ValidationError);
  });

  const orders = [
    order('a', 'A', '2026-03-05', 10),
    order('b', 'B', '2026-03-10', 10),
    order('c', 'C', '2026-03-12', 10),
    order('d', 'D', '2026-02-12', 10),
  ];
  const touches: Interaction[] = [
    parseInteraction({
      type: 'marketing',
      id: 't1',
      customerId: 'A',
      occurredAt: '2026-02-01',
      channel: 'social',
    }),
    parseInteraction({
      type: 'marketing',
      id: 't2',
      customerId: 'A',
      occurredAt: '2026-03-01',
      channel: 'search',
    }),
    parseInteraction({
      type: 'marketing',
      id: 't3',
      customerId: 'A',
      occurredAt: '2026-03-20',
      channel: 'email',
    }),
    parseInteraction({
      type: 'marketing',
      id: 't4',
      customerId: 'B',
      occurredAt: '2026-03-09',
      channel: 'email',
      campaignId: 'spring',
    }),
  ];
  const customers: Customer[] = [
    parseCustomer({ id: 'C', createdAt: '2026-03-01', acquisition: { channel: 'partner' } }),
  ];

  it('attributes first and last touch, falling back to the declared channel', async () => {
    const first = await attributeAcquisitions({ orders, touches }, { model: 'first-touch' });
    expect(first.map((a) => [a.customerId, a.channel])).toEqual([
      ['A', 'social'],
      ['B', 'email'],
      ['C', 'unattributed'],
      ['D', 'unattributed'],
    ]);
    const last = await attributeAcquisitions({ orders, touches, customers }, { model: 'last-touch' });
    expect(last.map((a) => [a.customerId, a.channel, a.campaignId])).toEqual([
      ['A', 'search', undefined],
      ['B', 'email', 'spring'],
      ['C', 'partner', undefined],
      ['D', 'unattributed', undefined],
    ]);
  });

  it('CAC per channel and in total over a period', async () => {
    const acquisitions = await attributeAcquisitions({ orders, touches }, { model: 'first-touch' });
    const spend = [
      { channel: 'social', at: '2026-03-01', amount: eur(300) },
      { channel: 'search', at: '2026-03-15', amount: eur(200) },
      { channel: 'email', at: '2026-03-02', amount: { amount: '100', currency: 'EUR' } },
      { channel: 'social', at: '2026-04-01', amount: eur(999) },
    ];
    const { groups, total } = cacBy(acquisitions, spend, { period: MARCH, currency: 'EUR' });
    const byKey = Object.fromEntries(groups.map((g) => [g.key, g.cac.value?.toString() ?? null]));
    expect(byKey).toEqual({ social: '300 EUR', search: null, email: '100 EUR', unattributed: '0 EUR' });
    expect(total.value?.toString()).toBe('200 EUR'); // 600 ÷ 3 (D was acquired in February)
    expect(() =>
      cacBy(acquisitions, [{ channel: 'x', at: '2026-03-01', amount: Money.of(1, 'USD') }], {
        period: MARCH,
        currency: 'EUR',
      }),
    ).toThrow(CurrencyMismatchError);
    try {
      cacBy(acquisitions, [{ channel: '', at: '2026-03-01', amount: eur(1) }], {
        period: MARCH,
        currency: 'EUR',
      });
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toEqual([0, 'channel']);
    }
  });

  it('benchmark, payback and LTV:CAC', () => {
    const vs = cacVsBenchmark(eur(45), eur(50));
    expect(vs.percent.toString()).toBe('-10');
    expect(vs.difference.toString()).toBe('-5 EUR');
    expect(() => cacVsBenchmark(eur(45), eur(0))).toThrow(ValidationError);
    expect(paybackPeriod(eur(120), eur(15))?.toString()).toBe('8');
    expect(paybackPeriod(eur(120), eur(0))).toBeNull();
    expect(ltvToCac(eur(900), eur(300))?.toString()).toBe('3');
    expect(ltvToCac(eur(900), eur(0))).toBeNull();
    expect(() => ltvToCac(eur(900), Money.of(300, 'USD'))).toThrow(CurrencyMismatchError);
    expect(() => paybackPeriod(eur(900), Money.of(30, 'USD'))).toThrow(CurrencyMismatchError);
  });
});

describe('CLV formulas', () => {
  it('historical CLV is the margin to date', async () => {
    const a = base.filter((o) => o.customerId === 'A');
    expect((await historicalClv(a, { currency: 'EUR', asOf: '2026-03-01' })).toString()).toBe('30 EUR');
    expect((await historicalClv(a, { currency: 'EUR', asOf: '2027-01-01' })).toString()).toBe('70 EUR');
    await expect(historicalClv(a, { currency: 'USD', asOf: '2027-01-01' })).rejects.toBeInstanceOf(
      CurrencyMismatchError,
    );
  });

  it('the simple formula', () => {
    const clv = simpleClv({
      averageOrderValue: eur(50),
      purchasesPerYear: 4,
      grossMargin: '0.3',
      lifespanYears: 3,
    });
    expect(clv.toString()).toBe('180 EUR');
    expect(() =>
      simpleClv({ averageOrderValue: eur(50), purchasesPerYear: 4, grossMargin: 1.3, lifespanYears: 3 }),
    ).toThrow(ValidationError);
  });

  it('the retention formula, unlimited and finite', () => {
    expect(
      retentionClv({ margin: eur(100), retention: '0.8', discountRate: '0.1' })
        .round()
        .toString(),
    ).toBe('266.67 EUR');
    expect(retentionClv({ margin: eur(100), retention: '0.5', discountRate: 0, periods: 2 }).toString()).toBe(
      '75 EUR',
    );
    // finite sums approach the closed form
    const long = retentionClv({ margin: eur(100), retention: '0.8', discountRate: '0.1', periods: 400 });
    expect(long.round().toString()).toBe('266.67 EUR');
    expect(() => retentionClv({ margin: eur(100), retention: 1, discountRate: 0 })).toThrow(ValidationError);
  });
});

describe('what-if', () => {
  const current = {
    customers: 1000,
    averageOrderValue: eur(50),
    purchasesPerYear: 4,
    grossMargin: '0.3',
    retentionRate: '0.8',
    repurchaseRate: '0.4',
    cac: eur(60),
    discountRate: '0.1',
  };

  it('projects CLV, LTV:CAC and revenue with explicit assumptions', () => {
    const r = simulateWhatIf({ current, change: { churnPoints: -1, cacPercent: -20 } });
    expect(r.current.clv.toString()).toBe('160 EUR'); // 60 × 0.8 ÷ 0.3
    expect(r.current.revenue.toString()).toBe('160000 EUR'); // 1000 × 0.8 × 50 × 4
    expect(r.scenario.retentionRate.toString()).toBe('0.81');
    expect(r.scenario.cac.toString()).toBe('48 EUR');
    expect(r.scenario.clv.round().toString()).toBe('167.59 EUR'); // 60 × 0.81 ÷ 0.29
    expect(r.scenario.ltvToCac?.toFixed(2)).toBe('3.49');
    expect(r.assumptions.length).toBeGreaterThan(3);
  });

  it('scales frequency with the repurchase rate', () => {
    const r = simulateWhatIf({ current, change: { repurchasePoints: 10 } });
    expect(r.scenario.purchasesPerYear.toString()).toBe('5'); // 4 × 0.5 ÷ 0.4
    expect(r.scenario.revenue.toString()).toBe('200000 EUR');
  });

  it('rejects bad input naming the field', () => {
    try {
      simulateWhatIf({ current: { ...current, retentionRate: 2 }, change: {} });
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toEqual(['current', 'retentionRate']);
    }
  });
});
