import type { CampaignInput, CustomerInput, InteractionInput, NewLogEvent, OrderInput } from '@crmkit/core';

const DAY = 86_400_000;
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
    birthday: '1990-02-28',
    attributes: { region: n % 2 === 0 ? 'EU' : 'US', seats: n % 10, vip: n % 5 === 0 },
    tags: n % 3 === 0 ? ['vip', 'b2b'] : [],
    consent: { email: { granted: true, at: new Date(EPOCH) } },
    createdAt: new Date(EPOCH + (n % 365) * DAY),
  };
}

/**
 * The n-th conformance order of a customer, placed `day` days after 2026-01-01
 * (`n` also sets the time of day, so several orders can share a day).
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
    placedAt: new Date(EPOCH + day * DAY + (n % 1000) * 1000),
    currency: 'EUR',
    lines: [
      {
        sku: `sku-${n % 13}`,
        category: n % 2 === 0 ? 'tea' : 'cups',
        quantity: 1 + (n % 3),
        unitPrice: '4.99',
        unitCost: '2.10',
      },
      { sku: 'gift', quantity: 1, unitPrice: '0.01' },
    ],
    channel: n % 2 === 0 ? 'web' : 'store',
    status: 'paid',
  };
}

/**
 * The n-th conformance interaction (kinds cycle through survey, complaint, activity).
 *
 * @example
 * ```ts
 * await storage.interactions.create(conformanceInteraction(1, 'c000001', 2));
 * ```
 */
export function conformanceInteraction(n: number, customerId: string, day: number): InteractionInput {
  const base = { id: paddedId('i', n), customerId, occurredAt: new Date(EPOCH + day * DAY + n * 1000) };
  switch (n % 3) {
    case 0:
      return { ...base, type: 'survey', nps: n % 11, csat: 1 + (n % 5) };
    case 1:
      return { ...base, type: 'complaint', reason: 'price', severity: 'high' };
    default:
      return { ...base, type: 'activity', activity: 'visit' };
  }
}

/**
 * The n-th conformance campaign.
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
 * The n-th conformance log event.
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
    data: { points: n, note: null, tags: ['a'] },
    occurredAt: new Date(EPOCH + n * 1000),
  };
}
