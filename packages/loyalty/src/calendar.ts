import { timeZoneOffset } from '@crmkit/core';
import { calendarParts } from '@crmkit/rules';
import type { ProgramDefinition } from './definition';

const DAY = 86_400_000;
/**
 * The instant a calendar day starts in a time zone (month may overflow:
 * month 13 is January of the next year).
 *
 * @example
 * ```ts
 * startOfDayIn(2027, 1, 1, 'Europe/Berlin').toISOString(); // '2026-12-31T23:00:00.000Z'
 * ```
 */
export function startOfDayIn(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - timeZoneOffset(guess, timeZone);
  return new Date(guess - timeZoneOffset(first, timeZone));
}

/**
 * The calendar day of an instant in a time zone, as `YYYY-MM-DD`.
 *
 * @example
 * ```ts
 * dayKey(new Date('2026-03-01T23:30:00Z'), 'Europe/Berlin'); // '2026-03-02'
 * ```
 */
export function dayKey(instant: Date, timeZone: string): string {
  const p = calendarParts(instant, timeZone)!;
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The first day (1-based month) of the calendar period holding an instant, `after` periods later.
 *
 * @example
 * ```ts
 * periodStart(new Date('2026-05-10T00:00:00Z'), 'quarter', 1, 'UTC').toISOString(); // '2026-07-01T00:00:00.000Z'
 * ```
 */
export function periodStart(
  instant: Date,
  period: 'month' | 'quarter' | 'year',
  after: number,
  timeZone: string,
): Date {
  const p = calendarParts(instant, timeZone)!;
  const size = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const first = period === 'year' ? 1 : Math.floor((p.month - 1) / size) * size + 1;
  return startOfDayIn(p.year, first + after * size, 1, timeZone);
}

/**
 * Adds whole months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29).
 *
 * @example
 * ```ts
 * addMonthsUtc(new Date('2026-01-31T10:00:00Z'), 1).toISOString(); // '2026-02-28T10:00:00.000Z'
 * ```
 */
export function addMonthsUtc(instant: Date, months: number): Date {
  const y = instant.getUTCFullYear();
  const m = instant.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const d = new Date(instant.getTime());
  d.setUTCFullYear(y, m, Math.min(instant.getUTCDate(), last));
  return d;
}

/**
 * When points earned at `earnedAt` expire under the programme's expiry rule
 * (`null`: never). End-of-period expiry is the start of the following period
 * in the programme's time zone (points expire at that instant).
 *
 * @example
 * ```ts
 * expiryOf({ kind: 'rolling', months: 12 }, new Date('2026-03-01T00:00:00Z'), 'UTC'); // 2027-03-01
 * ```
 */
export function expiryOf(expiry: ProgramDefinition['expiry'], earnedAt: Date, timeZone: string): Date | null {
  switch (expiry.kind) {
    case 'never':
      return null;
    case 'fixed':
      return expiry.at;
    case 'rolling':
      return addMonthsUtc(earnedAt, expiry.months);
    case 'end-of-period':
      return periodStart(earnedAt, expiry.period, expiry.after + 1, timeZone);
  }
}

/**
 * When points earned at `earnedAt` become spendable: after `pendingDays`.
 *
 * @example
 * ```ts
 * availableFrom(new Date('2026-03-01T00:00:00Z'), 14).toISOString(); // '2026-03-15T00:00:00.000Z'
 * ```
 */
export function availableFrom(earnedAt: Date, pendingDays: number): Date {
  return new Date(earnedAt.getTime() + pendingDays * DAY);
}

/** Milliseconds in a day. */
export const DAY_MS = DAY;
