import {
  type CampaignInput,
  type CustomerInput,
  createSeededRandom,
  type InteractionInput,
  type OrderInput,
} from '@crmkit/core';
import { generateCampaigns } from './campaigns';
import { customerId, generateCustomer } from './customers';
import { generateInteractions } from './interactions';
import { type DatasetOptions, resolveDatasetOptions } from './options';
import { drawBuyerProfile, generateOrder, purchaseTimes } from './orders';

/**
 * One generated customer with everything they did.
 *
 * @example
 * ```ts
 * for (const { customer, orders } of streamDataset({ customers: 10 })) console.log(customer.id, orders.length);
 * ```
 */
export interface GeneratedCustomer {
  /** The customer (valid input for `parseCustomer`). */
  readonly customer: CustomerInput;
  /** Their orders, in time order (valid for `parseOrder`). */
  readonly orders: OrderInput[];
  /** Their interactions, in time order (valid for `parseInteraction`); empty when `interactions: false`. */
  readonly interactions: InteractionInput[];
}

/**
 * Generates a realistic customer base lazily, one customer at a time, in
 * ascending id order (`c0000001`, `c0000002`, …), so millions of customers and
 * tens of millions of orders stream with bounded memory. Each customer
 * arrives uniformly within [start, end) and buys as in the BG/NBD model
 * (see {@link drawBuyerProfile}); order ids are `<customerId>-o<k>`. Every
 * customer draws from its own seeded stream (`<seed>:<n>`), so the output is
 * the same on every run and platform, and customer n does not depend on how
 * many customers are generated.
 *
 * @example
 * ```ts
 * let orders = 0;
 * for (const c of streamDataset({ customers: 1_000_000, seed: 7, interactions: false })) orders += c.orders.length;
 * ```
 */
export function* streamDataset(options: DatasetOptions): Generator<GeneratedCustomer> {
  const resolved = resolveDatasetOptions(options);
  const start = resolved.start.getTime();
  const span = resolved.end.getTime() - start;
  for (let n = 1; n <= resolved.customers; n++) {
    const random = createSeededRandom(`${resolved.seed}:${n}`);
    const arrivedAt = new Date(start + Math.floor(random.next() * span));
    const customer = generateCustomer(n, arrivedAt, random, resolved);
    const profile = drawBuyerProfile(random, resolved);
    const times = purchaseTimes(random, profile, arrivedAt, resolved.end);
    const id = customerId(n);
    const orders = times.map((at, k) => generateOrder(`${id}-o${k + 1}`, id, at, profile, random, resolved));
    const interactions = resolved.interactions ? generateInteractions(id, times, random, resolved) : [];
    yield { customer, orders, interactions };
  }
}

/**
 * A whole generated dataset in arrays: customers, orders, interactions and
 * the campaigns that acquired them. Built on {@link streamDataset}; use that
 * for large sizes.
 *
 * @example
 * ```ts
 * const { customers, orders } = generateDataset({ customers: 5000, seed: 42 });
 * await storage.customers.createMany(customers);
 * await storage.orders.createMany(orders);
 * ```
 */
export function generateDataset(options: DatasetOptions): {
  customers: CustomerInput[];
  orders: OrderInput[];
  interactions: InteractionInput[];
  campaigns: CampaignInput[];
} {
  const customers: CustomerInput[] = [];
  const orders: OrderInput[] = [];
  const interactions: InteractionInput[] = [];
  for (const generated of streamDataset(options)) {
    customers.push(generated.customer);
    orders.push(...generated.orders);
    interactions.push(...generated.interactions);
  }
  return { customers, orders, interactions, campaigns: generateCampaigns(resolveDatasetOptions(options)) };
}
