import { Money, OrderSchema, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsedInput, parseRecordOrderInput, RecordOrderInputSchema } from '../src/order-input';

// Inputs whose order is already an `Order` skip the zod schema for a hand check. The hand check may
// only accept what the schema accepts and must return what the schema returns; anything else goes
// through the schema, errors included.

const orderJson = fc.record({
  id: fc.constantFrom('o1', 'order-2'),
  customerId: fc.constantFrom('c1', 'm 2'),
  placedAt: fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-08'),
  currency: fc.constantFrom('EUR', 'JPY'),
  channel: fc.constantFrom('web', 'app'),
  lines: fc.array(
    fc.record({
      sku: fc.constantFrom('tea', 'cup'),
      category: fc.constantFrom('drinks', 'gift-card'),
      quantity: fc.integer({ min: 1, max: 5 }),
      unitPrice: fc.constantFrom('4.50', '0', '12', '0.05'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type Mutable = Record<string, unknown>;

/** Ways an input can differ from a clean parsed order (most of them not valid any more). */
const mutations: ((input: Mutable, order: Mutable, currency: string) => void)[] = [
  () => {},
  (_, o) => {
    o['id'] = '';
  },
  (_, o) => {
    o['customerId'] = ' c1';
  },
  (_, o) => {
    o['currency'] = 'XXX';
  },
  (_, o) => {
    o['currency'] = o['currency'] === 'EUR' ? 'JPY' : 'EUR';
  },
  (_, o) => {
    o['placedAt'] = new Date(Number.NaN);
  },
  (_, o) => {
    o['placedAt'] = '2026-03-01T10:00:00Z';
  },
  (_, o) => {
    o['lines'] = [];
  },
  (_, o) => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
    o['lines'] = [, ...(o['lines'] as unknown[])];
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({ ...l, quantity: 0 }));
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({ ...l, quantity: 1.5 }));
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({ ...l, unitPrice: '4.5' }));
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({ ...l, unitPrice: Money.of('1', 'GBP') }));
  },
  (_, o, c) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({
      ...l,
      unitPrice: Money.of('-1', c),
    }));
  },
  (_, o, c) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({
      ...l,
      unitCost: Money.of('1', c),
    }));
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map((l) => ({ ...l, colour: 'red' }));
  },
  (_, o) => {
    o['lines'] = (o['lines'] as Mutable[]).map(({ category: _, ...l }) => ({ ...l, name: '' }));
  },
  (_, o, c) => {
    o['total'] = Money.of('-5', c);
  },
  (_, o) => {
    o['total'] = '99';
  },
  (_, o) => {
    delete o['total'];
  },
  (_, o) => {
    o['channel'] = '';
  },
  (_, o) => {
    o['channel'] = undefined;
  },
  (_, o) => {
    o['campaignId'] = 'spring';
  },
  (_, o) => {
    o['status'] = 'lost';
  },
  (_, o) => {
    delete o['status'];
  },
  (_, o) => {
    o['refunds'] = [{ id: 'r1', refundedAt: o['placedAt'], amount: '0.01' }];
  },
  (_, o) => {
    o['extra'] = 1;
  },
  (i) => {
    i['customer'] = { birthday: '1990-03-08', tags: ['vip'] };
  },
  (i) => {
    i['customer'] = JSON.parse('{"__proto__": {"x": 1}, "tier": "gold"}');
  },
  (i) => {
    i['customer'] = { [Symbol('s')]: 1 };
  },
  (i) => {
    i['customer'] = ['x'];
  },
  (i) => {
    i['segment'] = '';
  },
  (i) => {
    i['segment'] = 'vip';
  },
  (i) => {
    i['discountedSkus'] = ['tea'];
  },
  (i) => {
    i['discountedSkus'] = ['tea', ''];
  },
  (i) => {
    // biome-ignore lint/suspicious/noSparseArray: a hole is what this checks
    i['discountedSkus'] = [, 'tea'];
  },
  (i) => {
    i['idempotencyKey'] = 'import:o1';
  },
  (i) => {
    i['idempotencyKey'] = ' ';
  },
  (i) => {
    i['note'] = 'x';
  },
];

const inputs = fc
  .tuple(orderJson, fc.array(fc.nat(mutations.length - 1), { maxLength: 3 }))
  .map(([json, picked]) => {
    const order: Mutable = { ...OrderSchema.parse(json) };
    const input: Mutable = { order };
    for (const m of picked) mutations[m]!(input, order, json.currency);
    return { input, clean: picked.every((m) => m === 0) };
  });

describe('parsing the input of recording an order', () => {
  it('the hand check of parsed orders agrees with RecordOrderInputSchema (fast-check)', () => {
    fc.assert(
      fc.property(inputs, ({ input, clean }) => {
        const expected = RecordOrderInputSchema.safeParse(input);
        const fast = parsedInput(input);
        if (clean) expect(fast).toBeDefined();
        if (fast !== undefined) {
          expect(expected.success).toBe(true);
          expect(fast).toEqual(expected.data);
        }
        if (expected.success) {
          expect(parseRecordOrderInput('order to record', input)).toEqual(expected.data);
        } else {
          expect(() => parseRecordOrderInput('order to record', input)).toThrow(ValidationError);
          try {
            parseRecordOrderInput('order to record', input);
          } catch (e) {
            expect((e as ValidationError).issues).toEqual(
              ValidationError.fromZod('x', expected.error).issues,
            );
          }
        }
      }),
      { numRuns: 3000 },
    );
    // 3,000 runs take a few seconds, more on a loaded machine
  }, 60_000);

  it('copies what it checked, so changing the input afterwards changes nothing', () => {
    const order = OrderSchema.parse({
      id: 'o1',
      customerId: 'c1',
      placedAt: '2026-03-01T10:00:00Z',
      currency: 'EUR',
      lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }],
    });
    const skus = ['tea'];
    const parsed = parsedInput({ order, discountedSkus: skus })!;
    order.placedAt.setUTCFullYear(2030);
    (order.lines[0] as { quantity: number }).quantity = -3;
    skus.push('');
    expect(parsed.order.placedAt.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(parsed.order.lines[0]!.quantity).toBe(2);
    expect(parsed.discountedSkus).toEqual(['tea']);
  });
});
