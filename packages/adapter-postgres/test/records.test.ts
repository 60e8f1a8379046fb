import {
  AlreadyExistsError,
  type Customer,
  NotFoundError,
  type OrderInput,
  ValidationError,
  VersionConflictError,
} from '@crmkit/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PostgresStorage } from '../src/index';
import { NEEDS_SERVER, pgliteDatabase, SERVER_URL, serverDatabase, type TestDatabase } from './databases';

// PGlite takes seconds to start and shares two cores with every other test file in CI.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const order = (
  id: string,
  customerId: string,
  placedAt: string,
  extra: Partial<OrderInput> = {},
): OrderInput => ({
  id,
  customerId,
  placedAt,
  currency: 'EUR',
  lines: [{ sku: 'tea', quantity: 3, unitPrice: '0.10' }],
  ...extra,
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function recordSuite(db: TestDatabase) {
  let storage: PostgresStorage;
  beforeAll(async () => {
    storage = await db.storage('records');
  });

  it('stores money exactly: NUMERIC columns and decimal strings in the JSON, read back as the same Money', async () => {
    const created = await storage.orders.create(
      order('money-1', 'c-money', '2026-03-01T12:00:00.123Z', {
        lines: [
          { sku: 'a', quantity: 1, unitPrice: '0.1' },
          { sku: 'b', quantity: 1, unitPrice: '0.2' },
        ],
        refunds: [{ id: 'r1', refundedAt: '2026-03-02T00:00:00Z', amount: '0.05' }],
      }),
    );
    expect(created.value.total.toString()).toBe('0.3 EUR');
    const read = await storage.orders.get('money-1');
    expect(read).toEqual(created);
    expect(read!.value.placedAt.toISOString()).toBe('2026-03-01T12:00:00.123Z');
    const [row] = await db.sql(
      `SELECT total::text AS total, refunded::text AS refunded, data->'lines'->0->>'unitPrice' AS price
       FROM "${storage.schema}".orders WHERE id = 'money-1'`,
    );
    expect(row).toEqual({ total: '0.3', refunded: '0.05', price: '0.1' });
  });

  it('round-trips a customer with attributes, consent and dates', async () => {
    const input = {
      id: 'c-full',
      kind: 'account' as const,
      name: 'Ada GmbH',
      email: 'ada@example.com',
      birthday: '1990-02-28',
      attributes: { region: 'EU-West', seats: 12, trial: false, note: null },
      tags: ['vip', 'b2b'],
      consent: { email: { granted: true, at: '2026-01-01T08:00:00+02:00', source: 'checkout' } },
      acquisition: { channel: 'search', campaignId: 'spring', at: '2025-12-31T23:59:59.999Z' },
      createdAt: '2026-01-05T09:00:00Z',
    };
    const created = await storage.customers.create(input);
    const read = await storage.customers.get('c-full');
    expect(read).toEqual(created);
    expect(read!.value.consent['email']!.at.toISOString()).toBe('2026-01-01T06:00:00.000Z');
  });

  it('rejects a taken id with AlreadyExistsError and keeps the first record', async () => {
    await storage.customers.create({ id: 'c-dup', createdAt: '2026-01-01', name: 'first' });
    await expect(
      storage.customers.create({ id: 'c-dup', createdAt: '2026-01-01', name: 'second' }),
    ).rejects.toThrow(AlreadyExistsError);
    expect((await storage.customers.get('c-dup'))!.value.name).toBe('first');
  });

  it('replays an idempotent create: the first result, nothing new written, even with other input', async () => {
    const first = await storage.orders.create(order('idem-1', 'c-idem', '2026-04-01'), {
      idempotencyKey: 'import:1',
    });
    const again = await storage.orders.create(order('idem-2', 'c-idem', '2026-04-02'), {
      idempotencyKey: 'import:1',
    });
    expect(again).toEqual(first);
    expect(await storage.orders.get('idem-2')).toBeUndefined();
    expect(await storage.orders.count({ customerId: 'c-idem' })).toBe(1);
    // Keys are scoped per repository: the same key on customers is a new write.
    const customer = await storage.customers.create(
      { id: 'c-idem', createdAt: '2026-01-01' },
      {
        idempotencyKey: 'import:1',
      },
    );
    expect(customer.value.id).toBe('c-idem');
  });

  it('createMany: a bad row throws ValidationError with its index and writes nothing', async () => {
    const inputs = [
      order('bad-0', 'c-bad', '2026-01-01'),
      order('bad-1', 'c-bad', '2026-01-02'),
      { id: 'bad-2' },
    ];
    const error = await storage.orders.createMany(inputs as OrderInput[]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.every((i) => i.path[0] === 2)).toBe(true);
    expect((error as ValidationError).issues.map((i) => i.path[1])).toContain('customerId');
    expect(await storage.orders.count({ customerId: 'c-bad' })).toBe(0);
  });

  it('createMany is all-or-nothing against stored ids and duplicates within the batch', async () => {
    await storage.orders.create(order('many-taken', 'c-many', '2026-01-01'));
    const batch = Array.from({ length: 2500 }, (_, i) => order(`many-${i}`, 'c-many', '2026-01-02'));
    await expect(
      storage.orders.createMany([...batch, order('many-taken', 'c-many', '2026-01-03')]),
    ).rejects.toThrow(new AlreadyExistsError('order', 'many-taken'));
    await expect(
      storage.orders.createMany([...batch, order('many-7', 'c-many', '2026-01-03')]),
    ).rejects.toThrow(new AlreadyExistsError('order', 'many-7'));
    expect(await storage.orders.count({ customerId: 'c-many' })).toBe(1);
    const created = await storage.orders.createMany(batch);
    expect(created.map((c) => c.version)).toEqual(batch.map(() => 1));
    expect(await storage.orders.count({ customerId: 'c-many' })).toBe(2501);
  });

  it('update and delete check the version: NotFoundError, VersionConflictError, and the id must match', async () => {
    const created = await storage.customers.create({ id: 'c-ver', createdAt: '2026-01-01' });
    const updated = await storage.customers.update(
      'c-ver',
      { ...created.value, tags: ['vip'] },
      { expectedVersion: 1 },
    );
    expect(updated.version).toBe(2);
    const conflict = await storage.customers
      .update('c-ver', { ...created.value, tags: ['lost'] }, { expectedVersion: 1 })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(VersionConflictError);
    expect(conflict).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    await expect(
      storage.customers.update('nobody', { id: 'nobody', createdAt: '2026-01-01' }, { expectedVersion: 1 }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      storage.customers.update('c-ver', { ...created.value, id: 'other' }, { expectedVersion: 2 }),
    ).rejects.toThrow(ValidationError);
    await expect(storage.customers.delete('c-ver', { expectedVersion: 1 })).rejects.toThrow(
      VersionConflictError,
    );
    await storage.customers.delete('c-ver', { expectedVersion: 2 });
    expect(await storage.customers.get('c-ver')).toBeUndefined();
    await expect(storage.customers.delete('c-ver', { expectedVersion: 2 })).rejects.toThrow(NotFoundError);
  });

  it('rejects what PostgreSQL cannot store unchanged, before any SQL', async () => {
    const nul = await storage.customers
      .create({ id: 'c-nul', createdAt: '2026-01-01', name: 'a\u0000b' })
      .catch((e: unknown) => e);
    expect(nul).toBeInstanceOf(ValidationError);
    expect((nul as ValidationError).issues[0]!.path).toEqual(['name']);
    const far = await storage.orders
      .create(order('far', 'c-far', '+010000-01-01T00:00:00Z'))
      .catch((e: unknown) => e);
    expect(far).toBeInstanceOf(ValidationError);
    expect(await storage.customers.get('c-nul')).toBeUndefined();
    await expect(storage.customers.get('')).rejects.toThrow(ValidationError);
  });

  it('streams ids in code-unit order (COLLATE "C"), whatever the batch size', async () => {
    const ids = ['b', 'B', 'a', '10', '9', 'é', 'Z', '_'];
    await storage.campaigns.createMany(
      ids.map((id) => ({
        id,
        name: id,
        channel: 'collate',
        startsAt: '2026-01-01',
        spend: { amount: '1', currency: 'EUR' },
      })),
    );
    const listed = await collect(storage.campaigns.list({ channel: 'collate', batchSize: 3 }));
    expect(listed.map((c) => c.id)).toEqual(['10', '9', 'B', 'Z', '_', 'a', 'b', 'é']);
    expect(listed.map((c) => c.id)).toEqual([...ids].sort());
  });

  it('lists orders by (placedAt, id) or by customer, with from inclusive and to exclusive', async () => {
    await storage.orders.createMany([
      order('w-3', 'w-b', '2026-05-02T00:00:00Z'),
      order('w-1', 'w-a', '2026-05-01T00:00:00Z'),
      order('w-2', 'w-b', '2026-05-01T00:00:00Z'),
      order('w-4', 'w-a', '2026-05-03T00:00:00Z'),
    ]);
    const window = { from: new Date('2026-05-01T00:00:00Z'), to: new Date('2026-05-03T00:00:00Z') };
    const byTime = await collect(storage.orders.list({ ...window, batchSize: 1 }));
    expect(byTime.map((o) => o.id)).toEqual(['w-1', 'w-2', 'w-3']);
    const all = await collect(storage.orders.list({ from: window.from, orderBy: 'customer', batchSize: 2 }));
    expect(all.filter((o) => o.id.startsWith('w-')).map((o) => o.id)).toEqual(['w-1', 'w-4', 'w-2', 'w-3']);
    expect(await storage.orders.count({ ...window, customerId: 'w-b' })).toBe(2);
  });

  it('filters interactions by one type or several', async () => {
    await storage.interactions.createMany([
      { type: 'complaint', id: 'i-1', customerId: 'ci', occurredAt: '2026-06-01', reason: 'price' },
      { type: 'survey', id: 'i-2', customerId: 'ci', occurredAt: '2026-06-02', nps: 9 },
      { type: 'review', id: 'i-3', customerId: 'ci', occurredAt: '2026-06-03', rating: 4 },
    ]);
    const complaints = await collect(storage.interactions.list({ customerId: 'ci', type: 'complaint' }));
    expect(complaints.map((i) => i.id)).toEqual(['i-1']);
    expect(await storage.interactions.count({ customerId: 'ci', type: ['survey', 'review'] })).toBe(2);
  });

  it('rejects bad queries with ValidationError', async () => {
    await expect(storage.orders.list({ batchSize: 0 })[Symbol.asyncIterator]().next()).rejects.toThrow(
      ValidationError,
    );
    await expect(storage.orders.count({ from: new Date(Number.NaN) })).rejects.toThrow(ValidationError);
    await expect(storage.interactions.count({ type: 'letter' as unknown as 'complaint' })).rejects.toThrow(
      ValidationError,
    );
  });

  it('returns exactly what was stored for a customer created from a parsed value', async () => {
    const created = await storage.customers.create({
      id: 'c-parsed',
      createdAt: new Date('2026-02-03T04:05:06.789Z'),
    });
    const value: Customer = created.value;
    expect(value.createdAt.getTime()).toBe(Date.parse('2026-02-03T04:05:06.789Z'));
    expect((await storage.customers.get('c-parsed'))!.value).toEqual(value);
  });
}

describe('records on PGlite', () => recordSuite(pgliteDatabase()));

// Skipped without a server: CRMKIT_PG_URL is unset (scripts/with-postgres.sh starts one and sets it).
describe.skipIf(SERVER_URL === undefined)(`records on a PostgreSQL server (${NEEDS_SERVER})`, () =>
  recordSuite(serverDatabase(SERVER_URL ?? '')),
);
