import type { Customer, RowSource, Storage } from '@crmkit/core';
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
 * `list({ orderBy: 'customer' })` returns), as async or plain iterables
 * (core's `RowSource`: a stream may deliver its rows in pages, as a port's
 * `pages()` does, saving an await per row). A customer without orders still
 * gets a history when the customers stream names them.
 *
 * @example
 * ```ts
 * const source: ChurnSource = { orders: storage.orders.pages({ orderBy: 'customer' }) };
 * ```
 */
export interface ChurnSource<C extends { readonly id: string } = Customer> {
  /** Orders, sorted by `customerId`. */
  readonly orders: RowSource<OrderRecord>;
  /** Interactions, sorted by `customerId`. */
  readonly interactions?: RowSource<InteractionRecord>;
  /** Customers, sorted by `id`. */
  readonly customers?: RowSource<C>;
}

type Item<T> = T | readonly T[];

/** Reads a {@link RowSource} one row at a time, opening pages; async results are settled by the caller. */
class Cursor<T> {
  private readonly it: AsyncIterator<Item<T>> | Iterator<Item<T>>;
  private page: readonly T[] = [];
  private at = 0;
  head: T | undefined;
  index = -1;
  constructor(source: RowSource<T>) {
    const asyncIt = (source as AsyncIterable<Item<T>>)[Symbol.asyncIterator];
    this.it = asyncIt ? asyncIt.call(source) : (source as Iterable<Item<T>>)[Symbol.iterator]();
  }
  /**
   * Moves to the next row. When that needs an async read, returns the
   * pending result instead: pass what it resolves to to {@link Cursor.settle}
   * (and so on, while it returns another).
   */
  advance(): undefined | Promise<IteratorResult<Item<T>>> {
    if (this.at < this.page.length) {
      this.index++;
      this.head = this.page[this.at++];
      return undefined;
    }
    for (;;) {
      const r = this.it.next();
      if (r instanceof Promise) return r;
      if (this.accept(r)) return undefined;
    }
  }
  settle(r: IteratorResult<Item<T>>): undefined | Promise<IteratorResult<Item<T>>> {
    return this.accept(r) ? undefined : this.advance();
  }
  /** Takes a read item; false for an empty page (read on). */
  private accept(r: IteratorResult<Item<T>>): boolean {
    if (r.done) {
      this.index++;
      this.head = undefined;
      return true;
    }
    if (!Array.isArray(r.value)) {
      this.index++;
      this.head = r.value as T;
      return true;
    }
    this.page = r.value as readonly T[];
    this.at = 0;
    if (this.page.length === 0) return false;
    this.index++;
    this.head = this.page[this.at++];
    return true;
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
    if (cursor === undefined) continue;
    let p = cursor.advance();
    while (p !== undefined) p = cursor.settle((yield p) as IteratorResult<never>);
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
      let p = customers.advance();
      while (p !== undefined) p = customers.settle((yield p) as IteratorResult<never>);
    }
    const ownOrders: OrderRecord[] = [];
    while (orders.head !== undefined && orders.head.customerId === key) {
      checkOrder(orders.head, 'orders', orders.index);
      ownOrders.push(orders.head);
      let p = orders.advance();
      while (p !== undefined) p = orders.settle((yield p) as IteratorResult<never>);
    }
    const ownInteractions: InteractionRecord[] = [];
    if (interactions !== undefined)
      while (interactions.head !== undefined && interactions.head.customerId === key) {
        checkInteraction(interactions.head, 'interactions', interactions.index);
        ownInteractions.push(interactions.head);
        let p = interactions.advance();
        while (p !== undefined) p = interactions.settle((yield p) as IteratorResult<never>);
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
    orders: storage.orders.pages({ ...window, orderBy: 'customer' }),
    ...(options.interactions === false
      ? {}
      : { interactions: storage.interactions.pages({ ...window, orderBy: 'customer' }) }),
    ...(options.customers === false
      ? {}
      : {
          customers: storage.customers.pages(
            options.batchSize === undefined ? {} : { batchSize: options.batchSize },
          ),
        }),
  };
}
