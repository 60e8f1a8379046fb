/**
 * crmkit on PostgreSQL: every storage port of `@crmkit/core` over a `pg`
 * Pool (a PostgreSQL server) or a PGlite instance (embedded PostgreSQL in
 * WebAssembly, no server), with versioned schema migrations, idempotency keys
 * and optimistic concurrency on real constraints, keyset-paged streaming
 * reads, and per-customer order summaries computed inside the database.
 *
 * @packageDocumentation
 * @module @crmkit/adapter-postgres
 */
export type { PGliteLike, PgPoolClientLike, PgPoolLike, PostgresClient, SqlQueryable } from './client';
export { PostgresStorageError } from './errors';
export {
  type Migration,
  type MigrationResult,
  postgresMigrations,
  SchemaNameSchema,
} from './migrations';
export {
  createPostgresStorage,
  type PostgresStorage,
  type PostgresStorageOptions,
  PostgresStorageOptionsSchema,
} from './storage';
export {
  type BtydSummary,
  type CurrencySpend,
  type CustomerSummary,
  type CustomerSummaryQuery,
  CustomerSummaryQuerySchema,
} from './summaries';
