import {
  IdSchema,
  type Interaction,
  type InteractionQuery,
  InteractionSchema,
  parseInteraction,
} from '@crmkit/core';
import { z } from 'zod';
import { batchSizeSchema, type Column, type RecordKind } from './records';

const occurredAt: Column<Interaction> = {
  name: 'occurred_at',
  type: 'timestamptz',
  of: (i) => i.occurredAt.toISOString(),
};
const customerId: Column<Interaction> = { name: 'customer_id', type: 'text', of: (i) => i.customerId };

const TypeSchema = z.enum(
  InteractionSchema.options.map((o) => o.shape.type.value) as [Interaction['type'], ...Interaction['type'][]],
);

/** Interactions: the JSON document plus customer, type and time columns. */
export const interactionKind: RecordKind<Interaction, InteractionQuery> = {
  entity: 'interaction',
  table: 'interactions',
  parse: parseInteraction,
  encode: (value) => JSON.stringify(value),
  columns: [customerId, { name: 'type', type: 'text', of: (i) => i.type }, occurredAt],
  querySchema: z
    .object({
      batchSize: batchSizeSchema,
      customerId: IdSchema.optional(),
      type: z.union([TypeSchema, z.array(TypeSchema)]).optional(),
      from: z.date().optional(),
      to: z.date().optional(),
      orderBy: z.enum(['occurredAt', 'customer']).optional(),
    })
    .strict(),
  filters(query, bind) {
    const where: string[] = [];
    if (query.customerId !== undefined) where.push(`customer_id = ${bind(query.customerId)}`);
    if (query.type !== undefined) {
      const types = typeof query.type === 'string' ? [query.type] : query.type;
      where.push(`type IN (SELECT jsonb_array_elements_text(${bind(JSON.stringify(types))}::jsonb))`);
    }
    if (query.from !== undefined) where.push(`occurred_at >= ${bind(query.from.toISOString())}::timestamptz`);
    if (query.to !== undefined) where.push(`occurred_at < ${bind(query.to.toISOString())}::timestamptz`);
    return where;
  },
  sort: (query) => (query.orderBy === 'customer' ? [customerId, occurredAt] : [occurredAt]),
};
