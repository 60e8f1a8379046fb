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

/** Two decimal digits at `i`, or -1 when either is not a digit. */
function twoDigits(s: string, i: number): number {
  const hi = s.charCodeAt(i) - 48;
  const lo = s.charCodeAt(i + 1) - 48;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

/** `YYYY-MM-DD` at the start of a string, read by character codes, as a day number; NaN if it is not one. */
function datePrefix(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const century = twoDigits(s, 0);
  const year = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  if (century < 0 || year < 0 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  return (century * 100 + year) * 10_000 + month * 100 + day;
}

/** Whether a string is `YYYY-MM-DDTHH:MM[:SS[.fff…]]Z` with a time of day up to 23:59:59 (checked by codes, not a regex). */
function isUtcInstant(s: string): boolean {
  const n = s.length;
  if (n < 17 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(n - 1) !== 90)
    return false;
  const hours = twoDigits(s, 11);
  const minutes = twoDigits(s, 14);
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return false;
  if (n === 17) return true;
  const seconds = twoDigits(s, 17);
  if (n < 20 || s.charCodeAt(16) !== 58 || seconds < 0 || seconds > 59) return false;
  if (n === 20) return true;
  if (s.charCodeAt(19) !== 46 || n === 21) return false;
  for (let i = 20; i < n - 1; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The UTC calendar day of an instant in milliseconds, as a day number (civil-from-days, no Date allocated). */
function utcDay(t: number): number {
  const z = Math.floor(t / 86_400_000) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/**
 * The calendar day of a fact as one number, `year × 10000 + month × 100 +
 * day` (NaN for anything that is not a date), read like
 * {@link calendarParts} but without allocating: the form the calendar
 * operators use on their hot path.
 *
 * @example
 * ```ts
 * calendarDay('1990-02-28', 'UTC'); // 19900228
 * calendarDay(new Date('2026-03-01T23:30:00Z'), 'Europe/Berlin'); // 20260302
 * ```
 */
export function calendarDay(value: unknown, timeZone: string): number {
  if (typeof value === 'string') {
    if (value.length === 10) return datePrefix(value);
    // an instant written in UTC, read in UTC: its calendar date is its own text
    if (timeZone === 'UTC' && isUtcInstant(value)) return datePrefix(value);
  }
  const t =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(t)) return Number.NaN;
  if (timeZone === 'UTC') return utcDay(t);
  let year = 0;
  let month = 0;
  let day = 0;
  for (const part of formatter(timeZone).formatToParts(t)) {
    if (part.type === 'year') year = Number(part.value);
    else if (part.type === 'month') month = Number(part.value);
    else if (part.type === 'day') day = Number(part.value);
  }
  return year * 10_000 + month * 100 + day;
}

/**
 * Whether {@link calendarDay} of a fact is a date in `month` (1–12). When
 * the date is the text's own (a `YYYY-MM-DD`, or a UTC instant read in
 * UTC), its month digits are compared before the rest is checked, so most
 * other months are told apart in two characters.
 */
export function isInMonth(value: unknown, timeZone: string, month: number): boolean {
  if (typeof value === 'string' && (value.length === 10 || (timeZone === 'UTC' && isUtcInstant(value)))) {
    return twoDigits(value, 5) === month && !Number.isNaN(datePrefix(value));
  }
  const day = calendarDay(value, timeZone);
  return !Number.isNaN(day) && monthOfDay(day) === month;
}

/** The month (1–12) of a day number. */
export const monthOfDay = (day: number) => Math.floor(day / 100) % 100;

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
  const day = calendarDay(value, timeZone);
  if (Number.isNaN(day)) return undefined;
  return { year: Math.floor(day / 10_000), month: monthOfDay(day), day: day % 100 };
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

/** The day of the week (0 = Sunday) of a day number. */
export function weekdayOfDay(day: number): number {
  return weekday({ year: Math.floor(day / 10_000), month: monthOfDay(day), day: day % 100 });
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

/** {@link isAnniversary} on day numbers. */
export function isAnniversaryDay(anniversary: number, date: number): boolean {
  const monthDay = anniversary % 10_000;
  if (monthDay === 229 && !isLeap(Math.floor(date / 10_000))) return date % 10_000 === 228;
  return monthDay === date % 10_000;
}
