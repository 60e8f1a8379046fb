import {
  AlreadyExistsError,
  type JsonValue,
  type LogEvent,
  NotFoundError,
  ValidationError,
  VersionConflictError,
} from '@crmkit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PostgresStorage } from '../src/index';
import { NEEDS_SERVER, pgliteDatabase, SERVER_URL, serverDatabase, type TestDatabase } from './databases';

// PGlite takes seconds to start and shares two cores with every other test file in CI.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const at = (iso: string) => new Date(iso);

function documentAndEventSuite(db: TestDatabase) {
  let storage: PostgresStorage;
  beforeAll(async () => {
    storage = await db.storage('docs');
  });

  it('puts documents with expectedVersion null / number / absent and deletes with checks', async () => {
    const first = await storage.documents.put('tiers', 'm1', { tier: 'gold' }, { expectedVersion: null });
    expect(first).toEqual({ collection: 'tiers', id: 'm1', version: 1, data: { tier: 'gold' } });
    await expect(
      storage.documents.put('tiers', 'm1', { tier: 'x' }, { expectedVersion: null }),
    ).rejects.toThrow(VersionConflictError);
    const second = await storage.documents.put('tiers', 'm1', { tier: 'diamond' }, { expectedVersion: 1 });
    expect(second.version).toBe(2);
    const stale = await storage.documents
      .put('tiers', 'm1', { tier: 'silver' }, { expectedVersion: 1 })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect((await storage.documents.put('tiers', 'm1', { tier: 'silver' })).version).toBe(3);
    await expect(storage.documents.put('tiers', 'nobody', {}, { expectedVersion: 4 })).rejects.toMatchObject({
      actualVersion: null,
    });
    await expect(storage.documents.delete('tiers', 'm1', { expectedVersion: 2 })).rejects.toThrow(
      VersionConflictError,
    );
    await storage.documents.delete('tiers', 'm1', { expectedVersion: 3 });
    expect(await storage.documents.get('tiers', 'm1')).toBeUndefined();
    await expect(storage.documents.delete('tiers', 'm1')).rejects.toThrow(NotFoundError);
  });

  it('keeps JSON exactly: nested values, unicode, small and large numbers', async () => {
    const data: JsonValue = {
      z: [1, 0.1, 1e21, -2.5e-7, 2 ** 53 + 2, 1.7976931348623157e308, true, null],
      a: { 'naïve ✓': 'emoji 🎉', empty: {}, list: [] },
    };
    await storage.documents.put('json', 'doc', data);
    expect((await storage.documents.get('json', 'doc'))!.data).toEqual(data);
    await expect(
      storage.documents.put('json', 'bad', { n: Number.NaN } as unknown as JsonValue),
    ).rejects.toThrow(ValidationError);
    expect(await storage.documents.get('json', 'bad')).toBeUndefined();
  });

  it('lists a collection in id order, optionally by prefix, in batches', async () => {
    for (const id of ['p:b', 'q:a', 'p:a', 'p:c', 'o:z']) await storage.documents.put('listed', id, { id });
    const all = await collect(storage.documents.list('listed', { batchSize: 2 }));
    expect(all.map((d) => d.id)).toEqual(['o:z', 'p:a', 'p:b', 'p:c', 'q:a']);
    const prefixed = await collect(storage.documents.list('listed', { prefix: 'p:', batchSize: 2 }));
    expect(prefixed.map((d) => d.id)).toEqual(['p:a', 'p:b', 'p:c']);
  });

  it('appends events with 1-based sequences per stream and positions across streams', async () => {
    const [a1, a2] = await storage.events.append('ledger:a', [
      { id: 'ea-1', type: 'earn', data: { points: 10 }, occurredAt: at('2026-01-01T10:00:00.001Z') },
      { id: 'ea-2', type: 'earn', data: { points: 5 }, occurredAt: at('2026-01-01T11:00:00Z') },
    ]);
    const [b1] = await storage.events.append(
      'ledger:b',
      [{ id: 'eb-1', type: 'earn', data: { points: 1 }, occurredAt: at('2026-01-02') }],
      { expectedSequence: 0 },
    );
    expect([a1!.sequence, a2!.sequence, b1!.sequence]).toEqual([1, 2, 1]);
    expect([a1!.position, a2!.position, b1!.position]).toEqual([1, 2, 3]);
    expect(await collect(storage.events.read('ledger:a'))).toEqual([a1, a2]);
    expect(await collect(storage.events.read('ledger:a', { fromSequence: 2 }))).toEqual([a2]);
    expect(await collect(storage.events.readAll({ afterPosition: 1, batchSize: 1 }))).toEqual([a2, b1]);
    expect(await storage.events.lastSequence('ledger:a')).toBe(2);
    expect(await storage.events.lastSequence('ledger:none')).toBe(0);
    expect(a1!.occurredAt.toISOString()).toBe('2026-01-01T10:00:00.001Z');
  });

  it('a stale expectedSequence or a taken event id appends nothing and takes no position', async () => {
    const stream = 'ledger:c';
    await storage.events.append(stream, [
      { id: 'ec-1', type: 'earn', data: 1, occurredAt: at('2026-01-03') },
    ]);
    await expect(
      storage.events.append(stream, [{ id: 'ec-2', type: 'earn', data: 2, occurredAt: at('2026-01-03') }], {
        expectedSequence: 0,
      }),
    ).rejects.toThrow(VersionConflictError);
    await expect(
      storage.events.append(stream, [
        { id: 'ec-3', type: 'earn', data: 3, occurredAt: at('2026-01-03') },
        { id: 'ec-1', type: 'earn', data: 4, occurredAt: at('2026-01-03') },
      ]),
    ).rejects.toThrow(new AlreadyExistsError('event', 'ec-1'));
    const before = await collect(storage.events.readAll());
    const [next] = await storage.events.append(
      stream,
      [{ id: 'ec-5', type: 'earn', data: 5, occurredAt: at('2026-01-03') }],
      { expectedSequence: 1 },
    );
    expect(next!.sequence).toBe(2);
    expect(next!.position).toBe(before.at(-1)!.position + 1);
  });

  it('replays an idempotent append with its first result', async () => {
    const event = { id: 'ei-1', type: 'earn', data: { points: 7 }, occurredAt: at('2026-02-01T00:00:00Z') };
    const first = await storage.events.append('ledger:i', [event], { idempotencyKey: 'order:o9' });
    const again = await storage.events.append('ledger:i', [{ ...event, id: 'ei-2' }], {
      idempotencyKey: 'order:o9',
    });
    expect(again).toEqual(first);
    expect(await storage.events.lastSequence('ledger:i')).toBe(1);
  });

  it('validates appends before any SQL, naming the event index', async () => {
    const good = { id: 'ev-good', type: 'earn', data: {}, occurredAt: at('2026-01-01') };
    const error = await storage.events
      .append('ledger:v', [good, { ...good, id: 'ev-bad', type: '' }])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([[1, 'type']]);
    await expect(storage.events.append('ledger:v', [])).rejects.toThrow(ValidationError);
    const options = await storage.events
      .append('ledger:v', [good], { expectedSequence: -1 })
      .catch((e: unknown) => e);
    expect((options as ValidationError).issues.map((i) => i.path)).toEqual([['expectedSequence']]);
    expect(await storage.events.lastSequence('ledger:v')).toBe(0);
  });
}

