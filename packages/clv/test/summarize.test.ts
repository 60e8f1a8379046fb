import { Money, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { summarizeTransactionStream, summarizeTransactions } from '../src/index';

describe('summarizeTransactions', () => {
  const transactions = [
    { customerId: 'c1', date: '2026-01-01', amount: '10' },
    { customerId: 'c2', date: '2026-01-03T18:30:00Z', amount: '7.5' },
    { customerId: 'c1', date: '2026-01-08T09:00:00Z', amount: '20' },
    { customerId: 'c1', date: '2026-01-08T23:59:59Z', amount: '5' }, // same day: one purchase day worth 25
    { customerId: 'c1', date: '2026-01-11', amount: '0.1' },
    { customerId: 'c1', date: '2026-01-11T12:00:00+02:00', amount: '0.2' }, // 10:00 UTC, same day
    { customerId: 'c1', date: '2026-01-20', amount: '40' }, // holdout
    { customerId: 'c3', date: '2026-01-18', amount: '3' }, // first purchase after calibrationEnd: left out
    { customerId: 'c2', date: '2026-02-01', amount: '99' }, // after observationEnd: ignored
  ];

  it('counts purchase days, recency and T in days', () => {
    const rows = summarizeTransactions(transactions, { calibrationEnd: '2026-01-15', timeUnit: 'days' });
    expect(rows).toEqual([
      { customerId: 'c1', frequency: 2, recency: 10, T: 14 },
      { customerId: 'c2', frequency: 0, recency: 0, T: 12 },
    ]);
  });

  it('works in fractional weeks, with decimal mean spend of the repeat days and the holdout period', () => {
    const rows = summarizeTransactions(transactions, {
      calibrationEnd: '2026-01-15T20:00:00Z',
      observationEnd: '2026-01-29',
      timeUnit: 'weeks',
      monetary: 'mean',
    });
    expect(rows).toEqual([
      {
        customerId: 'c1',
        frequency: 2,
        recency: 10 / 7,
        T: 2,
        monetaryValue: 12.65, // (25 + 0.3) / 2, summed as decimals
        holdoutFrequency: 1,
        holdoutDuration: 2,
        holdoutMonetaryValue: 40,
      },
      {
        customerId: 'c2',
        frequency: 0,
        recency: 0,
        T: 12 / 7,
        monetaryValue: 0,
        holdoutFrequency: 0,
        holdoutDuration: 2,
        holdoutMonetaryValue: 0,
      },
    ]);
  });

  it('adds decimal amounts exactly and accepts Money and Date', () => {
    const rows = summarizeTransactions(
      [
        { customerId: 'a', date: new Date('2026-03-01T10:00:00Z'), amount: Money.of('1.00', 'EUR') },
        { customerId: 'a', date: new Date('2026-03-02T10:00:00Z'), amount: '0.1' },
        { customerId: 'a', date: new Date('2026-03-02T11:00:00Z'), amount: '0.2' },
      ],
      { calibrationEnd: new Date('2026-03-05T00:00:00Z'), timeUnit: 'days', monetary: 'mean' },
    );
    expect(rows[0]!.monetaryValue).toBe(0.3);
  });

  it('names the transaction and field that is wrong', () => {
    try {
      summarizeTransactions(
        [
          { customerId: 'a', date: '2026-03-01', amount: '1' },
          { customerId: 'a', date: 'yesterday', amount: '1' },
          { customerId: '', date: '2026-03-01', amount: '-2' },
          { customerId: 'b', date: '2026-03-01' },
        ],
        { calibrationEnd: '2026-03-05', timeUnit: 'days', monetary: 'mean' },
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const paths = new Set((error as ValidationError).issues.map((issue) => issue.path.join('.')));
      expect([...paths]).toEqual(['1.date', '2.customerId', '3.amount']);
    }
    expect(() =>
      summarizeTransactions([{ customerId: 'a', date: '2026-03-01', amount: '-2' }], {
        calibrationEnd: '2026-03-05',
        timeUnit: 'days',
        monetary: 'mean',
      }),
    ).toThrow(/0\.amount: must be >= 0/);
    expect(() =>
      summarizeTransactions([], {
        calibrationEnd: '2026-03-05',
        observationEnd: '2026-03-01',
        timeUnit: 'days',
      }),
    ).toThrow(/observationEnd: must not be before calibrationEnd/);
    expect(() =>
      summarizeTransactions([], { calibrationEnd: '2026-03-05', timeUnit: 'months' as 'days' }),
    ).toThrow(/timeUnit/);
  });
});

describe('summarizeTransactionStream', () => {
  it('gives the same rows from an async stream, and splits the calibration day at the instant', async () => {
    async function* stream() {
      yield { customerId: 'a', date: '2026-03-01T08:00:00Z', amount: '4' };
      yield { customerId: 'a', date: '2026-03-03T09:00:00Z', amount: '6' };
      yield { customerId: 'a', date: '2026-03-03T21:00:00Z', amount: '8' }; // after calibrationEnd: holdout
    }
    const options = {
      calibrationEnd: '2026-03-03T12:00:00Z',
      observationEnd: '2026-03-10',
      timeUnit: 'days',
      monetary: 'mean',
    } as const;
    const rows = await summarizeTransactionStream(stream(), options);
    expect(rows).toEqual([
      {
        customerId: 'a',
        frequency: 1,
        recency: 2,
        T: 2,
        monetaryValue: 6,
        holdoutFrequency: 1,
        holdoutDuration: 7,
        holdoutMonetaryValue: 8,
      },
    ]);
    const list = [];
    for await (const tx of stream()) list.push(tx);
    expect(summarizeTransactions(list, options)).toEqual(rows);
    await expect(summarizeTransactionStream(42 as never, options)).rejects.toThrow(/must be an iterable/);
  });
});
