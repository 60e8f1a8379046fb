import { CrmError, parseWith } from '@crmkit/core';
import { z } from 'zod';
import type { Driver } from './driver';
import { type Tables, tablesIn } from './tables';

/**
 * One versioned step of crmkit's PostgreSQL schema: its number, a name, and
 * the statements it runs (shown for a schema called `crmkit`).
 *
 * @example
 * ```ts
 * for (const m of postgresMigrations('crmkit')) console.log(m.version, m.name, m.statements.join(';\n'));
 * ```
 */
export interface Migration {
  /** 1, 2, 3, …: applied in this order, each once. */
  readonly version: number;
  /** What the step does. */
  readonly name: string;
  /** The SQL statements, in order. */
  readonly statements: readonly string[];
}

const MIGRATIONS: readonly { version: number; name: string; statements: (t: Tables) => string[] }[] = [
  {
    version: 1,
    name: 'records, documents, event log and idempotency keys',
    statements: (t) => [
      `CREATE TABLE ${t.customers} (
        id text COLLATE "C" PRIMARY KEY,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL
      )`,
      `CREATE TABLE ${t.orders} (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL,
        placed_at timestamptz NOT NULL,
        currency text NOT NULL,
        total numeric NOT NULL,
        refunded numeric NOT NULL,
        status text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL
      )`,
      `CREATE INDEX orders_placed_at_idx ON ${t.orders} (placed_at, id)`,
      // Covers the push-down summaries: an index-only scan in customer order.
      `CREATE INDEX orders_customer_idx ON ${t.orders} (customer_id, placed_at, id)
        INCLUDE (currency, total, refunded, status)`,
      `CREATE TABLE ${t.interactions} (
        id text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL
      )`,
      `CREATE INDEX interactions_occurred_at_idx ON ${t.interactions} (occurred_at, id)`,
      `CREATE INDEX interactions_customer_idx ON ${t.interactions} (customer_id, occurred_at, id)`,
      `CREATE TABLE ${t.campaigns} (
        id text COLLATE "C" PRIMARY KEY,
        channel text NOT NULL,
        starts_at timestamptz NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL
      )`,
      `CREATE INDEX campaigns_starts_at_idx ON ${t.campaigns} (starts_at, id)`,
      `CREATE TABLE ${t.documents} (
        collection text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        data jsonb NOT NULL,
        PRIMARY KEY (collection, id)
      )`,
      `CREATE TABLE ${t.events} (
        position bigint PRIMARY KEY,
        stream text COLLATE "C" NOT NULL,
        sequence integer NOT NULL CHECK (sequence >= 1),
        id text COLLATE "C" NOT NULL UNIQUE,
        type text NOT NULL,
        data jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        UNIQUE (stream, sequence)
      )`,
      `CREATE TABLE ${t.eventHead} (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        position bigint NOT NULL
      )`,
      `INSERT INTO ${t.eventHead} (singleton, position) VALUES (true, 0)`,
      `CREATE TABLE ${t.idempotency} (
        scope text COLLATE "C" NOT NULL,
        key text COLLATE "C" NOT NULL,
        result jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`,
    ],
  },
];

/**
 * The name of a PostgreSQL schema for crmkit's tables: lower-case letters,
 * digits and `_`, starting with a letter or `_`, at most 63 characters, so it
 * never needs quoting tricks and never collides with SQL.
 *
 * @example
 * ```ts
 * SchemaNameSchema.parse('crmkit'); // ok
 * SchemaNameSchema.safeParse('Crm Kit').success; // false
 * ```
 */
export const SchemaNameSchema = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z_][a-z0-9_]*$/, 'must be lower-case letters, digits and _, not starting with a digit');

/**
 * Every migration the package ships, with its SQL for tables in `schema`:
 * read it to review what `migrate()` does, or to run the steps with your own
 * migration tool (then also insert each version into `<schema>.schema_migrations`).
 *
 * @example
 * ```ts
 * postgresMigrations('crm').map((m) => m.version); // [1]
 * ```
 */
export function postgresMigrations(schema = 'crmkit'): Migration[] {
  const name = parseWith(SchemaNameSchema, 'schema name', schema);
  const tables = tablesIn(name);
  return MIGRATIONS.map((m) => ({ version: m.version, name: m.name, statements: m.statements(tables) }));
}

/**
 * What `migrate()` did: the schema, the versions it applied now (empty when
 * the schema was already up to date) and the version the schema is at.
 *
 * @example
 * ```ts
 * const { applied, version } = await storage.migrate(); // applied: [1], version: 1 the first time
 * ```
 */
export interface MigrationResult {
  /** The PostgreSQL schema holding crmkit's tables. */
  readonly schema: string;
  /** Versions applied by this call, in order. */
  readonly applied: readonly number[];
  /** The schema's version after the call. */
  readonly version: number;
}

/**
 * Brings a schema up to the latest version in one transaction: takes an
 * advisory lock (so concurrent callers wait rather than race), creates the
 * schema and the `schema_migrations` table when missing, and applies each
 * missing migration in order. Throws a `CrmError` with code
 * `'SCHEMA_TOO_NEW'` when the database was migrated by a newer crmkit.
 */
export async function runMigrations(driver: Driver, schema: string): Promise<MigrationResult> {
  const migrations = postgresMigrations(schema);
  const latest = migrations.at(-1)!.version;
  const t = tablesIn(schema);
  return driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`crmkit.migrate.${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${t.schema}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const rows = await tx.query(`SELECT version FROM ${t.migrations}`);
    const done = new Set(rows.map((r) => Number(r['version'])));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new CrmError(
        'SCHEMA_TOO_NEW',
        `schema "${schema}" is at version ${newest}, newer than this crmkit's ${latest}: upgrade @crmkit/adapter-postgres`,
        { schema, version: newest, supported: latest },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.migrations} (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return { schema, applied, version: latest };
  });
}
