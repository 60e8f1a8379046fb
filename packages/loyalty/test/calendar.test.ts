import { describe, expect, it } from 'vitest';
import { addMonthsUtc, availableFrom, dayKey, expiryOf, periodStart, startOfDayIn } from '../src/index';

const at = (iso: string) => new Date(iso);

describe('calendar helpers', () => {
  it('computes every kind of expiry', () => {
    const earned = at('2026-05-10T12:00:00Z');
    expect(expiryOf({ kind: 'never' }, earned, 'UTC')).toBeNull();
    expect(expiryOf({ kind: 'fixed', at: at('2026-12-31T00:00:00Z') }, earned, 'UTC')?.toISOString()).toBe(
      '2026-12-31T00:00:00.000Z',
    );
    expect(expiryOf({ kind: 'rolling', months: 18 }, earned, 'UTC')?.toISOString()).toBe(
      '2027-11-10T12:00:00.000Z',
    );
    expect(
      expiryOf({ kind: 'end-of-period', period: 'quarter', after: 0 }, earned, 'UTC')?.toISOString(),
    ).toBe('2026-07-01T00:00:00.000Z');
    expect(
      expiryOf({ kind: 'end-of-period', period: 'month', after: 2 }, earned, 'Europe/Berlin')?.toISOString(),
    ).toBe('2026-07-31T22:00:00.000Z');
  });

  it('clamps month ends and respects daylight saving time', () => {
    expect(addMonthsUtc(at('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonthsUtc(at('2028-03-31T10:00:00Z'), -1).toISOString()).toBe('2028-02-29T10:00:00.000Z');
    expect(startOfDayIn(2026, 7, 1, 'Europe/Berlin').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfDayIn(2027, 1, 1, 'Europe/Berlin').toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(startOfDayIn(2026, 3, 8, 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(periodStart(at('2026-11-15T00:00:00Z'), 'quarter', 1, 'UTC').toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('reads days in the programme time zone and adds pending days', () => {
    expect(dayKey(at('2026-03-01T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-02');
    expect(dayKey(at('2026-03-01T23:30:00Z'), 'UTC')).toBe('2026-03-01');
    expect(availableFrom(at('2026-03-01T00:00:00Z'), 14).toISOString()).toBe('2026-03-15T00:00:00.000Z');
  });
});
