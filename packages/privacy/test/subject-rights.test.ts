import { describe, expect, it } from 'vitest';
import { AccessDeniedError } from '../src/index';
import { actors, ada, collect, dumpStorage, grace, PII, PRIVACY_COLLECTIONS, setup } from './fixtures';

async function seed(crm: ReturnType<typeof setup>['crm']) {
  await crm.customers.createMany([ada, grace]);
  await crm.orders.create({
    id: 'o1',
    customerId: 'c1',
    placedAt: '2026-02-01T12:00:00Z',
    currency: 'EUR',
    lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }],
  });
  await crm.interactions.create({
    type: 'complaint',
    id: 'i1',
    customerId: 'c1',
    occurredAt: '2026-02-02',
    note: 'Ada Lovelace called from +44 20 7946 0958 about a late parcel',
    reason: 'delivery',
  });
  await crm.interactions.create({
    type: 'survey',
    id: 'i2',
    customerId: 'c1',
    occurredAt: '2026-02-03',
    nps: 9,
  });
  await crm.documents.put('lifecycle', 'c1', { state: 'active' });
  await crm.events.append('ledger:c1', [
    { id: 'e1', type: 'points.earned', data: { points: 9 }, occurredAt: new Date('2026-02-01T12:00:00Z') },
  ]);
  await crm.recordConsent('c1', 'marketing.email', { granted: true, source: 'checkout' });
}

const subjectData = { documents: ['lifecycle'], streams: ['ledger:{id}'] };

describe('export', () => {
  it('exports everything held about a customer as JSON, decrypted, and audits it', async () => {
    const { crm, admin } = setup({ subjectData });
    await seed(crm);
    const data = await admin.exportSubject('c1');
    expect(JSON.parse(JSON.stringify(data))).toEqual(data); // plain JSON
    expect(data).toMatchObject({
      format: 'crmkit.subject-export/1',
      customerId: 'c1',
      exportedAt: '2026-03-01T10:00:00.000Z',
      customer: {
        id: 'c1',
        name: 'Ada Lovelace',
        email: 'ada.lovelace@example.com',
        attributes: { region: 'EU-West', address: '12 St James Square, London' },
        consent: { 'marketing.email': { granted: true, at: '2026-03-01T10:00:00.000Z', source: 'checkout' } },
      },
      orders: [{ id: 'o1', total: { amount: '9', currency: 'EUR' } }],
      interactions: [
        {
          id: 'i1',
          reason: 'delivery',
          note: 'Ada Lovelace called from +44 20 7946 0958 about a late parcel',
        },
        { id: 'i2', nps: 9 },
      ],
      documents: { lifecycle: { state: 'active' } },
      streams: { 'ledger:c1': [{ id: 'e1', type: 'points.earned', data: { points: 9 } }] },
    });
    expect((data.audit as { action: string }[]).map((r) => r.action)).toEqual([
      'customer.create',
      'interaction.create',
      'consent.grant',
    ]);
    expect(Object.keys(data.customer as object)).not.toContain('__pii:email');
    const last = await collect(admin.audit.query({ action: 'subject.export' }));
    expect(last).toMatchObject([
      { actorId: 'u-admin', customerId: 'c1', fields: expect.arrayContaining(['email']) },
    ]);
  });
});

describe('erasure', () => {
  for (const mode of ['shred', 'delete'] as const) {
    it(`${mode}: leaves no personal data in any store, keeps orders, ledger and the id`, async () => {
      const { storage, crm, admin } = setup({ subjectData });
      await seed(crm);
      await expect(crm.withAccess(actors.support).eraseSubject('c1', { mode })).rejects.toBeInstanceOf(
        AccessDeniedError,
      );
      const report = await admin.eraseSubject('c1', { mode, reason: 'GDPR art. 17 request 4411' });
      expect(report).toEqual({ customerId: 'c1', mode, interactionsScrubbed: 1, indexesRemoved: 2 });

      const dump = await dumpStorage(storage, [...PRIVACY_COLLECTIONS, 'lifecycle']);
      for (const value of ['Ada Lovelace', 'ada.lovelace', '7946 0958', '1815-12-10', 'St James']) {
        expect(dump).not.toContain(value);
      }
      for (const value of PII.filter((v) => v.startsWith('Grace') || v.startsWith('grace'))) {
        expect(await admin.customers.get('c2').then((c) => JSON.stringify(c))).toContain(value);
      }
      // The key is gone: nothing can decrypt what may remain, even with full access.
      expect((await storage.documents.get('privacy.keys', 'c1'))!.data).toEqual({
        shreddedAt: '2026-03-01T10:00:00.000Z',
      });
      const after = (await admin.customers.get('c1'))!.value;
      expect(after).toMatchObject({ id: 'c1', attributes: { region: 'EU-West' }, tags: ['vip'] });
      expect(after.email).toBeUndefined();
      expect(after.name).toBeUndefined();
      expect(await crm.findCustomerIds({ email: ada.email })).toEqual([]);
      const row = (await storage.customers.get('c1'))!.value;
      const reserved = Object.keys(row.attributes).filter((k) => k.startsWith('__'));
      expect(reserved.length > 0).toBe(mode === 'shred'); // shred keeps unreadable ciphertext, delete removes it
      expect(Object.keys(row.consent)).toEqual(mode === 'shred' ? ['marketing.email'] : []);

      // Orders, ledger and non-free-text interaction data stay, still under the same id.
      expect((await storage.orders.get('o1'))!.value.customerId).toBe('c1');
      expect(await storage.events.lastSequence('ledger:c1')).toBe(1);
      expect((await storage.interactions.get('i1'))!.value).toMatchObject({ reason: 'delivery' });
      expect((await storage.interactions.get('i1'))!.value).not.toHaveProperty('note');
      const erased = await collect(admin.audit.query({ action: 'subject.erase' }));
      expect(erased).toMatchObject([
        { actorId: 'u-support', outcome: 'denied' },
        {
          actorId: 'u-admin',
          outcome: 'allowed',
          customerId: 'c1',
          reason: 'GDPR art. 17 request 4411',
          details: { mode },
        },
      ]);
      expect((await admin.audit.verify()).valid).toBe(true);
    });
  }

  it('delete() on the repository removes the row, its key and its indexes', async () => {
    const { storage, crm, admin } = setup();
    await seed(crm);
    await expect(crm.customers.delete('c1', { expectedVersion: 2 })).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
    await expect(admin.customers.delete('c1', { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    await admin.customers.delete('c1', { expectedVersion: 2 });
    expect(await storage.customers.get('c1')).toBeUndefined();
    const dump = await dumpStorage(storage, PRIVACY_COLLECTIONS);
    for (const value of ['Ada Lovelace', 'ada.lovelace', '7946 0958']) expect(dump).not.toContain(value);
    expect(await crm.findCustomerIds({ phone: ada.phone })).toEqual([]);
    await expect(admin.eraseSubject('c1', { mode: 'shred' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
