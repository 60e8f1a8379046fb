import { type Order, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarBucket, calendarPeriods, cohortRetention, inPeriod, parsePeriod } from '../src/index';
import { order } from './fixtures';

describe('periods and calendar buckets', () => {
  it('periods are half-open', () => {
    const p = parsePeriod({ start: '2026-03-01', end: '2026-04-01' });
    expect(inPeriod(new Date('2026-03-01T00:00:00Z'), p)).toBe(true);
    expect(inPeriod(new Date('2026-04-01T00:00:00Z'), p)).toBe(false);
    expect(() => parsePeriod({ start: '2026-03-01', end: '2026-03-01' })).toThrow(ValidationError);
  });

  it('month and week buckets in UTC', () => {
    expect(
      calendarPeriods({ start: '2026-01-15', end: '2026-03-01' }, { unit: 'month' }).map((b) => b.key),
    ).toEqual(['2026-01', '2026-02']);
    const week = calendarBucket(new Date('2026-03-04T12:00:00Z'), { unit: 'week' });
    expect(week).toEqual({
      key: '2026-03-02',
      start: new Date('2026-03-02T00:00:00Z'),
      end: new Date('2026-03-09T00:00:00Z'),
    });
    expect(calendarBucket(new Date('2026-03-04T12:00:00Z'), { unit: 'week', weekStartsOn: 0 }).key).toBe(
      '2026-03-01',
    );
  });

  it('buckets follow the time zone, across daylight saving', () => {
    const berlin = { unit: 'month', timeZone: 'Europe/Berlin' } as const;
    expect(calendarBucket(new Date('2026-02-28T23:30:00Z'), berlin).key).toBe('2026-03');
    const [march, april] = calendarPeriods({ start: '2026-03-10', end: '2026-04-10' }, berlin);
    expect(march?.start.toISOString()).toBe('2026-02-28T23:00:00.000Z'); // CET, UTC+1
    expect(march?.end.toISOString()).toBe('2026-03-31T22:00:00.000Z'); // CEST, UTC+2
    expect(april?.end.toISOString()).toBe('2026-04-30T22:00:00.000Z');
    const ny = calendarBucket(new Date('2026-11-02T03:00:00Z'), {
      unit: 'week',
      timeZone: 'America/New_York',
    });
    expect(ny.key).toBe('2026-10-26'); // still Sunday Nov 1 evening in New York
  });

  it('rejects an unknown time zone naming the field', () => {
    try {
      calendarBucket(new Date(), { unit: 'month', timeZone: 'Mars/Olympus' });
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toEqual(['timeZone']);
    }
  });
});

const cohortOrders: Order[] = [
  order('a1', 'A', '2026-01-10', 10),
  order('a2', 'A', '2026-02-05', 20),
  order('a3', 'A', '2026-03-20', 30),
  order('b1', 'B', '2026-01-31', 40),
  order('b2', 'B', '2026-03-01', 50),
  order('c1', 'C', '2026-02-14', 60),
  order('d1', 'D', '2026-02-28T23:30:00Z', 70),
  order('d2', 'D', '2026-03-10', 80),
  order('x1', 'X', '2026-03-10', 5, { status: 'cancelled' }),
];

describe('cohortRetention', () => {
  it('counts, rates and revenue per customer by acquisition month (UTC)', async () => {
    const rows = await cohortRetention(cohortOrders, { unit: 'month', asOf: '2026-04-01', currency: 'EUR' });
    expect(rows.map((r) => [r.bucket.key, r.size, r.counts])).toEqual([
      ['2026-01', 2, [2, 1, 2]],
      ['2026-02', 2, [2, 1]],
    ]);
    expect(rows[0]!.rates.map((r) => r.value)).toEqual([1, 0.5, 1]);
    expect(rows[0]!.revenue.map(String)).toEqual(['50 EUR', '20 EUR', '80 EUR']);
    expect(rows[0]!.revenuePerCustomer.map(String)).toEqual(['25 EUR', '10 EUR', '40 EUR']);
  });

  it('"still active" counts a customer until their last purchase', async () => {
    const rows = await cohortRetention(cohortOrders, {
      unit: 'month',
      asOf: '2026-04-01',
      currency: 'EUR',
      mode: 'still-active',
    });
    expect(rows.map((r) => r.counts)).toEqual([
      [2, 2, 2],
      [2, 1],
    ]);
  });

  it('moves a late-evening order into the next month in Berlin', async () => {
    const rows = await cohortRetention(cohortOrders, {
      unit: 'month',
      timeZone: 'Europe/Berlin',
      asOf: '2026-03-31T22:00:00Z',
      currency: 'EUR',
    });
    expect(rows.map((r) => [r.bucket.key, r.size, r.counts])).toEqual([
      ['2026-01', 2, [2, 1, 2]],
      ['2026-02', 1, [1, 0]],
      ['2026-03', 1, [1]],
    ]);
    expect(rows[2]!.bucket.start.toISOString()).toBe('2026-02-28T23:00:00.000Z');
  });

  it('weekly cohorts and an empty input', async () => {
    const rows = await cohortRetention(
      [order('1', 'A', '2026-03-02', 1), order('2', 'A', '2026-03-16', 1), order('3', 'B', '2026-03-08', 1)],
      { unit: 'week', asOf: '2026-03-23', currency: 'EUR' },
    );
    expect(rows.map((r) => [r.bucket.key, r.size, r.counts])).toEqual([['2026-03-02', 2, [2, 0, 1]]]);
    expect(await cohortRetention([], { unit: 'week', asOf: '2026-03-23', currency: 'EUR' })).toEqual([]);
  });

  it('never increases a cohort count over time in "still-active" mode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            customer: fc.constantFrom('A', 'B', 'C', 'D', 'E', 'F'),
            day: fc.integer({ min: 0, max: 300 }),
          }),
          { maxLength: 40 },
        ),
        fc.constantFrom('week' as const, 'month' as const),
        async (history, unit) => {
          const t0 = Date.UTC(2025, 0, 1);
          const orders = history.map((h, i) =>
            order(`o${i}`, h.customer, new Date(t0 + h.day * 86_400_000).toISOString(), 10),
          );
          const rows = await cohortRetention(orders, {
            unit,
            asOf: '2026-01-01',
            currency: 'EUR',
            mode: 'still-active',
          });
          let customers = 0;
          for (const row of rows) {
            customers += row.size;
            expect(row.counts[0]).toBe(row.size);
            for (let k = 1; k < row.counts.length; k++)
              expect(row.counts[k]!).toBeLessThanOrEqual(row.counts[k - 1]!);
          }
          expect(customers).toBe(new Set(history.map((h) => h.customer)).size);
        },
      ),
      { numRuns: 100 },
    );
  });
});
