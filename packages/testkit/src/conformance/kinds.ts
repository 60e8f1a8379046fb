import type { Repository, Storage, StreamOptions } from '@crmkit/core';
import {
  conformanceCampaign,
  conformanceCustomer,
  conformanceInteraction,
  conformanceOrder,
  paddedId,
} from './fixtures';

/** A repository seen without its record types, for tests that run the same over every kind. */
export type AnyRepository = Repository<{ readonly id: string }, unknown, StreamOptions>;

/** One kind of record as the cross-repository tests drive it. */
export interface RecordKindUnderTest {
  /** The port's name on `Storage`. */
  readonly name: 'customers' | 'orders' | 'interactions' | 'campaigns';
  readonly repository: (storage: Storage) => AnyRepository;
  /** A valid input for the n-th record. */
  readonly input: (n: number) => Record<string, unknown>;
  /** The id of the n-th record. */
  readonly id: (n: number) => string;
  /** A valid change of an input (for updates) … */
  readonly change: (input: Record<string, unknown>) => Record<string, unknown>;
  /** … and an invalid one, with the path its issue must name. */
  readonly breakage: { readonly path: string; readonly apply: (input: Record<string, unknown>) => unknown };
}

const repository = (pick: (storage: Storage) => unknown) => (storage: Storage) =>
  pick(storage) as AnyRepository;

/** The four record repositories, with inputs, changes and breakages of each. */
export const recordKinds: readonly RecordKindUnderTest[] = [
  {
    name: 'customers',
    repository: repository((s) => s.customers),
    input: (n) => ({ ...conformanceCustomer(n) }),
    id: (n) => paddedId('c', n),
    change: (input) => ({ ...input, name: 'Changed name', tags: ['changed'] }),
    breakage: { path: 'email', apply: (input) => ({ ...input, email: 'not an email' }) },
  },
  {
    name: 'orders',
    repository: repository((s) => s.orders),
    input: (n) => ({ ...conformanceOrder(n, 'c000001', n % 28) }),
    id: (n) => paddedId('o', n),
    change: (input) => ({ ...input, status: 'fulfilled' }),
    breakage: { path: 'currency', apply: (input) => ({ ...input, currency: 'EURO' }) },
  },
  {
    name: 'interactions',
    repository: repository((s) => s.interactions),
    input: (n) => ({ ...conformanceInteraction(n * 3, 'c000001', n % 28) }),
    id: (n) => paddedId('i', n * 3),
    change: (input) => ({ ...input, nps: 10 }),
    breakage: { path: 'nps', apply: (input) => ({ ...input, nps: 11 }) },
  },
  {
    name: 'campaigns',
    repository: repository((s) => s.campaigns),
    input: (n) => ({ ...conformanceCampaign(n) }),
    id: (n) => paddedId('k', n),
    change: (input) => ({ ...input, name: 'Renamed' }),
    breakage: { path: 'spend', apply: (input) => ({ ...input, spend: { amount: '-1', currency: 'EUR' } }) },
  },
];
