import { z } from 'zod';
import { type Decimal, toDecimal } from './decimal';
import { Money } from './money';
import {
  type AmountInput,
  AmountSchema,
  CurrencySchema,
  IdSchema,
  InstantSchema,
  parseWith,
} from './primitives';

const OrderLineSchema = z
  .object({
    sku: z.string().min(1),
    name: z.string().min(1).optional(),
    category: z.string().min(1).optional(),
    quantity: z.number().int('must be a whole number').positive('must be greater than 0'),
    unitPrice: AmountSchema,
    unitCost: AmountSchema.optional(),
  })
  .strict();

const RefundSchema = z
  .object({
    id: IdSchema,
    refundedAt: InstantSchema,
    amount: AmountSchema,
    lines: z
      .array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() }).strict())
      .optional(),
    reason: z.string().min(1).optional(),
  })
  .strict();

/**
 * An order with its lines and refunds. Amounts are given without currency
 * (decimal strings or numbers, or Money in the order's currency) and parse to
 * {@link Money} in the order's `currency`. `total` defaults to the sum of
 * lines; a different total (shipping, discounts) is kept as given.
 *
 * Checks across fields: amounts are not negative, every Money amount is in
 * the order's currency, refunds do not exceed the total, refund ids are
 * unique and refunded lines name skus of the order in at most the ordered
 * quantity, and no refund predates the order.
 *
 * @example
 * ```ts
 * const order = OrderSchema.parse({
 *   id: 'o1', customerId: 'c1', placedAt: '2026-03-01T12:00:00Z', currency: 'EUR',
 *   lines: [{ sku: 'tea', category: 'drinks', quantity: 2, unitPrice: '4.50' }],
 * });
 * order.total.toString(); // '9 EUR'
 * ```
 */
export const OrderSchema = z
  .object({
    id: IdSchema,
    customerId: IdSchema,
    placedAt: InstantSchema,
    currency: CurrencySchema,
    lines: z.array(OrderLineSchema).min(1, 'an order needs at least one line'),
    total: AmountSchema.optional(),
    channel: z.string().min(1).optional(),
    campaignId: IdSchema.optional(),
    status: z.enum(['placed', 'paid', 'fulfilled', 'cancelled']).default('placed'),
    refunds: z.array(RefundSchema).default([]),
  })
  .strict()
  .superRefine((order, ctx) => {
    const money = (value: AmountInput, path: (string | number)[]): Decimal | undefined => {
      if (value instanceof Money && value.currency !== order.currency) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `must be in ${order.currency}, got ${value.currency}`,
        });
        return undefined;
      }
      const d = value instanceof Money ? value.amount : toDecimal(value)!;
      if (d.isNegative()) {
        ctx.addIssue({ code: 'custom', path, message: 'must not be negative' });
        return undefined;
      }
      return d;
    };
    const quantities = new Map<string, number>();
    let linesTotal: Decimal | undefined = toDecimal(0)!;
    order.lines.forEach((line, i) => {
      const price = money(line.unitPrice, ['lines', i, 'unitPrice']);
      if (line.unitCost !== undefined) money(line.unitCost, ['lines', i, 'unitCost']);
      linesTotal = price === undefined ? undefined : linesTotal?.plus(price.times(line.quantity));
      quantities.set(line.sku, (quantities.get(line.sku) ?? 0) + line.quantity);
    });
    const total = order.total === undefined ? linesTotal : money(order.total, ['total']);
    let refunded = toDecimal(0)!;
    const seen = new Set<string>();
    const refundedQty = new Map<string, number>();
    order.refunds.forEach((refund, i) => {
      if (seen.has(refund.id))
        ctx.addIssue({ code: 'custom', path: ['refunds', i, 'id'], message: 'duplicate refund id' });
      seen.add(refund.id);
      const amount = money(refund.amount, ['refunds', i, 'amount']);
      if (amount?.isZero())
        ctx.addIssue({ code: 'custom', path: ['refunds', i, 'amount'], message: 'must be greater than 0' });
      if (amount) refunded = refunded.plus(amount);
      if (refund.refundedAt < order.placedAt) {
        ctx.addIssue({
          code: 'custom',
          path: ['refunds', i, 'refundedAt'],
          message: 'must not be before placedAt',
        });
      }
      refund.lines?.forEach((line, j) => {
        const ordered = quantities.get(line.sku);
        const sum = (refundedQty.get(line.sku) ?? 0) + line.quantity;
        refundedQty.set(line.sku, sum);
        if (ordered === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['refunds', i, 'lines', j, 'sku'],
            message: 'is not a sku of this order',
          });
        } else if (sum > ordered) {
          ctx.addIssue({
            code: 'custom',
            path: ['refunds', i, 'lines', j, 'quantity'],
            message: `refunds ${sum} of ${ordered} ordered`,
          });
        }
      });
    });
    if (total && refunded.greaterThan(total)) {
      ctx.addIssue({
        code: 'custom',
        path: ['refunds'],
        message: `refunds ${refunded} exceed the total ${total}`,
      });
    }
  })
  .transform((order) => {
    const toMoney = (value: AmountInput) =>
      value instanceof Money ? value : Money.of(value, order.currency);
    const lines = order.lines.map(({ unitCost, ...line }) => ({
      ...line,
      unitPrice: toMoney(line.unitPrice),
      ...(unitCost === undefined ? {} : { unitCost: toMoney(unitCost) }),
    }));
    const total =
      order.total === undefined
        ? Money.sum(
            lines.map((l) => l.unitPrice.times(l.quantity)),
            order.currency,
          )
        : toMoney(order.total);
    const refunds = order.refunds.map((r) => ({ ...r, amount: toMoney(r.amount) }));
    return { ...order, lines, total, refunds };
  });

