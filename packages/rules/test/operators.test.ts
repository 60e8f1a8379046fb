import { Decimal, fixedClock, Money } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDay, calendarParts, compile, readFact } from '../src/index';

const holds = (condition: unknown, facts: unknown, options = {}) => compile(condition, options).test(facts);

describe('comparison operators', () => {
  const facts = {
    order: {
      total: 120,
      channel: 'web',
      tags: ['gift', 'sale'],
      note: 'VIP order',
      paid: true,
      coupon: null,
    },
  };

  it('eq / ne on strings, numbers, booleans and null', () => {
    expect(holds({ fact: 'order.channel', op: 'eq', value: 'web' }, facts)).toBe(true);
    expect(holds({ fact: 'order.channel', op: 'eq', value: 'Web' }, facts)).toBe(false);
    expect(holds({ fact: 'order.total', op: 'eq', value: 120 }, facts)).toBe(true);
    expect(holds({ fact: 'order.paid', op: 'eq', value: true }, facts)).toBe(true);
    expect(holds({ fact: 'order.coupon', op: 'eq', value: null }, facts)).toBe(true);
    expect(holds({ fact: 'order.channel', op: 'ne', value: 'store' }, facts)).toBe(true);
    expect(holds({ fact: 'order.channel', op: 'ne', value: 'web' }, facts)).toBe(false);
  });

  it('gt / gte / lt / lte at the boundary', () => {
    expect(holds({ fact: 'order.total', op: 'gt', value: 120 }, facts)).toBe(false);
    expect(holds({ fact: 'order.total', op: 'gte', value: 120 }, facts)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'lt', value: 120 }, facts)).toBe(false);
    expect(holds({ fact: 'order.total', op: 'lte', value: 120 }, facts)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'gt', value: 119.99 }, facts)).toBe(true);
    expect(holds({ fact: 'order.channel', op: 'gt', value: 5 }, facts)).toBe(false);
  });

  it('compares Money and decimals exactly', () => {
    const money = {
      order: { total: Money.of('100.10', 'EUR'), fee: new Decimal('0.3'), text: '0.30000000000000001' },
    };
    expect(holds({ fact: 'order.total', op: 'gte', value: '100.1' }, money)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'gt', value: 100.1 }, money)).toBe(false);
    expect(holds({ fact: 'order.total', op: 'eq', value: '100.100' }, money)).toBe(true);
    expect(holds({ fact: 'order.fee', op: 'eq', value: 0.3 }, money)).toBe(true);
    expect(holds({ fact: 'order.text', op: 'gt', value: '0.3' }, money)).toBe(true);
    // 0.1 + 0.2 as a float is not 0.3; as decimals it is
    expect(holds({ fact: 'x', op: 'eq', value: '0.3' }, { x: new Decimal('0.1').plus('0.2') })).toBe(true);
    const usd = { a: Money.of(5, 'USD'), b: Money.of(5, 'EUR'), c: Money.of(5, 'USD') };
    expect(holds({ fact: 'a', op: 'eq', value: { fact: 'b' } }, usd)).toBe(false);
    expect(holds({ fact: 'a', op: 'ne', value: { fact: 'b' } }, usd)).toBe(true);
    expect(holds({ fact: 'a', op: 'gte', value: { fact: 'b' } }, usd)).toBe(false);
    expect(holds({ fact: 'a', op: 'eq', value: { fact: 'c' } }, usd)).toBe(true);
  });

  it('in / nin, between (inclusive), contains, startsWith, exists', () => {
    expect(holds({ fact: 'order.channel', op: 'in', value: ['web', 'app'] }, facts)).toBe(true);
    expect(holds({ fact: 'order.channel', op: 'nin', value: ['web', 'app'] }, facts)).toBe(false);
    expect(holds({ fact: 'order.total', op: 'in', value: [100, '120.00'] }, facts)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'between', value: [100, 120] }, facts)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'between', value: [120, 200] }, facts)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'between', value: [120.01, 200] }, facts)).toBe(false);
    expect(holds({ fact: 'order.tags', op: 'contains', value: 'gift' }, facts)).toBe(true);
    expect(holds({ fact: 'order.tags', op: 'contains', value: 'gif' }, facts)).toBe(false);
    expect(holds({ fact: 'order.note', op: 'contains', value: 'VIP' }, facts)).toBe(true);
    expect(holds({ fact: 'order.note', op: 'startsWith', value: 'VIP' }, facts)).toBe(true);
    expect(holds({ fact: 'order.note', op: 'startsWith', value: 'order' }, facts)).toBe(false);
    expect(holds({ fact: 'order.coupon', op: 'exists' }, facts)).toBe(true);
    expect(holds({ fact: 'order.missing', op: 'exists' }, facts)).toBe(false);
  });

  it('reads nested objects and arrays by index', () => {
    const f = { order: { lines: [{ sku: 'tea' }, { sku: 'cup', qty: 2 }] } };
    expect(holds({ fact: 'order.lines.1.sku', op: 'eq', value: 'cup' }, f)).toBe(true);
    expect(holds({ fact: 'order.lines.5.sku', op: 'exists' }, f)).toBe(false);
    expect(holds({ fact: 'order.lines.0.sku.length', op: 'exists' }, f)).toBe(false);
    expect(holds({ fact: 'toString', op: 'exists' }, f)).toBe(false);
  });

  it("never reads what objects inherit from Object.prototype, but reads a class instance's getters", () => {
    class Visit {
      constructor(readonly minutes: number) {}
      get long() {
        return this.minutes > 30;
      }
    }
    const f = { visit: new Visit(45), plain: { a: 1 }, own: { constructor: 'mine' } };
    expect(holds({ fact: 'visit.long', op: 'eq', value: true }, f)).toBe(true);
    expect(holds({ fact: 'visit.minutes', op: 'gt', value: 30 }, f)).toBe(true);
    for (const fact of ['plain.constructor', 'plain.toString', 'plain.__proto__', 'visit.constructor']) {
      expect(holds({ fact, op: 'exists' }, f), fact).toBe(false);
    }
    expect(holds({ fact: 'own.constructor', op: 'eq', value: 'mine' }, f)).toBe(true);
    // longer paths take the general reader: same rules
    const deep = { a: { b: { visit: new Visit(10), plain: {} } } };
    expect(holds({ fact: 'a.b.visit.long', op: 'eq', value: false }, deep)).toBe(true);
    expect(holds({ fact: 'a.b.plain.hasOwnProperty', op: 'exists' }, deep)).toBe(false);
    expect(readFact(deep, ['a', 'b', 'plain', 'valueOf'])).toBe(readFact({}, ['x']));
  });

  it('compares with another fact', () => {
    const f = { order: { total: 80 }, customer: { avgOrderValue: Money.of('75.50', 'EUR') } };
    expect(holds({ fact: 'order.total', op: 'gt', value: { fact: 'customer.avgOrderValue' } }, f)).toBe(true);
    expect(holds({ fact: 'order.total', op: 'gt', value: { fact: 'customer.nothing' } }, f)).toBe(false);
    expect(
      holds({ fact: 'order.total', op: 'between', value: [{ fact: 'customer.avgOrderValue' }, 100] }, f),
    ).toBe(true);
  });

  it('every operator but exists is false on a missing fact, and not is its complement', () => {
    const clock = fixedClock('2026-03-01T00:00:00Z');
    const cases: unknown[] = [
      { op: 'eq', value: 1 },
      { op: 'ne', value: 1 },
      { op: 'gt', value: 1 },
      { op: 'gte', value: 1 },
      { op: 'lt', value: 1 },
      { op: 'lte', value: 1 },
      { op: 'in', value: [1] },
      { op: 'nin', value: [1] },
      { op: 'between', value: [1, 2] },
      { op: 'contains', value: 'x' },
      { op: 'startsWith', value: 'x' },
      { op: 'before', value: '2026-01-01' },
      { op: 'after', value: '2026-01-01' },
      { op: 'within', value: { days: 30 } },
      { op: 'sameDayOfYear' },
      { op: 'sameMonth' },
      { op: 'dayOfWeek', value: 1 },
      { op: 'dayOfMonth', value: 8 },
    ];
    for (const c of cases) {
      const leaf = { fact: 'nope.deeper', ...(c as object) };
      expect(holds(leaf, {}, { clock })).toBe(false);
      expect(holds({ not: leaf }, {}, { clock })).toBe(true);
      expect(holds(leaf, null, { clock })).toBe(false);
      expect(holds(leaf, { nope: undefined }, { clock })).toBe(false);
    }
  });
});

