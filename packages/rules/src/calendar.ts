/**
 * The calendar parts of a date in a time zone.
 *
 * @example
 * ```ts
 * const parts: CalendarParts = { year: 2026, month: 3, day: 1 };
 * ```
 */
export interface CalendarParts {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
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

const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;
const digit = (s: string, i: number) => {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : Number.NaN;
};

/** Reads `YYYY-MM-DD` at the start of a string by character codes (no allocation), or undefined. */
function datePrefix(s: string): CalendarParts | undefined {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return undefined;
  const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const month = digit(s, 5) * 10 + digit(s, 6);
  const day = digit(s, 8) * 10 + digit(s, 9);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 0)) return undefined;
  return { year, month, day };
}

/**
 * Calendar parts of a fact: a `YYYY-MM-DD` string is a calendar date (a
 * birthday) and is read as it is, whatever the zone; a Date or ISO date-time
 * is an instant and is read in `timeZone`. `undefined` for anything else.
 *
 * @example
 * ```ts
 * calendarParts('1990-02-28', 'UTC'); // { year: 1990, month: 2, day: 28 }
 * calendarParts(new Date('2026-03-01T23:30:00Z'), 'Europe/Berlin'); // { year: 2026, month: 3, day: 2 }
 * ```
 */
export function calendarParts(value: unknown, timeZone: string): CalendarParts | undefined {
  if (typeof value === 'string') {
    if (value.length === 10) return datePrefix(value);
    // an instant written in UTC, read in UTC: its calendar date is its own text
    if (timeZone === 'UTC' && UTC_INSTANT.test(value)) return datePrefix(value);
  }
  const t =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) return undefined;
  if (timeZone === 'UTC') {
    const d = new Date(t);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return { year, month, day };
}

/**
 * The day of the week of calendar parts: 0 = Sunday … 6 = Saturday.
 *
 * @example
 * ```ts
 * weekday({ year: 2026, month: 3, day: 8 }); // 0
 * ```
 */
export function weekday(parts: CalendarParts): number {
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay();
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/**
 * Whether `date` falls on the anniversary of `anniversary` in `date`'s year.
 * February 29 anniversaries fall on February 28 in years without one.
 *
 * @example
 * ```ts
 * isAnniversary({ year: 1992, month: 2, day: 29 }, { year: 2027, month: 2, day: 28 }); // true
 * ```
 */
export function isAnniversary(anniversary: CalendarParts, date: CalendarParts): boolean {
  if (anniversary.month === 2 && anniversary.day === 29 && !isLeap(date.year)) {
    return date.month === 2 && date.day === 28;
  }
  return anniversary.month === date.month && anniversary.day === date.day;
}