/**
 * A validated order (output of {@link OrderSchema}): every amount is Money.
 *
 * @example
 * ```ts
 * const o: Order = parseOrder(json);
 * o.total.currency === o.currency; // true
 * ```
 */
export type Order = z.output<typeof OrderSchema>;

/**
 * What {@link OrderSchema} accepts.
 *
 * @example
 * ```ts
 * const input: OrderInput = { id: 'o1', customerId: 'c1', placedAt: '2026-03-01', currency: 'EUR',
 *   lines: [{ sku: 'tea', quantity: 1, unitPrice: '4.50' }] };
 * ```
 */
export type OrderInput = z.input<typeof OrderSchema>;

/**
 * One line of an {@link Order}.
 *
 * @example
 * ```ts
 * const line: OrderLine = order.lines[0]!;
 * ```
 */
export type OrderLine = Order['lines'][number];

/**
 * One refund of an {@link Order}, full or partial.
 *
 * @example
 * ```ts
 * const refund: Refund = order.refunds[0]!;
 * ```
 */
export type Refund = Order['refunds'][number];

/**
 * Validates an order; throws `ValidationError` naming every bad field.
 *
 * @example
 * ```ts
 * parseOrder({ id: 'o1', customerId: 'c1', placedAt: '2026-03-01', currency: 'EUR',
 *   lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }] }).total.toString(); // '9 EUR'
 * ```
 */
export function parseOrder(input: unknown): Order {
  return parseWith(OrderSchema, 'order', input);
}

/**
 * The sum of an order's refunds (zero when none).
 *
 * @example
 * ```ts
 * refundedAmount(order).toString(); // '4.5 EUR'
 * ```
 */
export function refundedAmount(order: Order): Money {
  return Money.sum(
    order.refunds.map((r) => r.amount),
    order.currency,
  );
}

/**
 * The order's total less its refunds: what the customer finally paid.
 *
 * @example
 * ```ts
 * netTotal(order).toString(); // '4.5 EUR'
 * ```
 */
export function netTotal(order: Order): Money {
  return order.total.minus(refundedAmount(order));
}
