import type { Customer, Storage } from '@crmkit/core';
import { ChurnInputError } from './errors';
import {
  type CustomerHistory,
  checkInteraction,
  checkOrder,
  type InteractionRecord,
  type OrderRecord,
} from './history';

/**
 * Where a scan reads from: orders, and optionally interactions and
 * customers, each sorted by customer id in code-unit order (what core's
 * `list({ orderBy: 'customer' })` returns), as async or plain iterables.
 * A customer without orders still gets a history when the customers stream
 * names them.
 *
 * @example
 * ```ts
 * const source: ChurnSource = { orders: storage.orders.list({ orderBy: 'customer' }) };
 * ```
 */
export interface ChurnSource<C extends { readonly id: string } = Customer> {
  /** Orders, sorted by `customerId`. */
  readonly orders: AsyncIterable<OrderRecord> | Iterable<OrderRecord>;
  /** Interactions, sorted by `customerId`. */
  readonly interactions?: AsyncIterable<InteractionRecord> | Iterable<InteractionRecord>;
  /** Customers, sorted by `id`. */
  readonly customers?: AsyncIterable<C> | Iterable<C>;
}

type Head<T> = T | undefined;

class Cursor<T> {
  private readonly it: AsyncIterator<T> | Iterator<T>;
  head: Head<T>;
  index = -1;
  constructor(source: AsyncIterable<T> | Iterable<T>) {
    const asyncIt = (source as AsyncIterable<T>)[Symbol.asyncIterator];
    this.it = asyncIt ? asyncIt.call(source) : (source as Iterable<T>)[Symbol.iterator]();
  }
  /**
   * Moves to the next item. When the source is async, returns the pending
   * result instead: pass what it resolves to to {@link Cursor.settle}.
   */
  advance(): undefined | Promise<IteratorResult<T>> {
    const r = this.it.next();
    if (r instanceof Promise) return r;
    this.settle(r);
    return undefined;
  }
  settle(r: IteratorResult<T>): void {
    this.index++;
    this.head = r.done ? undefined : r.value;
  }
}

/**
 * Merges the sorted streams of a {@link ChurnSource} into one history per
 * customer, in customer-id order, holding only one customer's records at a
 * time (bounded memory, however many customers). Throws `ChurnInputError`
 * when a stream is not sorted by customer or a record is unreadable.
 *
 * @example
 * ```ts
 * for await (const history of groupHistories({ orders, interactions })) console.log(history.customerId, history.orders.length);
 * ```
 */
export async function* groupHistories<C extends { readonly id: string } = Customer>(
  source: ChurnSource<C>,
): AsyncGenerator<CustomerHistory<C>> {
  const steps = mergeSteps(source);
  let settled: unknown;
  for (let step = steps.next(); step.done !== true; step = steps.next(settled)) {
    settled = undefined;
    if (step.value instanceof Promise) settled = await step.value;
    else yield step.value;
  }
}

/**
 * Calls `visit` with each customer's history, in customer-id order: the
 * driver loop of {@link mergeSteps} for callers that need no generator (a
 * plain-iterable source never pays for a promise).
 */
export async function forEachHistory<C extends { readonly id: string }>(
  source: ChurnSource<C>,
  visit: (history: CustomerHistory<C>) => void,
): Promise<void> {
  const steps = mergeSteps(source);
  let settled: unknown;
  for (let step = steps.next(); step.done !== true; step = steps.next(settled)) {
    settled = undefined;
    if (step.value instanceof Promise) settled = await step.value;
    else visit(step.value);
  }
}

/**
 * One step of {@link mergeSteps}: the next history, or the pending result of
 * an async stream, to await and pass back to the generator's `next`.
 */
export type MergeStep<C> = CustomerHistory<C> | Promise<unknown>;

/**
 * The merge as a synchronous generator that yields either the next history
 * or, only when a stream is async, a promise whose resolved value the driver
 * passes back through `next(value)` (one await per record, no promise of our
 * own): a driver over plain iterables never pays for promises.
 *
 * ```ts
 * const steps = mergeSteps(source);
 * let settled: unknown;
 * for (let step = steps.next(); !step.done; step = steps.next(settled)) {
 *   settled = undefined;
 *   if (step.value instanceof Promise) { settled = await step.value; continue; }
 *   use(step.value);
 * }
 * ```
 */
