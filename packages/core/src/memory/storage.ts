import type { Campaign } from '../campaign';
import type { Customer } from '../customer';
import { ValidationError } from '../errors';
import type { Interaction } from '../interaction';
import type { Order } from '../order';
import type { Storage } from '../ports';
import { documentTables, memoryDocuments } from './documents';
import { EventTable } from './event-table';
import { type EventTables, memoryEvents } from './events';
import { campaignKind, customerKind, interactionKind, orderKind } from './record-kinds';
import { memoryRepository, recordTables } from './repository';
import { MemoryState, type Scope, storageScope } from './scope';
import { Table } from './table';

/**
 * Creates the in-memory storage: every port of {@link Storage}, kept in
 * process memory. It is crmkit's embedded default, for tests, prototypes,
 * examples and the CLI, and passes the same conformance suite as every
 * adapter (`runAdapterConformance` in `@crmkit/testkit/conformance`).
 *
 * What it guarantees:
 * - **Validated, all-or-nothing writes.** Every write validates its input
 *   with the record's schema (documents and event data: what
 *   `JsonValueSchema` accepts, each bad value named by its path) and then
 *   checks every precondition before it changes
 *   anything: bad input throws `ValidationError`, and a write that throws has
 *   written nothing. `createMany` reports the issues of every bad row with
 *   paths starting at the row's index; it and an event batch land whole or
 *   not at all. A taken id throws `AlreadyExistsError`; a stale
 *   `expectedVersion` or `expectedSequence` throws `VersionConflictError`
 *   (with `expectedVersion` and `actualVersion`); updating or deleting a
 *   missing id throws `NotFoundError`; an update whose input has another id
 *   throws `ValidationError` on path `['id']`.
 * - **Versions** start at 1 and go up by one per update (documents: per put).
 * - **Idempotency keys** are scoped per repository (customers, orders,
 *   interactions, campaigns, documents, events): a repeated key writes
 *   nothing and returns the first result, even if the input differs. Keys of
 *   a transaction that rolls back are forgotten with its writes.
 * - **Transactions** stage their writes and apply them all when `work`
 *   resolves; when it throws, nothing is applied and the error is rethrown
 *   unchanged. Writers are serialised by one lock, so transactions never
 *   interleave; reads never wait and, outside a transaction, see committed
 *   data only. A nested `withTransaction` joins the outer transaction (no
 *   savepoint). Using a transaction's handle after it ended throws
 *   `CrmError` code `'TRANSACTION'`. Inside `work`, write through `tx`: a
 *   write through the storage itself waits for the transaction to end, so
 *   awaiting one there never finishes.
 * - **Streams** (`list`, `read`, `readAll`) are ordered as the ports document,
 *   ids comparing by UTF-16 code units (JavaScript's `<`). They read batches
 *   of `batchSize` (default 500) from sorted indexes, each after the last
 *   row seen, so memory beyond the stored data is bounded by the batch. They
 *   tolerate writes while they are consumed: they never throw for it and
 *   never yield a record twice; rows created (or moved in the stream's order)
 *   after the stream started are not yielded, an updated row is yielded as
 *   it is when its batch is read, a deleted one not at all; event streams end
 *   at the last event they saw when they started.
 * - **Immutable values.** Stored values are deeply frozen and returned as
 *   they are (documents and event data are frozen copies of the caller's
 *   data). Their `Date`s cannot be frozen: do not mutate them. Parts of a
 *   document or event that were read from a memory storage are stored as
 *   they are, neither checked nor copied again: re-putting a large document
 *   with a few changes costs what changed, not the whole document.
 * - `close()` makes every later call throw `CrmError` code `'CLOSED'`.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * await storage.customers.create({ id: 'c1', createdAt: '2026-01-05' });
 * await storage.withTransaction(async (tx) => {
 *   await tx.orders.create({ id: 'o1', customerId: 'c1', placedAt: '2026-01-06', currency: 'EUR',
 *     lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }] });
 *   await tx.events.append('ledger:c1', [{ id: 'e1', type: 'points.earned', data: { points: 9 },
 *     occurredAt: new Date('2026-01-06') }]);
 * });
 * for await (const order of storage.orders.list({ customerId: 'c1' })) console.log(order.total.toString()); // '9 EUR'
 * ```
 */
export function createMemoryStorage(): Storage {
  const state = new MemoryState();
  const customers = recordTables<Customer>(customerKind.orders, state.stamps);
  const orders = recordTables<Order>(orderKind.orders, state.stamps);
  const interactions = recordTables<Interaction>(interactionKind.orders, state.stamps);
  const campaigns = recordTables<Campaign>(campaignKind.orders, state.stamps);
  const documents = documentTables(state.stamps);
  const events: EventTables = { log: new EventTable(), keys: new Table([], state.stamps) };

  const facade = (scope: Scope): Storage => {
    const storage: Storage = {
      customers: memoryRepository(customerKind, customers, scope),
      orders: memoryRepository(orderKind, orders, scope),
      interactions: memoryRepository(interactionKind, interactions, scope),
      campaigns: memoryRepository(campaignKind, campaigns, scope),
      documents: memoryDocuments(documents, scope),
      events: memoryEvents(events, scope),
      async withTransaction(work) {
        if (typeof work !== 'function') {
          throw new ValidationError('transaction', [
            { path: ['work'], message: 'must be a function', code: 'invalid_type' },
          ]);
        }
        return scope.transaction((inner) => work(inner === scope ? storage : facade(inner)));
      },
      async close() {
        state.close();
      },
    };
    return storage;
  };

  return facade(storageScope(state));
}
