import type { CampaignInput, CustomerInput, InteractionInput, NewLogEvent, OrderInput } from '@crmkit/core';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;
/** 2026-01-01T00:00:00Z, the suite's epoch. */
const EPOCH = Date.UTC(2026, 0, 1);

/**
 * A zero-padded id, so that string order equals numeric order.
 *
 * @example
 * ```ts
 * paddedId('c', 7); // 'c000007'
 * ```
 */
export function paddedId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(6, '0')}`;
}

/**
 * The n-th conformance customer: deterministic, with every optional field used.
 *
 * @example
 * ```ts
 * await storage.customers.create(conformanceCustomer(1));
 * ```
 */
export function conformanceCustomer(n: number): CustomerInput {
  return {
    id: paddedId('c', n),
    kind: n % 7 === 0 ? 'account' : 'person',
    externalIds: { shop: `s-${n}` },
    name: `Customer ${n}`,
    email: `customer${n}@example.com`,
    phone: '+49 30 1234567',
    birthday: '1990-02-28',
    attributes: { region: n % 2 === 0 ? 'EU' : 'US', seats: n % 10, vip: n % 5 === 0, note: null },
    tags: n % 3 === 0 ? ['vip', 'b2b'] : [],
    consent: { email: { granted: true, at: new Date(EPOCH), source: 'checkout' } },
    ownerId: 'owner-1',
    acquisition: { channel: 'search', campaignId: 'k000001', at: new Date(EPOCH - DAY) },
    createdAt: new Date(EPOCH + (n % 365) * DAY),
  };
}

/**
 * The n-th conformance order of a customer, placed `day` days after 2026-01-01
 * (`n` also sets the second of the day, so several orders can share a day).
 *
 * @example
 * ```ts
 * await storage.orders.create(conformanceOrder(1, 'c000001', 3));
 * ```
 */
export function conformanceOrder(n: number, customerId: string, day: number): OrderInput {
  return {
    id: paddedId('o', n),
    customerId,
    placedAt: new Date(EPOCH + day * DAY + (n % 1000) * SECOND),
    currency: 'EUR',
    lines: [
      {
        sku: `sku-${n % 13}`,
        name: 'Green tea',
        category: n % 2 === 0 ? 'tea' : 'cups',
        quantity: 1 + (n % 3),
        unitPrice: '4.99',
        unitCost: '2.10',
      },
      { sku: 'gift', quantity: 1, unitPrice: '0.01' },
    ],
    channel: n % 2 === 0 ? 'web' : 'store',
    campaignId: 'k000001',
    status: 'paid',
  };
}

/**
 * The n-th conformance interaction, `day` days after 2026-01-01; its kind
 * cycles through survey (n % 3 = 0), complaint (1) and activity (2).
 *
 * @example
 * ```ts
 * await storage.interactions.create(conformanceInteraction(1, 'c000001', 2));
 * ```
 */
export function conformanceInteraction(n: number, customerId: string, day: number): InteractionInput {
  const base = {
    id: paddedId('i', n),
    customerId,
    occurredAt: new Date(EPOCH + day * DAY + n * SECOND),
  };
  switch (n % 3) {
    case 0:
      return { ...base, type: 'survey', nps: n % 11, csat: 1 + (n % 5), comment: 'fine' };
    case 1:
      return { ...base, type: 'complaint', reason: 'price', severity: 'high', channel: 'phone' };
    default:
      return { ...base, type: 'activity', activity: 'visit' };
  }
}

/**
 * The n-th conformance campaign: starts n days after 2026-01-01, runs 30 days.
 *
 * @example
 * ```ts
 * await storage.campaigns.create(conformanceCampaign(1));
 * ```
 */
export function conformanceCampaign(n: number): CampaignInput {
  return {
    id: paddedId('k', n),
    name: `Campaign ${n}`,
    channel: n % 2 === 0 ? 'search' : 'social',
    startsAt: new Date(EPOCH + n * DAY),
    endsAt: new Date(EPOCH + (n + 30) * DAY),
    spend: { amount: `${1000 + n}.50`, currency: 'EUR' },
  };
}

/**
 * The n-th conformance log event, n seconds after 2026-01-01.
 *
 * @example
 * ```ts
 * await storage.events.append('ledger:m1', [conformanceEvent(1)]);
 * ```
 */
export function conformanceEvent(n: number, type = 'points.earned'): NewLogEvent {
  return {
    id: paddedId('e', n),
    type,
    data: { points: n, note: null, tags: ['a'], nested: { ok: true, ratio: 0.25 } },
    occurredAt: new Date(EPOCH + n * SECOND),
  };
}

/**
 * The id of the n-th row of the large streaming tests. Deliberately not
 * padded, with a few ids in upper case or beyond ASCII, so that code-unit
 * order (`'r10' < 'r9'`, `'R…' < 'r…'`, `'r…' < 'é…'`) differs from
 * numeric and from locale order.
 *
 * @example
 * ```ts
 * bulkId('r', 10); // 'r10'
 * bulkId('r', 7); // 'R7'
 * ```
 */
export function bulkId(prefix: string, n: number): string {
  if (n % 7 === 0) return `${prefix.toUpperCase()}${n}`;
  if (n % 11 === 0) return `é${prefix}${n}`;
  if (n % 13 === 0) return `${prefix}-中${n}`;
  return `${prefix}${n}`;
}

/**
 * The customer of a bulk row's order or interaction: one of 997 customers.
 *
 * @example
 * ```ts
 * bulkCustomerOf(1000); // 'c3'
 * ```
 */
export function bulkCustomerOf(n: number): string {
  return bulkId('c', n % 997);
}

/**
 * The instant of the n-th bulk row: minute `n * 7919 mod 5000` after
 * 2026-01-01, so every 5,000 consecutive rows use each of 5,000 minutes once
 * and `rows / 5000` rows share each instant (ties are broken by id).
 *
 * @example
 * ```ts
 * bulkInstant(1).toISOString(); // '2026-01-03T00:39:00.000Z' (minute 7919 mod 5000 = 2919)
 * ```
 */
export function bulkInstant(n: number): Date {
  return new Date(EPOCH + ((n * 7919) % 5000) * MINUTE);
}

/**
 * The n-th customer of the large streaming tests (only the required fields).
 *
 * @example
 * ```ts
 * await storage.customers.createMany([1, 2, 3].map(bulkCustomer));
 * ```
 */
export function bulkCustomer(n: number): CustomerInput {
  return { id: bulkId('c', n), createdAt: bulkInstant(n) };
}

/**
 * The n-th order of the large streaming tests: one line, customer
 * {@link bulkCustomerOf}, placed at {@link bulkInstant}.
 *
 * @example
 * ```ts
 * await storage.orders.createMany([1, 2, 3].map(bulkOrder));
 * ```
 */
export function bulkOrder(n: number): OrderInput {
  return {
    id: bulkId('o', n),
    customerId: bulkCustomerOf(n),
    placedAt: bulkInstant(n),
    currency: 'EUR',
    lines: [{ sku: 'tea', quantity: 1, unitPrice: '1.5' }],
  };
}

/**
 * The n-th interaction of the large streaming tests: a survey when n is a
 * multiple of 5, a visit otherwise.
 *
 * @example
 * ```ts
 * await storage.interactions.createMany([1, 2, 3].map(bulkInteraction));
 * ```
 */
export function bulkInteraction(n: number): InteractionInput {
  const base = { id: bulkId('i', n), customerId: bulkCustomerOf(n), occurredAt: bulkInstant(n) };
  return n % 5 === 0
    ? { ...base, type: 'survey', nps: n % 11 }
    : { ...base, type: 'activity', activity: 'visit' };
}

/**
 * The n-th event of the large streaming tests.
 *
 * @example
 * ```ts
 * await storage.events.append('bulk-1', [bulkEvent(1), bulkEvent(2)]);
 * ```
 */
export function bulkEvent(n: number): NewLogEvent {
  return { id: `b${n}`, type: 'bulk', data: n, occurredAt: bulkInstant(n) };
}
