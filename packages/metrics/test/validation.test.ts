import { Money, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  attributeAcquisitions,
  averageOrderValue,
  cacVsBenchmark,
  calendarPeriods,
  cohortRetention,
  complaintRate,
  complement,
  conversionRate,
  customerValues,
  grossMarginContribution,
  historicalClv,
  interPurchaseInterval,
  ltvToCac,
  netPromoterScore,
  paretoShare,
  paybackPeriod,
  periodKpisFromStorage,
  purchaseFrequency,
  purchaseIntervals,
  rate,
  repurchaseRate,
  surveyScores,
} from '../src/index';
import { base, MARCH } from './fixtures';

const pathOf = async (work: () => unknown): Promise<string> => {
  try {
    await work();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues[0]!.path.join('.');
  }
  throw new Error('did not throw');
};

const backwards = { start: '2026-04-01', end: '2026-03-01' };

describe('every entry point names the bad field', () => {
  it('period options', async () => {
    expect(await pathOf(() => repurchaseRate(base, { period: backwards }))).toBe('period.end');
    expect(
      await pathOf(() => purchaseFrequency(base, { period: { start: 'soon', end: '2026-03-01' } })),
    ).toBe('period.start');
    expect(await pathOf(() => interPurchaseInterval(base, { period: backwards }))).toBe('period.end');
    expect(await pathOf(() => surveyScores([], { period: backwards }))).toBe('period.end');
    expect(await pathOf(() => averageOrderValue(base, { period: MARCH, currency: 'XXX' }))).toBe('currency');
    expect(await pathOf(() => grossMarginContribution(base, { period: backwards, currency: 'EUR' }))).toBe(
      'period.end',
    );
  });

  it('engagement, cohorts, Pareto, CAC and CLV options', async () => {
    expect(
      await pathOf(() => conversionRate({ customers: [], orders: [] }, { period: MARCH, withinDays: 0 })),
    ).toBe('withinDays');
    expect(
      await pathOf(() =>
        complaintRate({ interactions: [], orders: [] }, { period: MARCH, per: 'day' as 'order' }),
      ),
    ).toBe('per');
    expect(
      await pathOf(() =>
        cohortRetention(base, { unit: 'year' as 'month', asOf: '2026-04-01', currency: 'EUR' }),
      ),
    ).toBe('unit');
    expect(
      await pathOf(() =>
        cohortRetention(base, { unit: 'week', weekStartsOn: 7 as 1, asOf: '2026-04-01', currency: 'EUR' }),
      ),
    ).toBe('weekStartsOn');
    expect(await pathOf(() => calendarPeriods(backwards, { unit: 'month' }))).toBe('end');
    expect(
      await pathOf(() =>
        customerValues(base, { period: MARCH, currency: 'EUR', measure: 'profit' as 'margin' }),
      ),
    ).toBe('measure');
    expect(
      await pathOf(() => attributeAcquisitions({ orders: base }, { model: 'linear' as 'first-touch' })),
    ).toBe('model');
    expect(await pathOf(() => historicalClv(base, { currency: 'EUR', asOf: 'later' }))).toBe('asOf');
    expect(
      await pathOf(() =>
        periodKpisFromStorage(
          { orders: {} as never },
          { period: MARCH, lost: { inactivityDays: -3 }, currency: 'EUR' },
        ),
      ),
    ).toBe('lost.inactivityDays');
  });

  it('plain-value functions check their arguments', async () => {
    const eur = Money.of(10, 'EUR');
    expect(await pathOf(() => cacVsBenchmark(10 as never, eur))).toBe('cac');
    expect(await pathOf(() => paybackPeriod(eur, '5' as never))).toBe('marginPerMonth');
    expect(await pathOf(() => ltvToCac(eur, null as never))).toBe('cac');
    expect(await pathOf(() => paretoShare([eur, 5 as never], 0.5))).toBe('1');
    expect(await pathOf(() => purchaseIntervals([new Date('2026-01-01'), new Date('nope')]))).toBe('1');
    expect(await pathOf(() => netPromoterScore('9, 10' as never))).toBe('');
  });

  it('rates', async () => {
    expect(await pathOf(() => rate(-1, 2))).toBe('numerator');
    expect(await pathOf(() => rate(1, Number.NaN))).toBe('denominator');
    expect(complement(rate(1, 4))).toEqual({ numerator: 3, denominator: 4, value: 0.75 });
  });
});