function transactionSuite(db: TestDatabase) {
  let storage: PostgresStorage;
  beforeAll(async () => {
    storage = await db.storage('tx');
  });

  it('commits every write of the work, or none when it throws (and rethrows the same error)', async () => {
    await storage.withTransaction(async (tx) => {
      await tx.customers.create({ id: 'tx-1', createdAt: '2026-01-01' });
      await tx.events.append('tx:1', [{ id: 'tx-e1', type: 't', data: null, occurredAt: at('2026-01-01') }]);
    });
    expect(await storage.customers.get('tx-1')).toBeDefined();
    const boom = new Error('boom');
    const thrown = await storage
      .withTransaction(async (tx) => {
        await tx.customers.create({ id: 'tx-2', createdAt: '2026-01-01' });
        await tx.documents.put('tx', 'd', { a: 1 });
        await tx.events.append('tx:2', [
          { id: 'tx-e2', type: 't', data: null, occurredAt: at('2026-01-01') },
        ]);
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    expect(await storage.customers.get('tx-2')).toBeUndefined();
    expect(await storage.documents.get('tx', 'd')).toBeUndefined();
    expect(await storage.events.lastSequence('tx:2')).toBe(0);
  });

  it('reads outside an open transaction see only committed data, and the transaction goes on intact', async () => {
    // On a server the outside reads run on other connections; on PGlite (one
    // connection) they run beside the open transaction, which is rolled back
    // to its start for the read and then replayed.
    await storage.customers.create({ id: 'tx-seen', createdAt: '2026-01-01', name: 'before' });
    await storage.withTransaction(async (tx) => {
      await tx.customers.create({ id: 'tx-hidden', createdAt: '2026-01-01' });
      await tx.customers.update(
        'tx-seen',
        { id: 'tx-seen', createdAt: '2026-01-01', name: 'during' },
        {
          expectedVersion: 1,
        },
      );
      await expect(tx.customers.create({ id: 'tx-seen', createdAt: '2026-01-01' })).rejects.toThrow(
        AlreadyExistsError,
      );
      await tx.events.append('tx:hidden', [
        { id: 'tx-h1', type: 't', data: 1, occurredAt: at('2026-01-01') },
      ]);

      expect(await storage.customers.get('tx-hidden')).toBeUndefined();
      expect((await storage.customers.get('tx-seen'))!.value.name).toBe('before');
      expect(await storage.events.lastSequence('tx:hidden')).toBe(0);
      const outside = await collect(storage.customers.list({ batchSize: 1 }));
      expect(outside.map((c) => c.id)).not.toContain('tx-hidden');

      expect((await tx.customers.get('tx-seen'))!).toMatchObject({ version: 2, value: { name: 'during' } });
      const [second] = await tx.events.append('tx:hidden', [
        { id: 'tx-h2', type: 't', data: 2, occurredAt: at('2026-01-01') },
      ]);
      expect(second!.sequence).toBe(2);
    });
    expect(await storage.customers.get('tx-hidden')).toBeDefined();
    expect((await storage.customers.get('tx-seen'))!.version).toBe(2);
    expect(await storage.events.lastSequence('tx:hidden')).toBe(2);
  });

  it('an outside read never sees the writes of a transaction that then rolls back', async () => {
    await storage
      .withTransaction(async (tx) => {
        await tx.documents.put('tx-rb', 'd', { v: 1 });
        expect(await storage.documents.get('tx-rb', 'd')).toBeUndefined();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await storage.documents.get('tx-rb', 'd')).toBeUndefined();
  });

  it('a failed operation inside a transaction leaves it usable; a nested call joins with a savepoint', async () => {
    await storage.customers.create({ id: 'tx-taken', createdAt: '2026-01-01' });
    await storage.withTransaction(async (tx) => {
      await expect(tx.customers.create({ id: 'tx-taken', createdAt: '2026-01-01' })).rejects.toThrow(
        AlreadyExistsError,
      );
      await tx.customers.create({ id: 'tx-after', createdAt: '2026-01-01' });
      await tx
        .withTransaction(async (inner) => {
          await inner.customers.create({ id: 'tx-inner', createdAt: '2026-01-01' });
          throw new Error('inner fails');
        })
        .catch(() => undefined);
      await tx.withTransaction((inner) =>
        inner.customers.create({ id: 'tx-inner-ok', createdAt: '2026-01-01' }),
      );
    });
    expect(await storage.customers.get('tx-after')).toBeDefined();
    expect(await storage.customers.get('tx-inner')).toBeUndefined();
    expect(await storage.customers.get('tx-inner-ok')).toBeDefined();
  });

  it('refuses a transaction handle used after its transaction ended', async () => {
    let escaped: PostgresStorage['customers'] | undefined;
    await storage.withTransaction(async (tx) => {
      escaped = tx.customers;
    });
    await expect(escaped!.get('tx-1')).rejects.toMatchObject({ code: 'TRANSACTION' });
  });

  it('streams inside a transaction see its own writes', async () => {
    const seen = await storage.withTransaction(async (tx) => {
      await tx.documents.put('tx-stream', 'a', 1);
      await tx.documents.put('tx-stream', 'b', 2);
      return collect(tx.documents.list('tx-stream', { batchSize: 1 }));
    });
    expect(seen.map((d) => d.data)).toEqual([1, 2]);
  });

  it('appends from concurrent transactions get positions in commit order', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        storage.withTransaction((tx) =>
          tx.events.append(`tx:par:${i}`, [
            { id: `tx-par-${i}`, type: 't', data: i, occurredAt: at('2026-01-01') },
          ]),
        ),
      ),
    );
    const positions = results.map((r) => r[0]!.position).sort((a, b) => a - b);
    const all: LogEvent[] = await collect(storage.events.readAll({ afterPosition: positions[0]! - 1 }));
    expect(all.map((e) => e.position)).toEqual(positions);
    expect(positions.at(-1)! - positions[0]!).toBe(7);
  });
}

describe('documents and events on PGlite', () => documentAndEventSuite(pgliteDatabase()));
describe('transactions on PGlite', () => transactionSuite(pgliteDatabase()));

// Skipped without a server: CRMKIT_PG_URL is unset (scripts/with-postgres.sh starts one and sets it).
describe.skipIf(SERVER_URL === undefined)(
  `documents and events on a PostgreSQL server (${NEEDS_SERVER})`,
  () => documentAndEventSuite(serverDatabase(SERVER_URL ?? '')),
);
// Skipped without a server, as above.
describe.skipIf(SERVER_URL === undefined)(`transactions on a PostgreSQL server (${NEEDS_SERVER})`, () =>
  transactionSuite(serverDatabase(SERVER_URL ?? '')),
);
