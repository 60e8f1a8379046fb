import { InstantSchema, isTimeZone, parseWith, timeZoneOffset } from '@crmkit/core';
import {
  addMonths,
  addWeeks,
  differenceInCalendarMonths,
  differenceInCalendarWeeks,
  format,
  startOfMonth,
  startOfWeek,
} from 'date-fns';
import { z } from 'zod';

/**
 * A period of time: the half-open interval `[start, end)` of UTC instants.
 * `start` is inside the period, `end` is not, so consecutive periods never
 * overlap or leave gaps. Accepts Dates, ISO date-times and `YYYY-MM-DD`
 * (midnight UTC); `end` must be after `start`.
 *
 * @example
 * ```ts
 * PeriodSchema.parse({ start: '2026-01-01', end: '2026-02-01' }); // January 2026, UTC
 * ```
 */
export const PeriodSchema = z
  .object({ start: InstantSchema, end: InstantSchema })
  .strict()
  .refine((p) => p.end.getTime() > p.start.getTime(), { message: 'must be after start', path: ['end'] });

/**
 * A validated period `[start, end)` (output of {@link PeriodSchema}).
 *
 * @example
 * ```ts
 * const q1: Period = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
 * ```
 */
export type Period = z.output<typeof PeriodSchema>;

/**
 * What {@link PeriodSchema} accepts.
 *
 * @example
 * ```ts
 * const p: PeriodInput = { start: '2026-01-01', end: '2026-04-01' };
 * ```
 */
export type PeriodInput = z.input<typeof PeriodSchema>;

/**
 * Validates a period; throws `ValidationError` naming `start` or `end`.
 *
 * @example
 * ```ts
 * parsePeriod({ start: '2026-01-01', end: '2026-02-01' }).end.toISOString(); // '2026-02-01T00:00:00.000Z'
 * ```
 */
export function parsePeriod(input: unknown): Period {
  return parseWith(PeriodSchema, 'period', input);
}

/**
 * Tells whether an instant lies in `[start, end)`.
 *
 * @example
 * ```ts
 * inPeriod(new Date('2026-02-01'), parsePeriod({ start: '2026-01-01', end: '2026-02-01' })); // false
 * ```
 */
export function inPeriod(at: Date, period: Period): boolean {
  const t = at.getTime();
  return t >= period.start.getTime() && t < period.end.getTime();
}

/**
 * How instants are grouped into calendar buckets: by `week` or `month`, in
 * an IANA `timeZone` (default `'UTC'`), weeks starting on `weekStartsOn`
 * (0 = Sunday … 6 = Saturday; default 1, Monday, as in ISO 8601).
 *
 * @example
 * ```ts
 * CalendarOptionsSchema.parse({ unit: 'month', timeZone: 'Europe/Berlin' });
 * ```
 */
export const CalendarOptionsSchema = z
  .object({
    unit: z.enum(['week', 'month']),
    timeZone: z
      .string()
      .refine(isTimeZone, { error: (i) => `must be an IANA time zone, got ${JSON.stringify(i.input)}` })
      .default('UTC'),
    weekStartsOn: z
      .union([0, 1, 2, 3, 4, 5, 6].map((d) => z.literal(d as 0 | 1 | 2 | 3 | 4 | 5 | 6)))
      .default(1),
  })
  .strict();

/**
 * Validated calendar options (output of {@link CalendarOptionsSchema}).
 *
 * @example
 * ```ts
 * const monthly: CalendarOptions = { unit: 'month', timeZone: 'UTC', weekStartsOn: 1 };
 * ```
 */
export type CalendarOptions = z.output<typeof CalendarOptionsSchema>;

/**
 * What {@link CalendarOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const weekly: CalendarOptionsInput = { unit: 'week', timeZone: 'America/New_York', weekStartsOn: 0 };
 * ```
 */
export type CalendarOptionsInput = z.input<typeof CalendarOptionsSchema>;

