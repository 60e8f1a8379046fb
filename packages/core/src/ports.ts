import type { Campaign, CampaignInput } from './campaign';
import type { Customer, CustomerInput } from './customer';
import type { Interaction, InteractionInput, InteractionType } from './interaction';
import type { JsonValue } from './json';
import type { Order, OrderInput } from './order';

/**
 * Options of a write that must happen at most once. Repeating a write with
 * the same `idempotencyKey` (within the same repository) writes nothing new
 * and returns the result of the first write, even if the input differs.
 *
 * @example
 * ```ts
 * await storage.orders.create(order, { idempotencyKey: `import:${order.id}` });
 * ```
 */
export interface WriteOptions {
  /** A key naming this write; a repeat returns the first result. */
  readonly idempotencyKey?: string;
}

/**
 * Options of an update: the version the caller read (optimistic concurrency).
 * A different stored version throws `VersionConflictError`.
 *
 * @example
 * ```ts
 * const current = await storage.customers.get('c1');
 * await storage.customers.update('c1', { ...input, tags: ['vip'] }, { expectedVersion: current!.version });
 * ```
 */
export interface UpdateOptions extends WriteOptions {
  /** The version the update was based on. */
  readonly expectedVersion: number;
}

/**
 * A stored value and its version. Versions start at 1 on create and go up by
 * one on every update.
 *
 * @example
 * ```ts
 * const { value, version } = (await storage.customers.get('c1'))!;
 * ```
 */
export interface Versioned<T> {
  /** The stored value. */
  readonly value: T;
  /** Its version, for optimistic concurrency. */
  readonly version: number;
}

/**
 * Common options of every streaming read.
 *
 * @example
 * ```ts
 * for await (const c of storage.customers.list({ batchSize: 1000 })) count++;
 * ```
 */
export interface StreamOptions {
  /** Rows fetched per round trip (adapters choose a default; memory stays bounded by it). */
  readonly batchSize?: number;
}

/**
 * One kind of record (customers, orders, …) behind a port: validated creates
 * and updates with versions and idempotency, and streamed reads in a stable
 * order. Every write validates its input with the record's zod schema first;
 * invalid input throws `ValidationError` and writes nothing.
 *
 * @example
 * ```ts
 * const created = await storage.customers.create({ id: 'c1', createdAt: '2026-01-01' });
 * created.version; // 1
 * ```
 */
export interface Repository<T, Input, Query extends StreamOptions> {
  /** Stores a new record; `AlreadyExistsError` if the id is taken. */
  create(input: Input, options?: WriteOptions): Promise<Versioned<T>>;
  /**
   * Stores many new records at once: either all land or none (the first bad
   * row throws `ValidationError` with paths starting at its index).
   */
  createMany(inputs: readonly Input[], options?: WriteOptions): Promise<Versioned<T>[]>;
  /** The record with this id, or `undefined`. */
  get(id: string): Promise<Versioned<T> | undefined>;
  /** Replaces a record (same id) if its version is still `expectedVersion`. */
  update(id: string, input: Input, options: UpdateOptions): Promise<Versioned<T>>;
  /** Removes a record if its version is still `expectedVersion` (erasure on request). */
  delete(id: string, options: UpdateOptions): Promise<void>;
  /** Streams the records matching the query, in the order the query documents. */
  list(query?: Query): AsyncIterable<T>;
  /**
   * The same records as {@link Repository.list}, in the same order, in pages
   * of at most `batchSize` (never empty): one await per page instead of one
   * per record, for consumers that read millions of rows.
   */
  pages(query?: Query): AsyncIterable<readonly T[]>;
  /** Number of records matching the query's filters. */
  count(query?: Omit<Query, 'orderBy' | 'batchSize'>): Promise<number>;
}

/**
 * Filters of {@link CustomerRepository.list}. Order: by `id` (code-unit order).
 *
 * @example
 * ```ts
 * storage.customers.list({ batchSize: 500 });
 * ```
 */
export interface CustomerQuery extends StreamOptions {}

/**
 * Filters of {@link OrderRepository.list}: `from` is inclusive, `to`
 * exclusive, both on `placedAt`. Order: `orderBy: 'placedAt'` (default) is by
 * `(placedAt, id)`; `orderBy: 'customer'` is by `(customerId, placedAt, id)`,
 * which lets per-customer analytics run in one pass.
 *
 * @example
 * ```ts
 * storage.orders.list({ from: new Date('2026-01-01'), to: new Date('2026-02-01'), orderBy: 'customer' });
 * ```
 */
