/**
 * The calendar parts of a date in a time zone.
 *
 * @example
 * ```ts
 * const parts: CalendarParts = { year: 2026, month: 3, day: 1, weekday: 0 };
 * ```
 */
export interface CalendarParts {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Tells whether a string is an IANA time zone this runtime knows.
 *
 * @example
 * ```ts
 * isTimeZone('Europe/Berlin'); // true
 * ```
 */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;
const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;

const weekdayOf = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay();

/**
 * Calendar parts of a fact: a `YYYY-MM-DD` string is a calendar date (a
 * birthday) and is read as it is, whatever the zone; a Date or ISO date-time
 * is an instant and is read in `timeZone`. `undefined` for anything else.
 *
 * @example
 * ```ts
 * calendarParts('1990-02-28', 'UTC'); // { year: 1990, month: 2, day: 28, weekday: 3 }
 * calendarParts(new Date('2026-03-01T23:30:00Z'), 'Europe/Berlin'); // March 2 in Berlin
 * ```
 */
export function calendarParts(value: unknown, timeZone: string): CalendarParts | undefined {
  if (typeof value === 'string') {
    // a calendar date, or (in UTC) an ISO instant written in UTC: the date is the text's own
    const calendar = value.length === 10 || (timeZone === 'UTC' && UTC_INSTANT.test(value));
    if (calendar && DATE_PREFIX.test(value)) {
      const year = Number(value.slice(0, 4));
      const month = Number(value.slice(5, 7));
      const day = Number(value.slice(8, 10));
      if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
      return { year, month, day, weekday: weekdayOf(year, month, day) };
    }
  }
  const t =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) return undefined;
  if (timeZone === 'UTC') {
    const d = new Date(t);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      weekday: d.getUTCDay(),
    };
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day, weekday: weekdayOf(year, month, day) };
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Whether `date` falls on the anniversary of `anniversary` in `date`'s year.
 * February 29 anniversaries fall on February 28 in years without one.
 *
 * @example
 * ```ts
 * isAnniversary({ year: 1992, month: 2, day: 29, weekday: 6 }, { year: 2027, month: 2, day: 28, weekday: 0 }); // true
 * ```
 */
export function isAnniversary(anniversary: CalendarParts, date: CalendarParts): boolean {
  if (anniversary.month === 2 && anniversary.day === 29 && !isLeap(date.year)) {
    return date.month === 2 && date.day === 28;
  }
  return anniversary.month === date.month && anniversary.day === date.day;
}
