import { type Campaign, parseCampaign } from '../campaign';
import { type Customer, parseCustomer } from '../customer';
import { type Interaction, parseInteraction } from '../interaction';
import { type Order, parseOrder } from '../order';
import type {
  CampaignQuery,
  CustomerQuery,
  InteractionQuery,
  OrderQuery,
  Storage,
  StoredDocument,
} from '../ports';
import { memoryDocuments } from './documents';
import { EventTables, memoryEvents } from './events';
import { compareIds, memoryRepository, type RecordSpec, type RecordTables } from './repository';
import { MemoryState, rootScope, type Scope, ShadowedMap, transactionScope } from './state';

const inWindow = (at: Date, from: Date | undefined, to: Date | undefined) =>
  (from === undefined || at >= from) && (to === undefined || at < to);

const byTimeThenId =
  <T extends { id: string }>(time: (v: T) => Date) =>
  (a: T, b: T) =>
    time(a).getTime() - time(b).getTime() || compareIds(a.id, b.id);

const byCustomerThen =
  <T extends { id: string; customerId: string }>(time: (v: T) => Date) =>
  (a: T, b: T) =>
    compareIds(a.customerId, b.customerId) || byTimeThenId(time)(a, b);

const customerSpec: RecordSpec<Customer, CustomerQuery> = {
  entity: 'customer',
  parse: parseCustomer,
  idOf: (c) => c.id,
  matches: () => true,
  compare: () => (a, b) => compareIds(a.id, b.id),
};

const orderSpec: RecordSpec<Order, OrderQuery> = {
  entity: 'order',
  parse: parseOrder,
  idOf: (o) => o.id,
  matches: (o, q) =>
    (q.customerId === undefined || o.customerId === q.customerId) && inWindow(o.placedAt, q.from, q.to),
  compare: (q) =>
    q.orderBy === 'customer'
      ? byCustomerThen<Order>((o) => o.placedAt)
      : byTimeThenId<Order>((o) => o.placedAt),
};

const interactionSpec: RecordSpec<Interaction, InteractionQuery> = {
  entity: 'interaction',
  parse: parseInteraction,
  idOf: (i) => i.id,
  matches: (i, q) =>
    (q.customerId === undefined || i.customerId === q.customerId) &&
    (q.type === undefined || (typeof q.type === 'string' ? i.type === q.type : q.type.includes(i.type))) &&
    inWindow(i.occurredAt, q.from, q.to),
  compare: (q) =>
    q.orderBy === 'customer'
      ? byCustomerThen<Interaction>((i) => i.occurredAt)
      : byTimeThenId<Interaction>((i) => i.occurredAt),
};

const campaignSpec: RecordSpec<Campaign, CampaignQuery> = {
  entity: 'campaign',
  parse: parseCampaign,
  idOf: (c) => c.id,
  matches: (c, q) => q.channel === undefined || c.channel === q.channel,
  compare: () => byTimeThenId<Campaign>((c) => c.startsAt),
};

function tablesFor<T>(state: MemoryState): RecordTables<T> {
  return { rows: state.register(new ShadowedMap()), keys: state.register(new ShadowedMap()) };
}

/**
 * Creates the in-memory storage: every port of {@link Storage}, kept in
 * process memory. It is crmkit's embedded default, for tests, prototypes,
 * examples and the CLI.
 *
 * Guarantees (the same as every adapter's, checked by the conformance suite
 * in `@crmkit/testkit/conformance`):
 * - every write validates its input first; bad input throws `ValidationError`
 *   and writes nothing; `createMany` and event batches land whole or not at all;
 * - writes and transactions are serialised by one lock, so a transaction never
 *   interleaves with another write; reads from outside an open transaction
 *   see only committed data (read committed), without waiting for it;
 * - stored values are deeply frozen and returned as they are (do not mutate
 *   their `Date`s); streams are ordered as the ports document, with ids
 *   compared by UTF-16 code units, and read their keys when they start, so a
 *   concurrent write never makes a stream fail or yield a record twice.
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * await storage.customers.create({ id: 'c1', createdAt: '2026-01-05' });
 * for await (const customer of storage.customers.list()) console.log(customer.id);
 * ```
 */
export function createMemoryStorage(): Storage {
  const state = new MemoryState();
  const customers = tablesFor<Customer>(state);
  const orders = tablesFor<Order>(state);
  const interactions = tablesFor<Interaction>(state);
  const campaigns = tablesFor<Campaign>(state);
  const documents = {
    docs: state.register(new ShadowedMap<StoredDocument>()),
    keys: state.register(new ShadowedMap<StoredDocument | true>()),
  };
  const events = state.register(new EventTables());

  const build = (scope: Scope): Storage => {
    const storage: Storage = {
      customers: memoryRepository(customerSpec, customers, scope),
      orders: memoryRepository(orderSpec, orders, scope),
      interactions: memoryRepository(interactionSpec, interactions, scope),
      campaigns: memoryRepository(campaignSpec, campaigns, scope),
      documents: memoryDocuments(documents, scope),
      events: memoryEvents(events, scope),
      async withTransaction(work) {
        scope.check();
        if (scope.inTransaction) return work(storage);
        return state.exclusive(async () => {
          const tx = transactionScope(state);
          try {
            return await work(build(tx));
          } finally {
            tx.end();
          }
        });
      },
      async close() {
        state.closed = true;
      },
    };
    return storage;
  };

  return build(rootScope(state));
}
