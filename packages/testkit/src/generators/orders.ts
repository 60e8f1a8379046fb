import { Money, type OrderInput, type Random } from '@crmkit/core';
import { pickWeighted, sampleBeta, sampleExponential, sampleGamma, sampleLogNormal } from '../distributions';
import type { ResolvedDatasetOptions } from './options';

const CATALOGUE = [
  { sku: 'TEA-GREEN', category: 'tea', weight: 5 },
  { sku: 'TEA-BLACK', category: 'tea', weight: 5 },
  { sku: 'CUP-CLAY', category: 'cups', weight: 3 },
  { sku: 'POT-IRON', category: 'teapots', weight: 1 },
  { sku: 'GIFT-BOX', category: 'gifts', weight: 2 },
  { sku: 'SNACK-MIX', category: 'snacks', weight: 3 },
] as const;
const CHANNELS = [
  ['web', 55],
  ['app', 25],
  ['store', 15],
  ['phone', 5],
] as const;
const DAY = 86_400_000;

/**
 * One customer's buying behaviour, drawn as in the BG/NBD model: a purchase
 * rate per day (gamma-distributed across customers), a probability of
 * dropping out after each repeat purchase (beta-distributed), and a typical
 * order value (gamma around the mean, as in the Gamma-Gamma spend model).
 *
 * @example
 * ```ts
 * const profile: BuyerProfile = drawBuyerProfile(random, options);
 * ```
 */
export interface BuyerProfile {
  /** Purchases per day while alive. */
  readonly rate: number;
  /** Probability of dropping out after each repeat purchase. */
  readonly dropout: number;
  /** The customer's own mean order value. */
  readonly meanValue: number;
}

/**
 * Draws a {@link BuyerProfile} for one customer.
 *
 * @example
 * ```ts
 * drawBuyerProfile(createSeededRandom(1), resolveDatasetOptions({ customers: 1 })).rate;
 * ```
 */
export function drawBuyerProfile(random: Random, options: ResolvedDatasetOptions): BuyerProfile {
  const { r, alpha, a, b } = options.purchases;
  return {
    rate: sampleGamma(random, r, alpha),
    dropout: sampleBeta(random, a, b),
    meanValue: options.meanOrderValue * sampleGamma(random, 4, 4),
  };
}

/**
 * The purchase times of one customer from `first` until `end` (exclusive):
 * the first purchase at `first`, then a Poisson process at the profile's rate,
 * stopping for good after a repeat purchase with the dropout probability.
 *
 * @example
 * ```ts
 * purchaseTimes(random, profile, new Date('2025-01-10'), new Date('2026-01-01'));
 * ```
 */
export function purchaseTimes(random: Random, profile: BuyerProfile, first: Date, end: Date): Date[] {
  const times = [first];
  let t = first.getTime();
  for (;;) {
    t += sampleExponential(random, profile.rate) * DAY;
    if (t >= end.getTime()) return times;
    times.push(new Date(Math.floor(t)));
    if (random.next() < profile.dropout) return times;
  }
}

/**
 * Builds one realistic order placed at `placedAt`: one to three catalogue
 * lines whose amounts add up to a log-normal draw around the customer's mean
 * value (computed in decimal, whole cents), unit costs at 40–70 % of the
 * price, a channel, and sometimes a full or partial refund.
 *
 * @example
 * ```ts
 * generateOrder('o1', 'c0000001', new Date('2025-03-01'), profile, random, options);
 * ```
 */
export function generateOrder(
  id: string,
  customerId: string,
  placedAt: Date,
  profile: BuyerProfile,
  random: Random,
  options: ResolvedDatasetOptions,
): OrderInput {
  const value = Money.of(
    Math.max(1, profile.meanValue * sampleLogNormal(random, -0.125, 0.5)).toFixed(2),
    options.currency,
  ).round('half-even');
  const count = 1 + Math.floor(random.next() * 3);
  const parts = value.allocate(Array.from({ length: count }, () => 1 + random.next()));
  const lines = parts.map((amount) => {
    const item = pickWeighted(
      random,
      CATALOGUE.map((c) => [c, c.weight] as const),
    );
    const quantity = amount.amount.greaterThan(20) && random.next() < 0.3 ? 2 : 1;
    const unitPrice = amount.dividedBy(quantity).round('half-even');
    const unitCost = unitPrice.times((40 + Math.floor(random.next() * 31)) / 100).round('half-even');
    return {
      sku: item.sku,
      category: item.category,
      quantity,
      unitPrice: unitPrice.amount.toFixed(),
      unitCost: unitCost.amount.toFixed(),
    };
  });
  const order: OrderInput = {
    id,
    customerId,
    placedAt,
    currency: options.currency,
    lines,
    channel: pickWeighted(random, CHANNELS),
    status: 'fulfilled',
  };
  if (random.next() < options.refundRate) {
    const refundedAt = new Date(placedAt.getTime() + (1 + Math.floor(random.next() * 14)) * DAY);
    const line = lines[0]!;
    const full = random.next() < 0.5;
    const total = Money.sum(
      lines.map((l) => Money.of(l.unitPrice, options.currency).times(l.quantity)),
      options.currency,
    );
    order.refunds = [
      full
        ? { id: `${id}-r1`, refundedAt, amount: total.amount.toFixed(), reason: 'returned' }
        : {
            id: `${id}-r1`,
            refundedAt,
            amount: line.unitPrice,
            lines: [{ sku: line.sku, quantity: 1 }],
            reason: 'damaged',
          },
    ];
  }
  return order;
}
