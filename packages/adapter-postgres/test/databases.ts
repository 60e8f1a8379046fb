import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../src/index';

/** A real PostgreSQL server for the tests that need one; unset, they are skipped. */
export const SERVER_URL = process.env['CRMKIT_PG_URL'];

/** Why server tests are skipped, for their names. */
export const NEEDS_SERVER = 'needs a PostgreSQL server: set CRMKIT_PG_URL (scripts/with-postgres.sh does)';

/** One database to run tests on and how to get fresh, migrated storages in it. */
export interface TestDatabase {
  readonly name: 'PGlite' | 'PostgreSQL server';
  /** A storage over a new, migrated schema, dropped after the file's tests. */
  storage(label: string): Promise<PostgresStorage>;
  /** Runs SQL outside crmkit (to inspect or sabotage). */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
}

let counter = 0;

/** A schema name no other test (or concurrent run) uses. */
export function uniqueSchema(label: string): string {
  counter += 1;
  return `t_${label}_${process.pid}_${counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

let sharedPGlite: PGlite | undefined;
let pgliteUsers = 0;

/**
 * PGlite, one instance for the whole test file (it takes seconds to start),
 * closed after the last suite that uses it.
 */
export function pgliteDatabase(): TestDatabase {
  pgliteUsers += 1;
  const instance = () => {
    sharedPGlite ??= new PGlite();
    return sharedPGlite;
  };
  afterAll(async () => {
    pgliteUsers -= 1;
    if (pgliteUsers === 0) {
      await sharedPGlite?.close();
      sharedPGlite = undefined;
    }
  });
  return {
    name: 'PGlite',
    async storage(label) {
      const storage = createPostgresStorage({
        client: instance(),
        schema: uniqueSchema(label),
        closeClient: false,
      });
      await storage.migrate();
      return storage;
    },
    async sql(text, params) {
      return (await instance().query<Record<string, unknown>>(text, params)).rows;
    },
  };
}

/** The server at {@link SERVER_URL}: a pool per storage, every schema dropped at the end. */
export function serverDatabase(url: string): TestDatabase {
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  admin.on('error', () => undefined);
  const schemas: string[] = [];
  const storages: PostgresStorage[] = [];
  afterAll(async () => {
    await Promise.all(storages.map((s) => s.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  return {
    name: 'PostgreSQL server',
    async storage(label) {
      const schema = uniqueSchema(label);
      schemas.push(schema);
      // application_name lets a test find this storage's connections in pg_stat_activity.
      const pool = new pg.Pool({ connectionString: url, max: 60, application_name: schema });
      // A connection killed on purpose (crash tests) must not crash the run.
      pool.on('error', () => undefined);
      const storage = createPostgresStorage({ client: pool, schema });
      storages.push(storage);
      await storage.migrate();
      return storage;
    },
    async sql(text, params) {
      return (await admin.query(text, params)).rows;
    },
  };
}

/** PGlite always, and the server when {@link SERVER_URL} is set. */
export function testDatabases(): TestDatabase[] {
  return SERVER_URL === undefined ? [pgliteDatabase()] : [pgliteDatabase(), serverDatabase(SERVER_URL)];
}