/**
 * One calendar bucket: a {@link Period} from local midnight to local
 * midnight in the chosen zone, with a readable key (`'2026-03'` for a month,
 * the first day `'2026-03-02'` for a week).
 *
 * @example
 * ```ts
 * const march: CalendarBucket = { key: '2026-03', start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
 * ```
 */
export interface CalendarBucket extends Period {
  /** `yyyy-MM` for a month, `yyyy-MM-dd` (the first day) for a week. */
  readonly key: string;
}

/** The local calendar date of an instant as a date-fns "floating" date (system-local midnight). */
function floatingDate(t: number, timeZone: string): Date {
  const local = new Date(t + timeZoneOffset(t, timeZone));
  return new Date(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
}

/** The UTC instant of local midnight of a floating date in the zone. */
function zonedMidnight(floating: Date, timeZone: string): Date {
  const guess = Date.UTC(floating.getFullYear(), floating.getMonth(), floating.getDate());
  const first = guess - timeZoneOffset(guess, timeZone);
  return new Date(guess - timeZoneOffset(first, timeZone));
}

function bucketStartFloating(t: number, options: CalendarOptions): Date {
  const day = floatingDate(t, options.timeZone);
  return options.unit === 'month'
    ? startOfMonth(day)
    : startOfWeek(day, { weekStartsOn: options.weekStartsOn });
}

function bucketFromFloating(start: Date, options: CalendarOptions): CalendarBucket {
  const next = options.unit === 'month' ? addMonths(start, 1) : addWeeks(start, 1);
  return {
    key: format(start, options.unit === 'month' ? 'yyyy-MM' : 'yyyy-MM-dd'),
    start: zonedMidnight(start, options.timeZone),
    end: zonedMidnight(next, options.timeZone),
  };
}

/**
 * The calendar bucket (week or month, in the zone) that contains an instant.
 *
 * @example
 * ```ts
 * calendarBucket(new Date('2026-02-28T23:30:00Z'), { unit: 'month', timeZone: 'Europe/Berlin' }).key; // '2026-03'
 * ```
 */
export function calendarBucket(at: Date, options: CalendarOptionsInput): CalendarBucket {
  const resolved = parseWith(CalendarOptionsSchema, 'calendar options', options);
  return bucketFromFloating(bucketStartFloating(at.getTime(), resolved), resolved);
}

/**
 * The consecutive calendar buckets that cover `[from, to)`: the first holds
 * `from`, the last holds the instant just before `to`. Use it to report a KPI
 * month by month or week by week.
 *
 * @example
 * ```ts
 * calendarPeriods({ start: '2026-01-15', end: '2026-03-01' }, { unit: 'month' }).map((b) => b.key);
 * // ['2026-01', '2026-02']
 * ```
 */
export function calendarPeriods(range: PeriodInput, options: CalendarOptionsInput): CalendarBucket[] {
  const period = parsePeriod(range);
  const resolved = parseWith(CalendarOptionsSchema, 'calendar options', options);
  const out: CalendarBucket[] = [];
  let start = bucketStartFloating(period.start.getTime(), resolved);
  for (;;) {
    const bucket = bucketFromFloating(start, resolved);
    out.push(bucket);
    if (bucket.end.getTime() >= period.end.getTime()) return out;
    start = resolved.unit === 'month' ? addMonths(start, 1) : addWeeks(start, 1);
  }
}

/** Bucket arithmetic for the hot path of cohort analyses (internal). */
export interface Bucketing {
  /** The floating start of the bucket holding an instant. */
  startOf(t: number): Date;
  /** Whole buckets from `from` to `to` (floating bucket starts). */
  between(from: Date, to: Date): number;
  /** The bucket of a floating start. */
  bucket(start: Date): CalendarBucket;
}

/** Builds the bucket arithmetic for resolved options (internal). */
export function bucketing(options: CalendarOptions): Bucketing {
  return {
    startOf: (t) => bucketStartFloating(t, options),
    between: (from, to) =>
      options.unit === 'month'
        ? differenceInCalendarMonths(to, from)
        : differenceInCalendarWeeks(to, from, { weekStartsOn: options.weekStartsOn }),
    bucket: (start) => bucketFromFloating(start, options),
  };
}
