import { createPostgresStorage, type PostgresStorage } from '@crmkit/adapter-postgres';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DecryptionError, verifyAuditChain } from '../src/index';
import { ada, grace, PII, setup } from './fixtures';

// PGlite takes seconds to start and shares two cores with every other test file.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const db = new PGlite();
afterAll(() => db.close());
let counter = 0;

async function postgresStorage(): Promise<PostgresStorage> {
  counter += 1;
  const storage = createPostgresStorage({
    client: db,
    schema: `privacy_${process.pid}_${counter}`,
    closeClient: false,
  });
  await storage.migrate();
  return storage;
}

/** Every row of every crmkit table in the schema, as text. */
async function dumpSchema(schema: string): Promise<string> {
  const tables = ['customers', 'orders', 'interactions', 'documents', 'events', 'idempotency_keys'];
  const parts: string[] = [];
  for (const table of tables) {
    const { rows } = await db.query(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${table}" t`);
    parts.push(...rows.map((r) => String((r as { row: string }).row)));
  }
  return parts.join('\n');
}

describe('on PostgreSQL (PGlite)', () => {
  let storage: PostgresStorage;
  beforeAll(async () => {
    storage = await postgresStorage();
  });

  it('stores ciphertext only: no plaintext personal data in any table', async () => {
    const { crm, admin } = setup({}, storage);
    await crm.customers.createMany([ada, grace], { idempotencyKey: 'import-1' });
    await crm.interactions.create({
      type: 'survey',
      id: 'i1',
      customerId: 'c1',
      occurredAt: '2026-02-03',
      nps: 9,
      comment: 'Ada Lovelace says: lovely tea',
    });
    const dump = await dumpSchema(storage.schema);
    expect(dump).toContain('__pii:email');
    for (const value of PII) expect(dump).not.toContain(value);
    expect((await admin.customers.get('c1'))!.value.email).toBe(ada.email);
    expect((await admin.interactions.get('i1'))!.value).toMatchObject({
      comment: 'Ada Lovelace says: lovely tea',
    });
    expect(await crm.findCustomerIds({ email: 'GRACE@example.org' })).toEqual(['c2']);
  });

  it('rejects ciphertext tampered with in the database', async () => {
    const s = await postgresStorage();
    const { crm, admin } = setup({}, s);
    await crm.customers.createMany([ada, grace]);
    await db.query(
      `UPDATE "${s.schema}".customers
         SET data = jsonb_set(data, '{attributes,__pii:email}', data->'attributes'->'__pii:phone')
       WHERE id = 'c1'`,
    );
    await expect(admin.customers.get('c1')).rejects.toBeInstanceOf(DecryptionError);
    // Grace's row was not touched and still reads.
    expect((await admin.customers.get('c2'))!.value.email).toBe(grace.email);
  });

  it('detects an audit event edited in the database', async () => {
    const s = await postgresStorage();
    const { crm, admin } = setup({}, s);
    await crm.customers.create(ada);
    await admin.customers.get('c1');
    await admin.customers.get('c1');
    expect(await admin.audit.verify()).toMatchObject({ valid: true, records: 3 });
    await db.query(
      `UPDATE "${s.schema}".events SET data = jsonb_set(data, '{actorId}', '"someone-else"')
       WHERE stream = 'privacy.audit' AND sequence = 2`,
    );
    expect(await admin.audit.verify()).toEqual({
      valid: false,
      records: 1,
      sequence: 2,
      reason: 'hash does not match the entry',
    });
    expect(await verifyAuditChain(s.events.read('privacy.audit'))).toMatchObject({
      valid: false,
      sequence: 2,
    });
  });

  it('erases a customer: no personal data left in any table, orders kept', async () => {
    const s = await postgresStorage();
    const { crm, admin } = setup({}, s);
    await crm.customers.createMany([ada, grace]);
    await crm.orders.create({
      id: 'o1',
      customerId: 'c1',
      placedAt: '2026-02-01T12:00:00Z',
      currency: 'EUR',
      lines: [{ sku: 'tea', quantity: 1, unitPrice: '4.50' }],
    });
    await crm.interactions.create({
      type: 'complaint',
      id: 'i1',
      customerId: 'c1',
      occurredAt: '2026-02-02',
      note: 'Ada Lovelace wants a refund',
    });
    await admin.eraseSubject('c1', { mode: 'delete' });
    const dump = await dumpSchema(s.schema);
    for (const value of ['Ada Lovelace', 'ada.lovelace', '7946 0958', '1815-12-10', 'St James']) {
      expect(dump).not.toContain(value);
    }
    expect((await s.orders.get('o1'))!.value.customerId).toBe('c1');
    expect((await admin.customers.get('c2'))!.value.name).toBe('Grace Hopper');
    expect((await admin.audit.verify()).valid).toBe(true);
  });
});
