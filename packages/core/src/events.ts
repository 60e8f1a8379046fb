import type { Campaign } from './campaign';
import type { Clock } from './clock';
import type { Customer } from './customer';
import type { IdGenerator } from './ids';
import type { Interaction } from './interaction';
import type { Order, Refund } from './order';

/**
 * The payload of each domain event type. Packages and plugins add their own
 * event types by declaration merging:
 *
 * @example
 * ```ts
 * declare module '@crmkit/core' {
 *   interface DomainEventMap { 'points.earned': { memberId: string; points: number } }
 * }
 * ```
 */
export interface DomainEventMap {
  'customer.created': { customer: Customer };
  'customer.updated': { customer: Customer; previous: Customer };
  'customer.deleted': { customerId: string };
  'order.placed': { order: Order };
  'order.updated': { order: Order; previous: Order };
  'order.refunded': { order: Order; refund: Refund };
  'order.cancelled': { order: Order };
  'interaction.recorded': { interaction: Interaction };
  'campaign.created': { campaign: Campaign };
}

/**
 * The name of a domain event, e.g. `'order.placed'`.
 *
 * @example
 * ```ts
 * const t: DomainEventType = 'order.refunded';
 * ```
 */
export type DomainEventType = keyof DomainEventMap & string;

/**
 * A domain event: what happened (`type` and `data`), to whom (`customerId`
 * when it concerns one), when, and a unique `id` that consumers use as their
 * idempotency key. A union over every type, so `switch (event.type)` narrows
 * `data`.
 *
 * @example
 * ```ts
 * function onEvent(event: DomainEvent) {
 *   if (event.type === 'order.placed') console.log(event.data.order.total.toString());
 * }
 * ```
 */
export type DomainEvent<K extends DomainEventType = DomainEventType> = {
  [P in K]: {
    readonly id: string;
    readonly type: P;
    readonly occurredAt: Date;
    readonly customerId?: string;
    readonly data: DomainEventMap[P];
  };
}[K];

/**
 * Builds a domain event with an id from the injected generator and the time
 * from the injected clock.
 *
 * @example
 * ```ts
 * const event = createDomainEvent('order.placed', { order }, { clock, ids, customerId: order.customerId });
 * ```
 */
export function createDomainEvent<K extends DomainEventType>(
  type: K,
  data: DomainEventMap[K],
  context: { clock: Clock; ids: IdGenerator; customerId?: string },
): DomainEvent<K> {
  const event = {
    id: context.ids(),
    type,
    occurredAt: context.clock.now(),
    ...(context.customerId === undefined ? {} : { customerId: context.customerId }),
    data,
  };
  return event as unknown as DomainEvent<K>;
}