export interface OrderQuery extends StreamOptions {
  /** Only this customer's orders. */
  readonly customerId?: string;
  /** Placed at or after. */
  readonly from?: Date;
  /** Placed before. */
  readonly to?: Date;
  /** Sort order of the stream. */
  readonly orderBy?: 'placedAt' | 'customer';
}

/**
 * Filters of {@link InteractionRepository.list}, on `occurredAt` (`from`
 * inclusive, `to` exclusive). Order: by `(occurredAt, id)`, or with
 * `orderBy: 'customer'` by `(customerId, occurredAt, id)`.
 *
 * @example
 * ```ts
 * storage.interactions.list({ type: 'complaint', from: new Date('2026-01-01') });
 * ```
 */
export interface InteractionQuery extends StreamOptions {
  /** Only this customer's interactions. */
  readonly customerId?: string;
  /** Only these kinds. */
  readonly type?: InteractionType | readonly InteractionType[];
  /** Occurred at or after. */
  readonly from?: Date;
  /** Occurred before. */
  readonly to?: Date;
  /** Sort order of the stream. */
  readonly orderBy?: 'occurredAt' | 'customer';
}

/**
 * Filters of {@link CampaignRepository.list}. Order: by `(startsAt, id)`.
 *
 * @example
 * ```ts
 * storage.campaigns.list({ channel: 'search' });
 * ```
 */
export interface CampaignQuery extends StreamOptions {
  /** Only campaigns of this channel. */
  readonly channel?: string;
}

/**
 * The customers port.
 *
 * @example
 * ```ts
 * await storage.customers.create({ id: 'c1', createdAt: '2026-01-01' });
 * ```
 */
export interface CustomerRepository extends Repository<Customer, CustomerInput, CustomerQuery> {}

/**
 * The orders port.
 *
 * @example
 * ```ts
 * for await (const order of storage.orders.list({ orderBy: 'customer' })) summarise(order);
 * ```
 */
export interface OrderRepository extends Repository<Order, OrderInput, OrderQuery> {}

/**
 * The interactions port.
 *
 * @example
 * ```ts
 * await storage.interactions.create({ type: 'survey', id: 'i1', customerId: 'c1', occurredAt: '2026-03-01', nps: 10 });
 * ```
 */
export interface InteractionRepository extends Repository<Interaction, InteractionInput, InteractionQuery> {}

/**
 * The campaigns port (marketing spend for CAC).
 *
 * @example
 * ```ts
 * await storage.campaigns.create({ id: 'x', name: 'X', channel: 'social', startsAt: '2026-01-01', spend: { amount: '10', currency: 'EUR' } });
 * ```
 */
export interface CampaignRepository extends Repository<Campaign, CampaignInput, CampaignQuery> {}

/**
 * A JSON document with its collection, id and version.
 *
 * @example
 * ```ts
 * const doc: StoredDocument = { collection: 'lifecycle', id: 'c1', version: 3, data: { state: 'active' } };
 * ```
 */
export interface StoredDocument<T extends JsonValue = JsonValue> {
  /** Namespace of the document (a package or plugin picks its own). */
  readonly collection: string;
  /** Id within the collection. */
  readonly id: string;
  /** Starts at 1, +1 per put. */
  readonly version: number;
  /** The JSON payload. */
  readonly data: T;
}

/**
 * Options of {@link DocumentStore.put}: `expectedVersion` `null` means "must
 * not exist yet", a number means "must be at this version", absent means
 * "whatever is there".
 *
 * @example
 * ```ts
 * await storage.documents.put('lifecycle', 'c1', { state: 'new' }, { expectedVersion: null });
 * ```
 */
export interface PutOptions extends WriteOptions {
  /** Required current version (`null`: must not exist). */
  readonly expectedVersion?: number | null;
}

/**
 * Generic versioned JSON documents, for state that later packages and plugins
 * keep (lifecycle state, tier status, plugin settings). Reads stream in `id`
 * order.
 *
 * @example
 * ```ts
 * const doc = await storage.documents.put('tiers', 'c1', { tier: 'gold' }, { expectedVersion: null });
 * await storage.documents.put('tiers', 'c1', { tier: 'diamond' }, { expectedVersion: doc.version });
 * ```
 */
