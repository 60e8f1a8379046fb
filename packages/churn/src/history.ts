import { Money } from '@crmkit/core';
import { ChurnInputError } from './errors';

/**
 * The fields of an order that churn reads. Every core `Order` fits; so does a
 * lighter object with just these fields (for fast streaming imports).
 * Cancelled orders are ignored; refunds made before the as-of date are
 * subtracted from spend.
 *
 * @example
 * ```ts
 * const order: OrderRecord = { customerId: 'c1', placedAt: new Date('2026-01-05'), total: Money.of('42.50', 'EUR') };
 * ```
 */
export interface OrderRecord {
  /** Whose order it is. */
  readonly customerId: string;
  /** When it was placed. */
  readonly placedAt: Date;
  /** What it came to (decimal Money). */
  readonly total: Money;
  /** `'cancelled'` orders are ignored. */
  readonly status?: string | undefined;
  /** Refunds, subtracted from spend once refunded. */
  readonly refunds?: readonly { readonly amount: Money; readonly refundedAt: Date }[] | undefined;
}

/**
 * The fields of an interaction that churn reads. Every core `Interaction`
 * fits: surveys (`nps`, `csat`), complaints (`reason`), tickets (`ticketId`,
 * `status`) and engagement such as `activity` (visits, opens, logins).
 *
 * @example
 * ```ts
 * const visit: InteractionRecord = { customerId: 'c1', occurredAt: new Date('2026-01-06'), type: 'activity' };
 * ```
 */
export interface InteractionRecord {
  /** Whose interaction it is. */
  readonly customerId: string;
  /** When it happened. */
  readonly occurredAt: Date;
  /** `survey`, `complaint`, `ticket`, `activity`, … */
  readonly type: string;
  /** NPS score of a survey (0–10). */
  readonly nps?: number | undefined;
  /** CSAT score of a survey. */
  readonly csat?: number | undefined;
  /** Ticket id of a ticket status change. */
  readonly ticketId?: string | undefined;
  /** Ticket status (`opened`, `responded`, `resolved`, `followed_up`, `closed`, `reopened`). */
  readonly status?: string | undefined;
  /** Complaint reason (`product`, `service`, `price`, …). */
  readonly reason?: string | undefined;
}

/**
 * One customer's history: their id, optionally the customer record (for
 * segments), their orders and interactions. Records at or after the as-of
 * date of a computation are ignored by it, so one history serves a backtest
 * too.
 *
 * @example
 * ```ts
 * const history: CustomerHistory = { customerId: 'c1', orders, interactions: [] };
 * ```
 */
export interface CustomerHistory<C = unknown> {
  /** The customer's id. */
  readonly customerId: string;
  /** The customer record, when the source had one. */
  readonly customer?: C;
  /** Their orders, any order. */
  readonly orders: readonly OrderRecord[];
  /** Their interactions, any order. */
  readonly interactions: readonly InteractionRecord[];
}

/**
 * A fitted purchase model (such as a BG/NBD model from `@crmkit/clv`) as
 * churn uses it, structurally: P(alive) and the expected number of purchases
 * for a customer's `{ frequency, recency, T }` row (repeat purchases, time of
 * the last purchase since the first, time from the first purchase to the
 * as-of date, in the model's time unit).
 *
 * @example
 * ```ts
 * const model: PurchaseModel = {
 *   probabilityAlive: (row) => (row.frequency === 0 ? 1 : row.recency / row.T),
 *   expectedPurchases: (t, row) => (t * (row.frequency + 1)) / (row.T + 1),
 * };
 * ```
 */
export interface PurchaseModel {
  /** Probability that the customer is still "alive" (buying) at T. */
  probabilityAlive(row: { frequency: number; recency: number; T: number }): number;
  /** Expected purchases in the next `t` time units. */
  expectedPurchases(t: number, row: { frequency: number; recency: number; T: number }): number;
}

/** Checks the few fields of an order that a computation reads; errors name `[stream, index, field]`. */
export function checkOrder(order: OrderRecord, stream: string, index: number): void {
  if (!(order.placedAt instanceof Date) || !Number.isFinite(order.placedAt.getTime()))
    throw new ChurnInputError([stream, index, 'placedAt'], 'must be a valid Date');
  if (!Money.isMoney(order.total)) throw new ChurnInputError([stream, index, 'total'], 'must be Money');
}

/** Checks the few fields of an interaction that a computation reads; errors name `[stream, index, field]`. */
export function checkInteraction(interaction: InteractionRecord, stream: string, index: number): void {
  if (!(interaction.occurredAt instanceof Date) || !Number.isFinite(interaction.occurredAt.getTime()))
    throw new ChurnInputError([stream, index, 'occurredAt'], 'must be a valid Date');
  if (typeof interaction.type !== 'string')
    throw new ChurnInputError([stream, index, 'type'], 'must be a string');
}
