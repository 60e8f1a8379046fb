import { Decimal, OrderSchema } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountsOf, factorOf, largestFactor } from '../src/amounts';

// Earning arithmetic runs on safe integers when an order's amounts fit and on decimal.js otherwise:
// both must give the same points and amounts on every order.

const decimal = fc.oneof(
  fc.integer({ min: 0, max: 100_000 }).map((cents) => (cents / 100).toFixed(2)),
  fc.integer({ min: 0, max: 999 }).map((n) => `0.${String(n).padStart(3, '0')}`),
  fc.constantFrom('0', '1', '19.99', '0.125', '123456789012.34', '9007199254740.993', '1e-9', '250000.5'),
);
const order = fc
  .record({
    currency: fc.constantFrom('EUR', 'JPY', 'BHD'),
    lines: fc.array(fc.record({ price: decimal, quantity: fc.integer({ min: 1, max: 50 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    total: fc.option(decimal, { nil: undefined }),
  })
  .map(({ currency, lines, total }) =>
    OrderSchema.parse({
      id: 'o1',
      customerId: 'c1',
      placedAt: '2026-03-01',
      currency,
      lines: lines.map((l, i) => ({ sku: `s${i}`, quantity: l.quantity, unitPrice: l.price })),
      ...(total === undefined ? {} : { total }),
    }),
  );
const factor = fc
  .oneof(
    fc.constantFrom('1', '0.5', '1.5', '2', '1.25', '3', '0.1', '1.333'),
    fc
      .tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 7 }))
      .map(([p, q]) => new Decimal(p).dividedBy(q).toString()),
  )
  .map((d) => new Decimal(d));
const rounding = fc.constantFrom(
  Decimal.ROUND_FLOOR,
  Decimal.ROUND_HALF_UP,
  Decimal.ROUND_HALF_EVEN,
  Decimal.ROUND_CEIL,
);

describe('earning arithmetic', () => {
  it('integers and decimal.js agree on sums, points and amounts (fast-check)', () => {
    let integers = 0;
    fc.assert(
      fc.property(
        order,
        factor,
        fc.array(factor, { maxLength: 3 }),
        rounding,
        fc.array(fc.nat(3)),
        (o, unit, multipliers, mode, picked) => {
          const perUnit = factorOf(unit);
          const factors = multipliers.map((m) => factorOf(m.minus(1)));
          const fast = amountsOf(o, mode, perUnit, largestFactor(factors));
          const exact = amountsOf(o, mode, perUnit, undefined);
          if (fast.constructor !== exact.constructor) integers++;
          for (const indices of [o.lines.map((_, i) => i), picked.filter((i) => i < o.lines.length)]) {
            const [a, b] = [fast.sum(indices), exact.sum(indices)];
            expect(fast.isZero(a)).toBe(exact.isZero(b));
            expect(fast.text(a)).toBe(exact.text(b));
            expect(fast.points(a, perUnit)).toBe(exact.points(b, perUnit));
            for (const f of factors) expect(fast.points(a, perUnit, f)).toBe(exact.points(b, perUnit, f));
          }
        },
      ),
      { numRuns: 3000 },
    );
    // many orders take the integer path (the others have a discount, a multiplier below 1, a factor like 1/3…)
    expect(integers).toBeGreaterThan(300);
    // 3,000 runs take a few seconds, more on a loaded machine
  }, 60_000);

  it('rounds like the programme says, on both paths', () => {
    const o = OrderSchema.parse({
      id: 'o1',
      customerId: 'c1',
      placedAt: '2026-03-01',
      currency: 'EUR',
      lines: [{ sku: 'a', quantity: 1, unitPrice: '2.50' }],
    });
    const perUnit = factorOf(new Decimal(1));
    const modes = [
      Decimal.ROUND_FLOOR,
      Decimal.ROUND_HALF_UP,
      Decimal.ROUND_HALF_EVEN,
      Decimal.ROUND_CEIL,
    ] as const;
    for (const path of [largestFactor([]), undefined]) {
      expect(
        modes.map((m) => {
          const a = amountsOf(o, m, perUnit, path);
          return a.points(a.sum([0]), perUnit);
        }),
      ).toEqual([2, 3, 2, 3]);
    }
  });
});
