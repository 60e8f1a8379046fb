const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Whether `timeZone` is an IANA time zone this runtime knows.
 *
 * @example
 * ```ts
 * isTimeZone('Europe/Berlin'); // true
 * isTimeZone('Mars/Olympus'); // false
 * ```
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const SLOT = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/**
 * How many milliseconds `timeZone` is ahead of UTC at the instant `t`
 * (milliseconds since the epoch). Cached per 15-minute slot, the granularity
 * at which zones change their offset, so calling it for every order of a
 * large stream stays cheap. Throws `RangeError` for an unknown zone.
 *
 * @example
 * ```ts
 * timeZoneOffset(Date.UTC(2026, 6, 1), 'Europe/Berlin'); // 7_200_000 (UTC+2 in summer)
 * ```
 */
export function timeZoneOffset(t: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  let cache = offsets.get(timeZone);
  if (cache === undefined) {
    cache = new Map();
    offsets.set(timeZone, cache);
  }
  const slot = Math.floor(t / SLOT);
  let offset = cache.get(slot);
  if (offset === undefined) {
    const parts: Record<string, number> = {};
    for (const p of formatter(timeZone).formatToParts(slot * SLOT)) parts[p.type] = Number(p.value);
    const local = Date.UTC(
      parts['year'] as number,
      (parts['month'] as number) - 1,
      parts['day'] as number,
      parts['hour'] as number,
      parts['minute'] as number,
      parts['second'] as number,
    );
    offset = local - slot * SLOT;
    if (cache.size > 200_000) cache.clear();
    cache.set(slot, offset);
  }
  return offset;
}
