import { z } from 'zod';
import { type Campaign, parseCampaign } from '../campaign';
import { type Customer, parseCustomer } from '../customer';
import { type Interaction, InteractionSchema, type InteractionType, parseInteraction } from '../interaction';
import { type Order as OrderRecord, parseOrder } from '../order';
import type { CampaignQuery, CustomerQuery, InteractionQuery, OrderQuery } from '../ports';
import { IdSchema } from '../primitives';
import { BatchSizeSchema } from './checks';
import { compareIds } from './id-order';
import type { Range } from './stream';
import type { SortOrder } from './table';

/** A query after validation (zod adds `| undefined` to optional fields). */
export type Checked<Query> = { readonly [K in keyof Query]?: Query[K] | undefined };

/** What the generic memory repository needs to know about one kind of record. */
export interface RecordKind<T extends { readonly id: string }, Query> {
  /** Name used in errors, e.g. `customer`. */
  readonly entity: string;
  /** Validates input; throws `ValidationError`. */
  readonly parse: (input: unknown) => T;
  /** Validates a list or count query. */
  readonly querySchema: z.ZodType<Checked<Query>>;
  /** The sort orders kept as indexes; every query reads a range of one of them. */
  readonly orders: readonly SortOrder<T>[];
  /** The range of an order that a query reads. */
  readonly range: (query: Checked<Query>) => Range<T>;
}

const byId: SortOrder<{ readonly id: string }, string> = { key: (value) => value.id, compare: compareIds };

const keepAll = () => true;

const DateArgument = z.date({ error: 'must be a valid Date' }).optional();

/** The key of order 0 of a timeline: time in ms, then id. */
interface TimeKey {
  readonly t: number;
  readonly id: string;
}

/** The key of order 1 of a timeline: customer, time in ms, then id. */
interface CustomerTimeKey extends TimeKey {
  readonly c: string;
}

const compareTimeKeys = (a: TimeKey, b: TimeKey) => a.t - b.t || compareIds(a.id, b.id);

interface Timed {
  readonly id: string;
  readonly customerId: string;
}

/**
 * The two orders and the ranges of a record kind placed in time per customer
 * (orders on `placedAt`, interactions on `occurredAt`): order 0 by
 * `(time, id)`, order 1 by `(customerId, time, id)`. A query for one customer
 * reads only that customer's part of order 1 (its order by time equals order
 * 0's); a time window reads only its part of order 0. Range starts use the
 * id `''`, which sorts before every real id.
 */
function timeline<T extends Timed>(time: (value: T) => Date) {
  const byTime: SortOrder<T, TimeKey> = {
    key: (value) => ({ t: time(value).getTime(), id: value.id }),
    compare: compareTimeKeys,
  };
  const byCustomer: SortOrder<T, CustomerTimeKey> = {
    key: (value) => ({ c: value.customerId, t: time(value).getTime(), id: value.id }),
    compare: (a, b) => compareIds(a.c, b.c) || compareTimeKeys(a, b),
  };
  const range = (
    query: {
      readonly customerId?: string | undefined;
      readonly from?: Date | undefined;
      readonly to?: Date | undefined;
      readonly orderBy?: string | undefined;
    },
    keep: (value: T) => boolean,
  ): Range<T> => {
    const { customerId, from, to } = query;
    const beforeEnd = (value: T) => to === undefined || time(value) < to;
    if (customerId !== undefined) {
      const start: CustomerTimeKey = {
        c: customerId,
        t: from?.getTime() ?? Number.NEGATIVE_INFINITY,
        id: '',
      };
      return {
        order: 1,
        from: start,
        past: (value) => value.customerId !== customerId || !beforeEnd(value),
        keep,
      };
    }
    if (query.orderBy === 'customer') {
      return {
        order: 1,
        keep: (value) => (from === undefined || time(value) >= from) && beforeEnd(value) && keep(value),
      };
    }
    const start: TimeKey | undefined = from === undefined ? undefined : { t: from.getTime(), id: '' };
    return {
      order: 0,
      ...(start === undefined ? {} : { from: start }),
      ...(to === undefined ? {} : { past: (value: T) => !beforeEnd(value) }),
      keep,
    };
  };
  return { orders: [byTime, byCustomer], range };
}

/** Customers, by id. */
export const customerKind: RecordKind<Customer, CustomerQuery> = {
  entity: 'customer',
  parse: parseCustomer,
  querySchema: z.object({ batchSize: BatchSizeSchema }),
  orders: [byId],
  range: () => ({ order: 0, keep: keepAll }),
};

const orderTimeline = timeline<OrderRecord>((o) => o.placedAt);

/** Orders, by `(placedAt, id)` or `(customerId, placedAt, id)`. */
export const orderKind: RecordKind<OrderRecord, OrderQuery> = {
  entity: 'order',
  parse: parseOrder,
  querySchema: z.object({
    batchSize: BatchSizeSchema,
    customerId: IdSchema.optional(),
    from: DateArgument,
    to: DateArgument,
    orderBy: z.enum(['placedAt', 'customer']).optional(),
  }),
  orders: orderTimeline.orders,
  range: (query) => orderTimeline.range(query, keepAll),
};

const interactionTypes = InteractionSchema.options.map((option) => option.shape.type.value);
const InteractionTypeSchema = z.enum(interactionTypes as [InteractionType, ...InteractionType[]]);

const interactionTimeline = timeline<Interaction>((i) => i.occurredAt);

/** Interactions, by `(occurredAt, id)` or `(customerId, occurredAt, id)`, optionally of some types only. */
export const interactionKind: RecordKind<Interaction, InteractionQuery> = {
  entity: 'interaction',
  parse: parseInteraction,
  querySchema: z.object({
    batchSize: BatchSizeSchema,
    customerId: IdSchema.optional(),
    type: z.union([InteractionTypeSchema, z.array(InteractionTypeSchema).readonly()]).optional(),
    from: DateArgument,
    to: DateArgument,
    orderBy: z.enum(['occurredAt', 'customer']).optional(),
  }),
  orders: interactionTimeline.orders,
  range: (query) => {
    const { type } = query;
    const types = type === undefined ? undefined : new Set<string>(typeof type === 'string' ? [type] : type);
    return interactionTimeline.range(query, types === undefined ? keepAll : (i) => types.has(i.type));
  },
};

/** Campaigns, by `(startsAt, id)`, optionally of one channel. */
export const campaignKind: RecordKind<Campaign, CampaignQuery> = {
  entity: 'campaign',
  parse: parseCampaign,
  querySchema: z.object({ batchSize: BatchSizeSchema, channel: z.string().min(1).optional() }),
  orders: [{ key: (c): TimeKey => ({ t: c.startsAt.getTime(), id: c.id }), compare: compareTimeKeys }],
  range: (query) => {
    const { channel } = query;
    return { order: 0, keep: channel === undefined ? keepAll : (c) => c.channel === channel };
  },
};
