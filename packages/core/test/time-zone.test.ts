import { describe, expect, it } from 'vitest';
import { isTimeZone, timeZoneOffset } from '../src/index';

const HOUR = 3_600_000;

describe('timeZoneOffset', () => {
  it('gives the offset of a zone at an instant, across daylight-saving changes', () => {
    expect(timeZoneOffset(Date.UTC(2026, 6, 1), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), 'Europe/Berlin')).toBe(HOUR);
    // Berlin leaves summer time at 01:00 UTC on 2026-10-25.
    expect(timeZoneOffset(Date.UTC(2026, 9, 25, 0, 59), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 9, 25, 1, 0), 'Europe/Berlin')).toBe(HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), 'America/New_York')).toBe(-5 * HOUR);
    expect(timeZoneOffset(Date.UTC(2026, 0, 1), 'UTC')).toBe(0);
  });

  it('throws RangeError for an unknown zone', () => {
    expect(() => timeZoneOffset(0, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('isTimeZone', () => {
  it('tells IANA zones from anything else', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