export interface DocumentStore {
  /** The document, or `undefined`. */
  get<T extends JsonValue = JsonValue>(
    collection: string,
    id: string,
  ): Promise<StoredDocument<T> | undefined>;
  /** Creates or replaces a document, checking `expectedVersion` when given. */
  put<T extends JsonValue>(
    collection: string,
    id: string,
    data: T,
    options?: PutOptions,
  ): Promise<StoredDocument<T>>;
  /** Removes a document, checking `expectedVersion` when given; `NotFoundError` if absent. */
  delete(collection: string, id: string, options?: PutOptions): Promise<void>;
  /** Streams a collection's documents in `id` order, optionally only ids with a prefix. */
  list<T extends JsonValue = JsonValue>(
    collection: string,
    query?: StreamOptions & { readonly prefix?: string },
  ): AsyncIterable<StoredDocument<T>>;
}

/**
 * An event to append to a stream.
 *
 * @example
 * ```ts
 * const e: NewLogEvent = { id: 'evt-1', type: 'points.earned', data: { points: 50 }, occurredAt: clock.now() };
 * ```
 */
export interface NewLogEvent {
  /** Globally unique event id. */
  readonly id: string;
  /** Event type, e.g. `'points.earned'`. */
  readonly type: string;
  /** JSON payload. */
  readonly data: JsonValue;
  /** When it happened (from the injected clock). */
  readonly occurredAt: Date;
}

/**
 * An appended event: its stream, its 1-based `sequence` in that stream and
 * its 1-based `position` across all streams (increasing in append order).
 *
 * @example
 * ```ts
 * for await (const e of storage.events.read('ledger:m1')) console.log(e.sequence, e.type);
 * ```
 */
export interface LogEvent extends NewLogEvent {
  /** The stream it belongs to. */
  readonly stream: string;
  /** 1, 2, 3, … within the stream. */
  readonly sequence: number;
  /** Increasing across every stream, in append order. */
  readonly position: number;
}

/**
 * Options of {@link EventLog.append}: `expectedSequence` is the stream's last
 * sequence the writer saw (0 for a new stream); a different one throws
 * `VersionConflictError`.
 *
 * @example
 * ```ts
 * await storage.events.append('ledger:m1', [event], { expectedSequence: 0, idempotencyKey: 'order:o1' });
 * ```
 */
export interface AppendOptions extends WriteOptions {
  /** The stream's last sequence the writer saw (0 for an empty stream). */
  readonly expectedSequence?: number;
}

/**
 * Append-only event streams (a points ledger, lifecycle history, an outbox).
 * An append of several events lands whole or not at all.
 *
 * @example
 * ```ts
 * const [e] = await storage.events.append('ledger:m1', [{ id: 'e1', type: 'earn', data: { points: 10 }, occurredAt: clock.now() }]);
 * e!.sequence; // 1
 * ```
 */
export interface EventLog {
  /** Appends events to a stream, in order, atomically. */
  append(stream: string, events: readonly NewLogEvent[], options?: AppendOptions): Promise<LogEvent[]>;
  /** Streams one stream's events from `fromSequence` (inclusive, default 1). */
  read(stream: string, query?: StreamOptions & { readonly fromSequence?: number }): AsyncIterable<LogEvent>;
  /** Streams every stream's events in position order, after `afterPosition` (default 0). */
  readAll(query?: StreamOptions & { readonly afterPosition?: number }): AsyncIterable<LogEvent>;
  /** The last sequence of a stream (0 when empty). */
  lastSequence(stream: string): Promise<number>;
}

/**
 * Everything crmkit stores, behind one object. Adapters implement it; the
 * in-memory adapter (`createMemoryStorage`) is the embedded default.
 *
 * @example
 * ```ts
 * await storage.withTransaction(async (tx) => {
 *   await tx.orders.create(order);
 *   await tx.events.append(`ledger:${order.customerId}`, [earned]);
 * }); // both land, or neither
 * ```
 */
export interface Storage {
  /** Customers. */
  readonly customers: CustomerRepository;
  /** Orders with their refunds. */
  readonly orders: OrderRepository;
  /** Complaints, surveys, referrals, tickets, touches, activities. */
  readonly interactions: InteractionRepository;
  /** Campaigns and their spend. */
  readonly campaigns: CampaignRepository;
  /** Versioned JSON documents. */
  readonly documents: DocumentStore;
  /** Append-only event streams. */
  readonly events: EventLog;
  /**
   * Runs `work` in a transaction: every write through `tx` lands if `work`
   * resolves and none does if it throws (the error is rethrown). Other
   * callers never see the writes before they land. A nested call joins the
   * outer transaction.
   */
  withTransaction<T>(work: (tx: Storage) => Promise<T>): Promise<T>;
  /** Releases connections; the storage must not be used afterwards. */
  close(): Promise<void>;
}
