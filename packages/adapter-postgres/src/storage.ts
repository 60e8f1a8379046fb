import {
  type CampaignRepository,
  type CustomerRepository,
  type InteractionRepository,
  type OrderRepository,
  parseWith,
  type Storage,
} from '@crmkit/core';
import { z } from 'zod';
import { campaignKind } from './campaigns';
import { createDriver, type PostgresClient } from './client';
import { customerKind } from './customers';
import { documentStore } from './documents';
import { eventLog } from './events';
import { interactionKind } from './interactions';
import { type MigrationResult, runMigrations, SchemaNameSchema } from './migrations';
import { orderKind } from './orders';
import { recordRepository } from './records';
import { DriverSession, type Session } from './session';
import { type CustomerSummary, type CustomerSummaryQuery, customerSummaries } from './summaries';
import { tablesIn } from './tables';

/**
 * Options of {@link createPostgresStorage}, validated by
 * {@link PostgresStorageOptionsSchema}.
 *
 * @example
 * ```ts
 * const options: PostgresStorageOptions = { client: pool, schema: 'crm', batchSize: 5000 };
 * ```
 */
export interface PostgresStorageOptions {
  /** A `pg` Pool (PostgreSQL server) or a PGlite instance (embedded). */
  readonly client: PostgresClient;
  /** The PostgreSQL schema holding crmkit's tables, so they live beside the app's (default `'crmkit'`). */
  readonly schema?: string;
  /** Rows per round trip of streaming reads when the query names none (default 1000). */
  readonly batchSize?: number;
  /** Whether `close()` also ends the pool / closes PGlite (default `true`; `false` when the app shares it). */
  readonly closeClient?: boolean;
}

/**
 * Validates {@link PostgresStorageOptions}; `client` must have `query` and
 * either `transaction` (PGlite) or `connect` and `end` (a `pg` Pool).
 *
 * @example
 * ```ts
 * PostgresStorageOptionsSchema.safeParse({ client: pool, schema: 'Bad Name' }).success; // false
 * ```
 */
export const PostgresStorageOptionsSchema = z
  .object({
    client: z.custom<PostgresClient>(
      (value) => {
        const c = value as Record<string, unknown> | null;
        return (
          c !== null &&
          typeof c === 'object' &&
          typeof c['query'] === 'function' &&
          (typeof c['transaction'] === 'function' ||
            (typeof c['connect'] === 'function' && typeof c['end'] === 'function'))
        );
      },
      { error: 'must be a pg Pool or a PGlite instance' },
    ),
    schema: SchemaNameSchema.default('crmkit'),
    batchSize: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100_000, 'must be at most 100000')
      .default(1000),
    closeClient: z.boolean().default(true),
  })
  .strict();

/**
 * crmkit's storage on PostgreSQL: every port of `Storage`, plus the schema
 * migrations and the per-customer summaries computed inside the database.
 *
 * @example
 * ```ts
 * const storage: PostgresStorage = createPostgresStorage({ client: new PGlite() });
 * await storage.migrate();
 * ```
 */
export interface PostgresStorage extends Storage {
  /** The PostgreSQL schema holding crmkit's tables. */
  readonly schema: string;
  /**
   * Creates or upgrades crmkit's tables in {@link PostgresStorage.schema}:
   * idempotent, in one transaction, safe to run from several processes at
   * once. Call it once at start-up (or at deploy time) before anything else.
   */
  migrate(): Promise<MigrationResult>;
  /**
   * Per-customer order summaries computed by PostgreSQL (`GROUP BY
   * customer_id`) and streamed back in `customerId` order: first and last
   * order, counts, spend per currency, the BTYD row and RFM inputs.
   */
  customerSummaries(query: CustomerSummaryQuery): AsyncIterable<CustomerSummary>;
}

function storageOver(session: Session, schema: string, batchSize: number): Storage {
  const tables = tablesIn(schema);
  const storage: Storage = {
    customers: recordRepository(customerKind, session, tables, batchSize) as CustomerRepository,
    orders: recordRepository(orderKind, session, tables, batchSize) as OrderRepository,
    interactions: recordRepository(interactionKind, session, tables, batchSize) as InteractionRepository,
    campaigns: recordRepository(campaignKind, session, tables, batchSize) as CampaignRepository,
    documents: documentStore(session, tables, batchSize),
    events: eventLog(session, tables, batchSize),
    withTransaction: (work) => session.transaction((tx) => work(storageOver(tx, schema, batchSize))),
    close: () => Promise.resolve(),
  };
  return storage;
}

/**
 * Creates crmkit's storage over PostgreSQL: a `pg` Pool for a server, or a
 * PGlite instance for embedded PostgreSQL (no server) — the same SQL runs on
 * both. Call {@link PostgresStorage.migrate} once before use.
 *
 * Transactions run at READ COMMITTED with conditional updates, unique keys
 * and row locks: a version column for optimistic concurrency, a primary key
 * per idempotency key, a unique `(stream, sequence)` and a locked head row for
 * the event log. Streaming reads page by keyset (`ORDER BY … LIMIT`), so
 * memory stays bounded by `batchSize`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPostgresStorage } from '@crmkit/adapter-postgres';
 *
 * const storage = createPostgresStorage({ client: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await storage.migrate();
 * await storage.customers.create({ id: 'c1', createdAt: '2026-01-05' });
 * ```
 */
export function createPostgresStorage(options: PostgresStorageOptions): PostgresStorage {
  const { client, schema, batchSize, closeClient } = parseWith(
    PostgresStorageOptionsSchema,
    'postgres storage options',
    options,
  );
  const session = new DriverSession(createDriver(client));
  return {
    ...storageOver(session, schema, batchSize),
    schema,
    migrate: () => session.whileOpen((d) => runMigrations(d, schema)),
    customerSummaries: (query) => customerSummaries(session, tablesIn(schema), query),
    close: () => session.close(closeClient),
  };
}
