import { CrmError, ValidationError } from '@crmkit/core';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  createPostgresStorage,
  type PostgresClient,
  PostgresStorageError,
  postgresMigrations,
} from '../src/index';
import { NEEDS_SERVER, SERVER_URL, uniqueSchema } from './databases';

// PGlite takes seconds to start and shares two cores with every other test file in CI.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

async function tablesOf(client: PostgresClient, schema: string): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
    [schema],
  );
  return (rows as { table_name: string }[]).map((r) => r.table_name);
}

function migrationSuite(name: string, makeClient: () => PostgresClient) {
  const client = makeClient();
  const schemas: string[] = [];
  const fresh = (label: string) => {
    const schema = uniqueSchema(label);
    schemas.push(schema);
    return schema;
  };
  afterAll(async () => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    if ('end' in client) await client.end();
    else await client.close();
  });

  it(`${name}: migrate() creates the tables in the schema once, and is a no-op the second time`, async () => {
    const schema = fresh('mig');
    const storage = createPostgresStorage({ client, schema, closeClient: false });
    expect(await storage.migrate()).toEqual({ schema, applied: [1], version: 1 });
    expect(await storage.migrate()).toEqual({ schema, applied: [], version: 1 });
    expect(await tablesOf(client, schema)).toEqual([
      'campaigns',
      'customers',
      'documents',
      'event_log_head',
      'events',
      'idempotency_keys',
      'interactions',
      'orders',
      'schema_migrations',
    ]);
  });

  it(`${name}: concurrent migrate() calls on one schema apply each version exactly once`, async () => {
    const schema = fresh('race');
    const results = await Promise.all(
      [1, 2, 3].map(() => createPostgresStorage({ client, schema, closeClient: false }).migrate()),
    );
    expect(results.flatMap((r) => r.applied)).toEqual([1]);
  });

  it(`${name}: schemas keep separate data beside each other`, async () => {
    const a = createPostgresStorage({ client, schema: fresh('side_a'), closeClient: false });
    const b = createPostgresStorage({ client, schema: fresh('side_b'), closeClient: false });
    await a.migrate();
    await b.migrate();
    await a.customers.create({ id: 'c1', createdAt: '2026-01-01' });
    expect(await a.customers.count()).toBe(1);
    expect(await b.customers.count()).toBe(0);
  });

  it(`${name}: a failing migration leaves nothing behind (one transaction)`, async () => {
    const schema = fresh('broken');
    await client.query(`CREATE SCHEMA "${schema}"`);
    // An application table with a name crmkit needs: CREATE TABLE orders fails.
    await client.query(`CREATE TABLE "${schema}".orders (x int)`);
    const storage = createPostgresStorage({ client, schema, closeClient: false });
    await expect(storage.migrate()).rejects.toThrow(PostgresStorageError);
    expect(await tablesOf(client, schema)).toEqual(['orders']);
  });

  it(`${name}: refuses a schema migrated by a newer crmkit`, async () => {
    const schema = fresh('newer');
    const storage = createPostgresStorage({ client, schema, closeClient: false });
    await storage.migrate();
    await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES (99, 'future')`);
    await expect(storage.migrate()).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
  });

  it(`${name}: using a schema that was never migrated says so`, async () => {
    const storage = createPostgresStorage({ client, schema: fresh('never'), closeClient: false });
    const error = await storage.customers.get('c1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PostgresStorageError);
    expect(error).toMatchObject({ sqlState: '42P01', retryable: false });
    expect((error as Error).message).toContain('migrate()');
  });
}

describe('migrations on PGlite', () => migrationSuite('PGlite', () => new PGlite()));

// Skipped without a server: CRMKIT_PG_URL is unset (scripts/with-postgres.sh starts one and sets it).
describe.skipIf(SERVER_URL === undefined)(`migrations on a PostgreSQL server (${NEEDS_SERVER})`, () =>
  migrationSuite('server', () => new pg.Pool({ connectionString: SERVER_URL, max: 5 })),
);

describe('options and the migration list', () => {
  it('rejects a bad client, schema name or batch size with ValidationError naming the field', () => {
    const paths = (options: unknown) => {
      try {
        createPostgresStorage(options as Parameters<typeof createPostgresStorage>[0]);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).issues.map((i) => i.path.join('.'));
      }
    };
    const fakePool = {
      query: async () => ({ rows: [] }),
      connect: async () => undefined,
      end: async () => undefined,
    };
    expect(paths({ client: {} })).toEqual(['client']);
    expect(paths({ client: fakePool, schema: 'Bad-Name' })).toEqual(['schema']);
    expect(paths({ client: fakePool, schema: 'x'.repeat(64) })).toEqual(['schema']);
    expect(paths({ client: fakePool, batchSize: 0 })).toEqual(['batchSize']);
    expect(paths({ client: fakePool, schema: 'crm_2026' })).toEqual([]);
  });

  it('lists every migration with its SQL for the schema', () => {
    const [first, ...rest] = postgresMigrations('crm');
    expect(rest).toEqual([]);
    expect(first!.version).toBe(1);
    expect(first!.statements).toContainEqual(expect.stringContaining('CREATE TABLE "crm".orders'));
    expect(() => postgresMigrations('DROP TABLE x')).toThrow(ValidationError);
  });

  it('refuses use after close(), ending the client only when it owns it', async () => {
    const fake = () => ({
      query: vi.fn(async () => ({ rows: [{ n: 0 }] })),
      transaction: vi.fn(),
      close: vi.fn(async () => undefined),
    });
    const shared = fake();
    const borrowing = createPostgresStorage({ client: shared, closeClient: false });
    expect(await borrowing.customers.count()).toBe(0);
    await borrowing.close();
    await expect(borrowing.customers.count()).rejects.toBeInstanceOf(CrmError);
    await expect(borrowing.documents.get('c', 'd')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(borrowing.migrate()).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(borrowing.withTransaction(async () => 1)).rejects.toMatchObject({ code: 'CLOSED' });
    expect(shared.query).toHaveBeenCalledTimes(1);
    expect(shared.close).not.toHaveBeenCalled();
    const owned = fake();
    const owning = createPostgresStorage({ client: owned });
    await owning.close();
    await owning.close();
    expect(owned.close).toHaveBeenCalledTimes(1);
  });
});