export function* mergeSteps<C extends { readonly id: string }>(
  source: ChurnSource<C>,
): Generator<MergeStep<C>, void, unknown> {
  if (source === null || typeof source !== 'object' || source.orders === undefined)
    throw new ChurnInputError(['orders'], 'a churn source needs an orders stream');
  const orders = new Cursor(source.orders);
  const interactions = source.interactions === undefined ? undefined : new Cursor(source.interactions);
  const customers = source.customers === undefined ? undefined : new Cursor(source.customers);
  for (const cursor of [orders, interactions, customers]) {
    const p = cursor?.advance();
    if (p !== undefined) cursor!.settle((yield p) as IteratorResult<never>);
  }
  let previous: string | undefined;
  for (;;) {
    let key: string | undefined = orders.head?.customerId;
    const ik = interactions?.head?.customerId;
    if (ik !== undefined && (key === undefined || ik < key)) key = ik;
    const ck = customers?.head?.id;
    if (ck !== undefined && (key === undefined || ck < key)) key = ck;
    if (key === undefined) return;
    if (typeof key !== 'string')
      throw new ChurnInputError(['orders', orders.index, 'customerId'], 'must be a string');
    if (previous !== undefined && key <= previous) {
      const which =
        orders.head?.customerId === key
          ? 'orders'
          : interactions?.head?.customerId === key
            ? 'interactions'
            : 'customers';
      const index =
        which === 'orders' ? orders.index : which === 'interactions' ? interactions!.index : customers!.index;
      throw new ChurnInputError(
        [which, index, which === 'customers' ? 'id' : 'customerId'],
        `streams must be sorted by customer id: ${JSON.stringify(key)} came after ${JSON.stringify(previous)}`,
      );
    }
    previous = key;
    let customer: C | undefined;
    if (customers !== undefined && customers.head?.id === key) {
      customer = customers.head;
      const p = customers.advance();
      if (p !== undefined) customers.settle((yield p) as IteratorResult<never>);
    }
    const ownOrders: OrderRecord[] = [];
    while (orders.head !== undefined && orders.head.customerId === key) {
      checkOrder(orders.head, 'orders', orders.index);
      ownOrders.push(orders.head);
      const p = orders.advance();
      if (p !== undefined) orders.settle((yield p) as IteratorResult<never>);
    }
    const ownInteractions: InteractionRecord[] = [];
    if (interactions !== undefined)
      while (interactions.head !== undefined && interactions.head.customerId === key) {
        checkInteraction(interactions.head, 'interactions', interactions.index);
        ownInteractions.push(interactions.head);
        const p = interactions.advance();
        if (p !== undefined) interactions.settle((yield p) as IteratorResult<never>);
      }
    yield customer === undefined
      ? { customerId: key, orders: ownOrders, interactions: ownInteractions }
      : { customerId: key, customer, orders: ownOrders, interactions: ownInteractions };
  }
}

/**
 * A {@link ChurnSource} over core's `Storage`: customers, and orders and
 * interactions placed before `to` (exclusive, all when absent), streamed in
 * customer order. Memory stays bounded by `batchSize` and the largest
 * customer history.
 *
 * @example
 * ```ts
 * for await (const a of scanChurn(storageSource(storage, { to: asOf }), setup)) if (a.changed) notify(a);
 * ```
 */
export function storageSource(
  storage: Storage,
  options: { to?: Date; interactions?: boolean; customers?: boolean; batchSize?: number } = {},
): ChurnSource<Customer> {
  const window = {
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
  };
  return {
    orders: storage.orders.list({ ...window, orderBy: 'customer' }),
    ...(options.interactions === false
      ? {}
      : { interactions: storage.interactions.list({ ...window, orderBy: 'customer' }) }),
    ...(options.customers === false
      ? {}
      : {
          customers: storage.customers.list(
            options.batchSize === undefined ? {} : { batchSize: options.batchSize },
          ),
        }),
  };
}
