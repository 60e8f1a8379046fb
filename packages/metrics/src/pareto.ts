import { CurrencyMismatchError, CurrencySchema, Decimal, Money, type Order, parseWith } from '@crmkit/core';
import { z } from 'zod';
import { PeriodSchema } from './period';
import { checkCurrency, isPurchase, orderCost, orderRevenue } from './purchases';
import { type Rate, rate } from './rate';
import { checkMoney, invalid, type Source } from './source';

/**
 * Options of {@link customerValues}: the period, the currency and what to
 * add up per customer — net `revenue` (default) or gross `margin`.
 *
 * @example
 * ```ts
 * CustomerValuesOptionsSchema.parse({ period: { start: '2026-01-01', end: '2027-01-01' }, currency: 'EUR', measure: 'margin' });
 * ```
 */
export const CustomerValuesOptionsSchema = z
  .object({
    period: PeriodSchema,
    currency: CurrencySchema,
    measure: z.enum(['revenue', 'margin']).default('revenue'),
  })
  .strict();

/**
 * What {@link CustomerValuesOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CustomerValuesOptions = { period: { start: '2026-01-01', end: '2027-01-01' }, currency: 'EUR' };
 * ```
 */
export type CustomerValuesOptions = z.input<typeof CustomerValuesOptionsSchema>;

/**
 * Each purchasing customer's net revenue (or gross margin) in a period, for
 * {@link paretoShare} and {@link paretoCustomerShare}.
 *
 * @example
 * ```ts
 * const values = await customerValues(orders, { period: { start: '2026-01-01', end: '2027-01-01' }, currency: 'EUR' });
 * paretoShare([...values.values()], 0.2).share?.toString();
 * ```
 */
export async function customerValues(
  orders: Source<Order>,
  options: CustomerValuesOptions,
): Promise<Map<string, Money>> {
  const { period, currency, measure } = parseWith(
    CustomerValuesOptionsSchema,
    'customer values options',
    options,
  );
  const start = period.start.getTime();
  const end = period.end.getTime();
  const sums = new Map<string, Decimal>();
  for await (const order of orders) {
    const t = order.placedAt.getTime();
    if (t < start || t >= end || !isPurchase(order)) continue;
    checkCurrency(order, currency);
    let value = orderRevenue(order);
    if (measure === 'margin') value = value.minus(orderCost(order).cost);
    sums.set(order.customerId, (sums.get(order.customerId) ?? new Decimal(0)).plus(value));
  }
  const out = new Map<string, Money>();
  for (const [id, sum] of sums) out.set(id, Money.of(sum, currency));
  return out;
}

function sortedAmounts(values: readonly Money[]): {
  amounts: Decimal[];
  currency: string | undefined;
  total: Decimal;
} {
  const currency = values[0]?.currency;
  let total = new Decimal(0);
  const amounts = values.map((v, i) => {
    checkMoney('Pareto values', [i], v);
    if (v.currency !== currency) throw new CurrencyMismatchError(currency!, v.currency, 'rank');
    total = total.plus(v.amount);
    return v.amount;
  });
  amounts.sort((a, b) => b.comparedTo(a));
  return { amounts, currency, total };
}

function checkShare(name: string, share: number): void {
  if (!(Number.isFinite(share) && share >= 0 && share <= 1))
    invalid('Pareto share', [name], 'must be a number from 0 to 1');
}

/**
 * Pareto concentration, top-down: the share of the total that the top
 * `topShare` of customers bring. The top group is the `⌈topShare × n⌉`
 * customers with the largest values; `share = Σ top values ÷ Σ all values`,
 * `null` when the total is zero or there are no customers. All values must
 * share one currency (`CurrencyMismatchError` otherwise).
 *
 * @example
 * ```ts
 * const eur = (n: number) => Money.of(n, 'EUR');
 * paretoShare([eur(50), eur(20), eur(10), eur(10), eur(10)], 0.2).share?.toString(); // '0.5'
 * ```
 */
export function paretoShare(
  values: readonly Money[],
  topShare: number,
): {
  readonly customers: number;
  readonly top: number;
  readonly topValue: Money | null;
  readonly total: Money | null;
  readonly share: Decimal | null;
} {
  checkShare('topShare', topShare);
  const { amounts, currency, total } = sortedAmounts(values);
  const top = Math.ceil(topShare * amounts.length - 1e-9);
  if (currency === undefined) return { customers: 0, top: 0, topValue: null, total: null, share: null };
  let topValue = new Decimal(0);
  for (let i = 0; i < top; i++) topValue = topValue.plus(amounts[i]!);
  return {
    customers: amounts.length,
    top,
    topValue: Money.of(topValue, currency),
    total: Money.of(total, currency),
    share: total.isZero() ? null : topValue.dividedBy(total),
  };
}

/**
 * Pareto concentration, bottom-up: the smallest group of top customers that
 * brings at least `valueShare` of the total ("15 % of customers bring 60 %
 * of revenue"). Returns how many customers that takes, as a {@link Rate} of
 * all customers, and the share they actually bring. With a total of zero or
 * less, zero customers suffice.
 *
 * @example
 * ```ts
 * const eur = (n: number) => Money.of(n, 'EUR');
 * paretoCustomerShare([eur(50), eur(20), eur(10), eur(10), eur(10)], 0.6).customerShare.value; // 0.4
 * ```
 */
export function paretoCustomerShare(
  values: readonly Money[],
  valueShare: number,
): { readonly customerShare: Rate; readonly valueShare: Decimal | null } {
  checkShare('valueShare', valueShare);
  const { amounts, total } = sortedAmounts(values);
  const target = total.times(valueShare);
  let k = 0;
  let sum = new Decimal(0);
  while (k < amounts.length && sum.lessThan(target)) sum = sum.plus(amounts[k++]!);
  return { customerShare: rate(k, amounts.length), valueShare: total.isZero() ? null : sum.dividedBy(total) };
}
