import { CrmError, type LogEvent, VersionConflictError } from '@crmkit/core';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresStorage, type PostgresStorage, PostgresStorageError } from '../src/index';
import { NEEDS_SERVER, SERVER_URL, uniqueSchema } from './databases';

// PGlite takes seconds to start and shares two cores with every other test file in CI.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

/** The typed refusal of the test's redemption helper. */
class InsufficientBalanceError extends CrmError {
  constructor(balance: number, wanted: number) {
    super('INSUFFICIENT_BALANCE', `balance ${balance} is below ${wanted}`, { balance, wanted });
  }
}

const occurredAt = new Date('2026-03-01T12:00:00Z');

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Redeems from a ledger stream: read the balance, append with expectedSequence, retry on conflict. */
async function redeemFromStream(storage: PostgresStorage, stream: string, points: number, id: string) {
  for (;;) {
    let balance = 0;
    let last = 0;
    for await (const e of storage.events.read(stream)) {
      balance += (e.data as { points: number }).points;
      last = e.sequence;
    }
    if (balance < points) throw new InsufficientBalanceError(balance, points);
    try {
      const data = { points: -points };
      await storage.events.append(stream, [{ id, type: 'points.redeemed', data, occurredAt }], {
        expectedSequence: last,
      });
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}

/** Redeems from a balance kept as a versioned document. */
async function redeemFromDocument(storage: PostgresStorage, id: string, points: number) {
  for (;;) {
    const doc = await storage.documents.get<{ points: number }>('balances', id);
    const balance = doc!.data.points;
    if (balance < points) throw new InsufficientBalanceError(balance, points);
    try {
      await storage.documents.put(
        'balances',
        id,
        { points: balance - points },
        { expectedVersion: doc!.version },
      );
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
    }
  }
}

// Skipped without a server: CRMKIT_PG_URL is unset (scripts/with-postgres.sh starts one and sets it).
describe.skipIf(SERVER_URL === undefined)(
  `concurrency and crash safety on a PostgreSQL server (${NEEDS_SERVER})`,
  () => {
    const schema = uniqueSchema('server');
    const pools: pg.Pool[] = [];
    const connect = (max: number) => {
      const pool = new pg.Pool({ connectionString: SERVER_URL, max, application_name: schema });
      // Connections killed on purpose must not crash the run.
      pool.on('error', () => undefined);
      pools.push(pool);
      return createPostgresStorage({ client: pool, schema, closeClient: false });
    };
    let storage: PostgresStorage;
    let admin: pg.Pool;

    beforeAll(async () => {
      admin = new pg.Pool({ connectionString: SERVER_URL, max: 2 });
      storage = connect(5);
      await storage.migrate();
    });

    afterAll(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      await Promise.all(pools.map((p) => p.end()));
    });

    it('50 concurrent redemptions of 30 points from a 1000-point ledger stream: exactly 33 succeed', async () => {
      const stream = 'ledger:member-1';
      await storage.events.append(stream, [
        { id: 'earn-1', type: 'points.earned', data: { points: 1000 }, occurredAt },
      ]);
      // Each redeemer has its own single-connection pool: 50 separate sessions.
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => redeemFromStream(connect(1), stream, 30, `redeem-${i}`)),
      );
      const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length;
      const refused = outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => (o as PromiseRejectedResult).reason);
      expect(succeeded).toBe(33);
      expect(refused).toHaveLength(17);
      expect(refused.every((e) => e instanceof InsufficientBalanceError)).toBe(true);

      const ledger: LogEvent[] = await collect(storage.events.read(stream));
      expect(ledger.map((e) => e.sequence)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
      let running = 0;
      for (const e of ledger) {
        running += (e.data as { points: number }).points;
        expect(running).toBeGreaterThanOrEqual(0);
      }
      expect(running).toBe(1000 - 33 * 30);
      expect(new Set(ledger.map((e) => e.id)).size).toBe(34);
      const positions = ledger.map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    });

    it('50 concurrent redemptions against a versioned balance document: exactly floor(1000 / 30) succeed', async () => {
      await storage.documents.put('balances', 'member-2', { points: 1000 }, { expectedVersion: null });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, () => redeemFromDocument(connect(1), 'member-2', 30)),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(33);
      const refused = outcomes
        .filter((o) => o.status === 'rejected')
        .map((o) => (o as PromiseRejectedResult).reason);
      expect(refused.every((e) => e instanceof InsufficientBalanceError)).toBe(true);
      const doc = await storage.documents.get<{ points: number }>('balances', 'member-2');
      expect(doc).toMatchObject({ version: 34, data: { points: 10 } });
    });

    it('a transaction whose connection is killed mid-way leaves nothing half-written', async () => {
      const crashing = connect(2);
      const headBefore = await admin.query(`SELECT position::int AS p FROM "${schema}".event_log_head`);
      const attempt = crashing.withTransaction(async (tx) => {
        await tx.customers.create({ id: 'crash-c', createdAt: '2026-01-01' });
        await tx.orders.createMany(
          Array.from({ length: 3000 }, (_, i) => ({
            id: `crash-o${i}`,
            customerId: 'crash-c',
            placedAt: '2026-01-02',
            currency: 'EUR',
            lines: [{ sku: 's', quantity: 1, unitPrice: '9.99' }],
          })),
        );
        await tx.events.append('ledger:crash', [
          { id: 'crash-e', type: 'points.earned', data: { points: 5 }, occurredAt },
        ]);
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
         WHERE application_name = $1 AND state = 'idle in transaction'`,
          [schema],
        );
        expect(killed.rows).toEqual([{ killed: true }]);
        await tx.documents.put('crash', 'after-kill', { written: true });
      });
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PostgresStorageError);

      expect(await storage.customers.get('crash-c')).toBeUndefined();
      expect(await storage.orders.count({ customerId: 'crash-c' })).toBe(0);
      expect(await storage.events.lastSequence('ledger:crash')).toBe(0);
      expect(await storage.documents.get('crash', 'after-kill')).toBeUndefined();
      const headAfter = await admin.query(`SELECT position::int AS p FROM "${schema}".event_log_head`);
      expect(headAfter.rows).toEqual(headBefore.rows);
      // The pool replaced the dead connection: the same storage works again.
      await crashing.customers.create({ id: 'crash-after', createdAt: '2026-01-01' });
      expect(await storage.customers.get('crash-after')).toBeDefined();
    });
  },
);
