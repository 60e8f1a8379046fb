import type {
  Clock,
  Customer,
  CustomerInput,
  DomainEvent,
  DomainEventMap,
  DomainEventType,
  IdGenerator,
  Interaction,
  InteractionInput,
  Order,
  OrderInput,
  Storage,
  WriteOptions,
} from '@crmkit/core';
import type { ActorInput, ProtectedStorage } from '@crmkit/privacy';
import type { Explanation } from '@crmkit/rules';
import { z } from 'zod';
import { type AccessPolicy, grantDeclared } from './capabilities';
import type { ClvQueries } from './clv';
import { ConsentModeSchema } from './consent';
import type { ContributionRegistry } from './contributions';
import { type DeadLetter, type DeliveryStatus, RetryPolicySchema, type Scheduler } from './delivery';
import type { CustomerStats } from './facts';
import type { Logger } from './logger';
import type { AnyPlugin, AnyPluginInstance, EmitOptions, PluginApi } from './plugin';
import { grantDeclaredWithoutPii, type PrivacyOptions, PrivacyOptionsSchema } from './privacy';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isFunction = (v: unknown) => typeof v === 'function';

/**
 * The options of {@link createCrm}, validated when the host starts (a bad
 * option throws `ValidationError` naming it):
 *
 * - `clock` (required) — where the host and plugins get the time
 * - `plugins` — configured plugins, e.g. `[loyaltyPlugin(config)]`
 * - `storage` — the storage ports (default: `createMemoryStorage()`); a
 *   storage from `@crmkit/privacy`'s `createProtectedStorage` switches on
 *   access control: sensitive fields are encrypted before they reach the
 *   adapter, never enter the outbox, facade calls are checked against the
 *   caller's roles (`crm.as(actor)`) and plugins get PII only with
 *   `customers:pii` declared and explicitly granted
 * - `privacy` — {@link PrivacyOptions} (with a protected storage only)
 * - `consent` — a {@link ConsentMode}: `'enforce'` (the default with a
 *   protected storage) makes segments, CLV scoring, churn evaluation,
 *   win-back and loyalty messages skip customers without the needed consent;
 *   `'ignore'` (the default otherwise) makes every consent check pass
 * - `logger` — a {@link Logger} (default: silent)
 * - `ids` — event id generator (default: random UUIDs)
 * - `accessPolicy` — who gets which capability (default: {@link grantDeclared};
 *   with a protected storage, {@link grantDeclaredWithoutPii})
 * - `retry` — a {@link RetryPolicy} (defaults: 5 attempts, 1 s doubling, at most 1 h)
 * - `scheduler` — wakes the host for retries (default: none; call `tick()`)
 * - `delivery` — `'inline'` (default: every write resolves after its event
 *   was delivered or parked for retry) or `'manual'` (events wait for
 *   `drain()` or `tick()`)
 * - `contributionKinds` — zod schemas of extra contribution kinds
 *
 * @example
 * ```ts
 * CrmOptionsSchema.parse({ clock: systemClock });
 * ```
 */
