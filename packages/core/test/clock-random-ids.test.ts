import {
  createDomainEvent,
  createManualClock,
  createSeededRandom,
  fixedClock,
  randomInt,
  sequentialIds,
  systemClock,
  ulidIds,
} from '@crmkit/core';
import { describe, expect, it } from 'vitest';

describe('clocks', () => {
  it('a fixed clock always returns the same instant, as a fresh Date', () => {
    const clock = fixedClock('2026-03-01T00:00:00Z');
    const a = clock.now();
    a.setUTCFullYear(1999);
    expect(clock.now().toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('a manual clock moves only when told', () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    clock.advance({ days: 30, hours: 1, minutes: 2, seconds: 3, ms: 4 });
    expect(clock.now().toISOString()).toBe('2026-01-31T01:02:03.004Z');
    clock.advance(-4);
    expect(clock.now().toISOString()).toBe('2026-01-31T01:02:03.000Z');
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(clock.now().getUTCFullYear()).toBe(2027);
  });

  it('rejects invalid instants and durations', () => {
    expect(() => fixedClock('not a date')).toThrow(RangeError);
    expect(() => createManualClock(Number.NaN)).toThrow(/not a valid instant/);
    const clock = createManualClock(0);
    expect(() => clock.set('nope')).toThrow(RangeError);
    expect(() => clock.advance({ days: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(clock.now().getTime()).toBe(0);
  });

  it('the system clock follows real time', () => {
    const before = Date.now();
    const now = systemClock.now().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(60_000);
  });
});

describe('seeded random', () => {
  it('repeats its sequence for a seed and differs across seeds', () => {
    const take = (seed: number | string) => {
      const r = createSeededRandom(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(take(42)).toEqual(take(42));
    expect(take('alpha')).toEqual(take('alpha'));
    expect(take(42)).not.toEqual(take(43));
    for (const x of take(7)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('is uniform enough: mean and bucket counts of 200k draws', () => {
    const r = createSeededRandom(1);
    const buckets = new Array(10).fill(0);
    let sum = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      sum += x;
      buckets[Math.floor(x * 10)]++;
    }
    // the mean of n uniforms has sd 1/sqrt(12n) ≈ 0.00065: allow 5 sd
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.0033);
    // each bucket ~ Binomial(n, 0.1): sd ≈ 134; allow 5 sd
    for (const count of buckets) expect(Math.abs(count - n / 10)).toBeLessThan(670);
  });

  it('draws integers within inclusive bounds', () => {
    const r = createSeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(r, 1, 6));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => randomInt(r, 2, 1)).toThrow(RangeError);
    expect(() => randomInt(r, 0.5, 2)).toThrow(RangeError);
  });
});

describe('ids and events', () => {
  it('sequential ids', () => {
    const next = sequentialIds('evt');
    expect([next(), next()]).toEqual(['evt-1', 'evt-2']);
  });

  it('ULIDs are 26 characters, time-sortable and reproducible', () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const a = ulidIds(clock, createSeededRandom(5));
    const b = ulidIds(clock, createSeededRandom(5));
    const first = a();
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(b()).toBe(first);
    clock.advance(1);
    expect(a() > first).toBe(true);
  });

  it('domain events take their id and time from what is injected', () => {
    const event = createDomainEvent(
      'customer.deleted',
      { customerId: 'c1' },
      { clock: fixedClock('2026-05-01T00:00:00Z'), ids: sequentialIds('e'), customerId: 'c1' },
    );
    expect(event).toEqual({
      id: 'e-1',
      type: 'customer.deleted',
      occurredAt: new Date('2026-05-01T00:00:00Z'),
      customerId: 'c1',
      data: { customerId: 'c1' },
    });
  });
});