describe('date operators', () => {
  const clock = fixedClock('2026-03-15T12:00:00Z');

  it('before / after are strict, on Dates and ISO strings', () => {
    const f = { at: new Date('2026-03-01T00:00:00Z'), iso: '2026-03-01' };
    expect(holds({ fact: 'at', op: 'before', value: '2026-03-01T00:00:00Z' }, f)).toBe(false);
    expect(holds({ fact: 'at', op: 'before', value: '2026-03-01T00:00:01Z' }, f)).toBe(true);
    expect(holds({ fact: 'iso', op: 'after', value: '2026-02-28T23:59:59Z' }, f)).toBe(true);
    expect(holds({ fact: 'at', op: 'after', value: { fact: 'iso' } }, f)).toBe(false);
    expect(holds({ fact: 'at', op: 'gte', value: '2026-03-01' }, f)).toBe(true);
  });

  it('within includes both ends of [now − duration, now] and excludes the future', () => {
    const at = (iso: string) => ({ t: new Date(iso) });
    const last30 = { fact: 't', op: 'within', value: { days: 30 } };
    expect(holds(last30, at('2026-02-13T12:00:00Z'), { clock })).toBe(true);
    expect(holds(last30, at('2026-02-13T11:59:59.999Z'), { clock })).toBe(false);
    expect(holds(last30, at('2026-03-15T12:00:00Z'), { clock })).toBe(true);
    expect(holds(last30, at('2026-03-15T12:00:00.001Z'), { clock })).toBe(false);
    const next2h = { fact: 't', op: 'within', value: { hours: 2, direction: 'next' } };
    expect(holds(next2h, at('2026-03-15T14:00:00Z'), { clock })).toBe(true);
    expect(holds(next2h, at('2026-03-15T11:59:00Z'), { clock })).toBe(false);
    const lastMonth = { fact: 't', op: 'within', value: { months: 1 } };
    expect(holds(lastMonth, at('2026-02-15T12:00:00Z'), { clock })).toBe(true);
    expect(holds(lastMonth, at('2026-02-15T11:59:59Z'), { clock })).toBe(false);
  });

  it('birthdays: calendar dates are read as they are, instants in the time zone', () => {
    const birthday = { fact: 'customer.birthday', op: 'sameDayOfYear' };
    const late = fixedClock('2026-03-14T23:30:00Z'); // already March 15 in Berlin
    expect(holds(birthday, { customer: { birthday: '1990-03-15' } }, { clock: late })).toBe(false);
    expect(
      holds(birthday, { customer: { birthday: '1990-03-15' } }, { clock: late, timeZone: 'Europe/Berlin' }),
    ).toBe(true);
    expect(
      holds(
        birthday,
        { customer: { birthday: '1990-03-14' } },
        { clock: late, timeZone: 'America/New_York' },
      ),
    ).toBe(true);
    // a Feb 29 birthday is celebrated on Feb 28 in other years, and on Feb 29 in leap years
    expect(
      holds(
        birthday,
        { customer: { birthday: '1992-02-29' } },
        { clock: fixedClock('2027-02-28T10:00:00Z') },
      ),
    ).toBe(true);
    expect(
      holds(
        birthday,
        { customer: { birthday: '1992-02-29' } },
        { clock: fixedClock('2028-02-28T10:00:00Z') },
      ),
    ).toBe(false);
    expect(
      holds(
        birthday,
        { customer: { birthday: '1992-02-29' } },
        { clock: fixedClock('2028-02-29T10:00:00Z') },
      ),
    ).toBe(true);
    const month = { fact: 'customer.birthday', op: 'sameMonth', value: { fact: 'order.placedAt' } };
    expect(
      holds(month, {
        customer: { birthday: '1990-03-31' },
        order: { placedAt: new Date('2026-03-01T00:00:00Z') },
      }),
    ).toBe(true);
  });

  it('calendarDay reads UTC instants by their text only when they are valid times of day', () => {
    expect(calendarDay('2026-03-15T10:00:00Z', 'UTC')).toBe(20260315);
    expect(calendarDay('2026-03-15T10:00Z', 'UTC')).toBe(20260315);
    expect(calendarDay('2026-03-15T10:00:00.123456Z', 'UTC')).toBe(20260315);
    // 24:00 is the next day's midnight (as Date.parse reads it), 25:00 is no time at all
    expect(calendarDay('2026-03-15T24:00:00Z', 'UTC')).toBe(20260316);
    expect(calendarDay('2026-03-15T25:00:00Z', 'UTC')).toBeNaN();
    expect(calendarDay('2026-03-15T10:60Z', 'UTC')).toBeNaN();
    expect(calendarDay('2026-13-01', 'UTC')).toBeNaN();
    expect(calendarDay('2026-0x-01', 'UTC')).toBeNaN();
    expect(calendarDay(42, 'UTC')).toBeNaN();
    expect(calendarDay(new Date('2026-03-01T23:30:00Z'), 'Europe/Berlin')).toBe(20260302);
    expect(calendarParts('2026-03-15T23:30:00-05:00', 'UTC')).toEqual({ year: 2026, month: 3, day: 16 });
  });

  it('calendarDay of an instant in UTC agrees with Date, for any instant', () => {
    const instant = fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 });
    fc.assert(
      fc.property(instant, (t) => {
        const d = new Date(t);
        const expected = d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
        expect(calendarDay(d, 'UTC')).toBe(expected);
        expect(calendarDay(d.toISOString(), 'UTC')).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('member days: day of week and day of month, in the time zone', () => {
    const sunday = new Date('2026-03-08T12:00:00Z');
    expect(holds({ fact: 'at', op: 'dayOfWeek', value: 0 }, { at: sunday })).toBe(true);
    expect(holds({ fact: 'at', op: 'dayOfWeek', value: [1, 2, 3, 4, 5] }, { at: sunday })).toBe(false);
    expect(holds({ fact: 'at', op: 'dayOfMonth', value: 8 }, { at: sunday })).toBe(true);
    const nearMidnight = { at: new Date('2026-03-07T23:30:00Z') };
    expect(holds({ fact: 'at', op: 'dayOfMonth', value: 8 }, nearMidnight)).toBe(false);
    expect(
      holds({ fact: 'at', op: 'dayOfMonth', value: 8 }, nearMidnight, { timeZone: 'Asia/Shanghai' }),
    ).toBe(true);
  });
});