export const CrmOptionsSchema = z
  .object({
    clock: z.custom<Clock>((v) => isObject(v) && isFunction(v.now), 'must be a Clock (an object with now())'),
    plugins: z
      .array(
        z.custom<AnyPluginInstance>(
          (v) => isObject(v) && isFunction(v.plugin) && isObject((v.plugin as AnyPlugin).definition),
          'must be a configured plugin, e.g. loyaltyPlugin(config)',
        ),
      )
      .readonly()
      .default([]),
    storage: z
      .custom<Storage>(
        (v) => isObject(v) && isFunction(v.withTransaction) && isObject(v.events) && isObject(v.documents),
        'must be a Storage',
      )
      .optional(),
    logger: z
      .custom<Logger>(
        (v) => isObject(v) && ['debug', 'info', 'warn', 'error'].every((k) => isFunction(v[k])),
        'must be a Logger',
      )
      .optional(),
    ids: z.custom<IdGenerator>(isFunction, 'must be a function returning a new id').optional(),
    accessPolicy: z
      .custom<AccessPolicy>(
        (v) => isObject(v) && isFunction(v.decide),
        'must be an AccessPolicy (an object with decide())',
      )
      .optional(),
    privacy: PrivacyOptionsSchema.optional(),
    consent: ConsentModeSchema.optional(),
    retry: RetryPolicySchema.optional(),
    scheduler: z
      .custom<Scheduler>((v) => isObject(v) && isFunction(v.schedule), 'must be a Scheduler')
      .optional(),
    delivery: z.enum(['inline', 'manual']).default('inline'),
    contributionKinds: z
      .record(
        z.string().min(1),
        z.custom<z.ZodType>((v) => isObject(v) && isFunction(v.safeParse), 'must be a zod schema'),
      )
      .optional(),
  })
  .strict();

/**
 * What {@link createCrm} accepts (see {@link CrmOptionsSchema}).
 *
 * @example
 * ```ts
 * const options: CrmOptions = { clock: systemClock, plugins: [loyaltyPlugin(config)] };
 * ```
 */
export type CrmOptions = z.input<typeof CrmOptionsSchema>;

/**
 * A segment a customer belongs to (see {@link Crm.segmentsOf}).
 *
 * @example
 * ```ts
 * const m: SegmentMembership = { id: 'big-spenders', name: 'Big spenders', plugin: 'rfm' };
 * ```
 */
export interface SegmentMembership {
  /** The segment's id. */
  readonly id: string;
  /** Its name. */
  readonly name: string;
  /** The plugin that contributed it. */
  readonly plugin: string;
  /** Why the customer is in it (with `{ explain: true }`). */
  readonly explanation?: Explanation;
}

/**
 * An app's listener of committed domain events (`crm.on`). It is called once,
 * right after the event was stored; it is not retried, and what it throws is
 * logged and ignored.
 *
 * @example
 * ```ts
 * const listener: EventListener<'order.placed'> = (event) => console.log(event.data.order.id);
 * ```
 */
export type EventListener<K extends DomainEventType> = (event: DomainEvent<K>) => void | Promise<void>;

/**
 * The dead-letter list: events a plugin gave up on, to inspect, replay or
 * discard.
 *
 * @example
 * ```ts
 * for (const dl of await crm.deadLetters.list()) await crm.deadLetters.replay(dl.id);
 * ```
 */
export interface DeadLetters {
  /** Dead letters, oldest event first, optionally filtered. */
  list(filter?: { plugin?: string; customerId?: string; type?: string }): Promise<DeadLetter[]>;
  /** Queues one again (behind its customer's waiting events) and delivers it. */
  replay(id: string): Promise<void>;
  /** Replays every dead letter matching the filter; returns how many. */
  replayAll(filter?: { plugin?: string; customerId?: string; type?: string }): Promise<number>;
  /** Drops one for good. */
  discard(id: string): Promise<void>;
}

/**
 * What an app does on behalf of someone: record customers, orders, refunds
 * and interactions, and read customers, their facts, segments and CLV. The
 * {@link Crm} facade does it as the host's own actor; `crm.as(actor)` does
 * it as a user or service under privacy, where every call is checked
 * against the actor's roles and a denial throws `@crmkit/privacy`'s
 * `AccessDeniedError` after it was written to the audit trail.
 *
 * @example
 * ```ts
 * const agent: CrmActions = crm.as({ id: 'agent-7', roles: ['support'], purpose: 'ticket 981' });
 * (await agent.getCustomer('c1'))?.email; // 'a***@example.com'
 * ```
 */
