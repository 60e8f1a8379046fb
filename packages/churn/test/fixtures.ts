import {
  type Interaction,
  type InteractionInput,
  type Order,
  type OrderInput,
  parseInteraction,
  parseOrder,
} from '@crmkit/core';
import type { CustomerHistory } from '../src/index';

let n = 0;
/** A valid core order for tests. */
export function order(
  customerId: string,
  placedAt: string,
  total: string,
  extra: Partial<OrderInput> = {},
): Order {
  n++;
  return parseOrder({
    id: `o${n}`,
    customerId,
    placedAt,
    currency: 'EUR',
    lines: [{ sku: 'tea', quantity: 1, unitPrice: total }],
    ...extra,
  });
}

/** A valid core interaction for tests. */
export function interaction(
  input: Record<string, unknown> & { customerId: string; occurredAt: string; type: string },
): Interaction {
  n++;
  return parseInteraction({ id: `i${n}`, ...input } as InteractionInput);
}

/**
 * The hand-checked customer of the indicator tests (as of 2026-07-01, recent window 90 days from
 * 2026-04-02, baseline 180 days from 2025-10-04).
 */
export function handChecked(): CustomerHistory {
  const c = 'c1';
  return {
    customerId: c,
    orders: [
      order(c, '2025-09-01', '50.00'),
      order(c, '2025-11-01', '40.00'),
      order(c, '2025-12-01', '40.00'),
      order(c, '2026-01-01', '40.00', {
        refunds: [{ id: 'r1', refundedAt: '2026-01-05', amount: '10.00' }],
      }),
      order(c, '2026-02-01', '30.10'),
      order(c, '2026-04-10', '20.05'),
      order(c, '2026-05-01', '70.00', { status: 'cancelled' }),
      order(c, '2026-08-01', '99.00'),
    ],
    interactions: [
      interaction({ customerId: c, occurredAt: '2025-12-15', type: 'survey', nps: 8 }),
      interaction({ customerId: c, occurredAt: '2026-01-10', type: 'survey', nps: 9 }),
      interaction({ customerId: c, occurredAt: '2026-05-01', type: 'survey', nps: 4 }),
      interaction({ customerId: c, occurredAt: '2026-01-20', type: 'complaint', reason: 'service' }),
      interaction({ customerId: c, occurredAt: '2026-05-02', type: 'complaint', reason: 'price' }),
      interaction({
        customerId: c,
        occurredAt: '2026-05-02',
        type: 'ticket',
        ticketId: 't1',
        status: 'opened',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-05-03',
        type: 'ticket',
        ticketId: 't1',
        status: 'responded',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-01-20',
        type: 'ticket',
        ticketId: 't2',
        status: 'opened',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-01-21',
        type: 'ticket',
        ticketId: 't2',
        status: 'resolved',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-03-01',
        type: 'ticket',
        ticketId: 't3',
        status: 'opened',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-03-02',
        type: 'ticket',
        ticketId: 't3',
        status: 'resolved',
      }),
      interaction({
        customerId: c,
        occurredAt: '2026-03-10',
        type: 'ticket',
        ticketId: 't3',
        status: 'reopened',
      }),
      ...[
        '2025-11-05',
        '2025-11-20',
        '2025-12-10',
        '2026-01-15',
        '2026-02-10',
        '2026-03-01',
        '2026-04-20',
        '2026-07-02',
      ].map((at) => interaction({ customerId: c, occurredAt: at, type: 'activity', activity: 'visit' })),
    ],
  };
}
