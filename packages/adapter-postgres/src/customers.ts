import { type Customer, type CustomerQuery, parseCustomer } from '@crmkit/core';
import { z } from 'zod';
import { batchSizeSchema, type RecordKind } from './records';

/** Customers: the JSON document only, streamed by id. */
export const customerKind: RecordKind<Customer, CustomerQuery> = {
  entity: 'customer',
  table: 'customers',
  parse: parseCustomer,
  encode: (value) => JSON.stringify(value),
  columns: [],
  querySchema: z.object({ batchSize: batchSizeSchema }).strict(),
  filters: () => [],
  sort: () => [],
};