export interface CrmActions {
  /** Creates a customer (`customer.created`) or replaces it (`customer.updated`). */
  recordCustomer(input: CustomerInput, options?: WriteOptions): Promise<Customer>;
  /** Stores a new order (`order.placed`). */
  recordOrder(input: OrderInput, options?: WriteOptions): Promise<Order>;
  /** Adds a refund to an order (`order.refunded`). */
  recordRefund(orderId: string, refund: RefundInput, options?: WriteOptions): Promise<Order>;
  /** Changes an order's status (`order.updated`, or `order.cancelled`). */
  setOrderStatus(orderId: string, status: Order['status']): Promise<Order>;
  /** Stores an interaction (`interaction.recorded`). */
  recordInteraction(input: InteractionInput, options?: WriteOptions): Promise<Interaction>;
  /** A customer as this actor may see them (sensitive fields plain, masked or withheld under privacy). */
  getCustomer(customerId: string): Promise<Customer | undefined>;
  /**
   * The segments (contributed by plugins) a customer is in. When the host
   * enforces consent and the customer has not consented to `profiling` (read
   * now), no segment is evaluated and the list is empty; the skip is logged
   * and, under privacy, audited as a denied `customer.segments`.
   */
  segmentsOf(customerId: string, options?: { explain?: boolean }): Promise<SegmentMembership[]>;
  /** A customer's order facts now: counts, first/last order, historical value (`netSpent`). */
  statsOf(customerId: string): Promise<CustomerStats>;
  /**
   * Customer lifetime value: fit the models, score a customer. Scoring a
   * customer without `profiling` consent (when the host enforces consent)
   * throws `ConsentRequiredError`.
   */
  readonly clv: ClvQueries;
}

/**
 * The facade an app uses (see {@link createCrm}).
 *
 * @example
 * ```ts
 * await crm.recordOrder({ id: 'o1', customerId: 'c1', placedAt: '2026-03-01', currency: 'EUR',
 *   lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }] });
 * ```
 */
export interface Crm extends CrmActions {
  /** The storage the host writes to (the protected storage, under privacy). */
  readonly storage: Storage;
  /** The protected storage, when the host runs with privacy (subject rights, consent, audit, rotation). */
  readonly privacy: ProtectedStorage | undefined;
  /** The host's clock. */
  readonly clock: Clock;
  /** What plugins contributed. */
  readonly contributions: ContributionRegistry;
  /** Events plugins gave up on. */
  readonly deadLetters: DeadLetters;
  /**
   * The same facade acting as `actor` (a `@crmkit/privacy` actor: id, roles,
   * purpose). Needs a protected storage: without one it throws `CrmError`
   * with code `PRIVACY_NOT_CONFIGURED`; an invalid actor throws `ValidationError`.
   */
  as(actor: ActorInput): CrmActions;
  /** Publishes an app-defined domain event. */
  emit<K extends DomainEventType>(
    type: K,
    data: DomainEventMap[K],
    options?: EmitOptions,
  ): Promise<DomainEvent<K>>;
  /** Listens to committed events of a type (or `'*'`); returns the unsubscribe function. */
  on<K extends DomainEventType>(type: K | '*', listener: EventListener<K>): () => void;
  /** The API a registered plugin's `setup` returned. */
  api<P extends AnyPlugin>(plugin: P): PluginApi<P>;
  /** Runs due scheduled jobs, then due retries and pending events. */
  tick(): Promise<void>;
  /** Delivers every pending event (and due retries). */
  drain(): Promise<void>;
  /** Per plugin: how far delivery is and what waits for a retry. */
  deliveryStatus(): DeliveryStatus[];
  /** Stops the host (and closes the storage if the host created it). */
  close(): Promise<void>;
}

/**
 * A refund as {@link Crm.recordRefund} accepts it (amount in the order's
 * currency).
 *
 * @example
 * ```ts
 * const refund: RefundInput = { id: 'r1', refundedAt: '2026-03-05', amount: '4.50', reason: 'damaged' };
 * ```
 */
export type RefundInput = NonNullable<OrderInput['refunds']>[number];
