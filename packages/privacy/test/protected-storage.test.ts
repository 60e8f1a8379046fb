import { createMemoryStorage, type InteractionInput, isCrmError, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  createProtectedStorage,
  DecryptionError,
  defineClassification,
  hasConsent,
} from '../src/index';
import { actors, ada, collect, dumpStorage, grace, PII, PRIVACY_COLLECTIONS, setup } from './fixtures';

describe('encryption at rest', () => {
  it('stores no plaintext personal data in any row, and reads it back for an admin', async () => {
    const { storage, crm, admin } = setup();
    await crm.customers.createMany([ada, grace]);
    await crm.interactions.create({
      type: 'complaint',
      id: 'i1',
      customerId: 'c2',
      occurredAt: '2026-02-02',
      note: 'Grace Hopper rang from +1 202 555 0143',
    });
    const dump = await dumpStorage(storage, PRIVACY_COLLECTIONS);
    for (const value of PII) expect(dump).not.toContain(value);

    const raw = (await storage.customers.get('c1'))!.value;
    expect(raw.email).toBeUndefined();
    expect(raw.name).toBeUndefined();
    expect(raw.attributes['address']).toBeUndefined();
    expect(raw.attributes['region']).toBe('EU-West'); // internal: stored as is
    expect(String(raw.attributes['__pii:email'])).toMatch(/^pii1\.d1\.[\w-]{16}\.[\w-]+\.[\w-]{22}$/);
    // JSON '"ada.lovelace@example.com"' is 26 bytes: GCM keeps the length, base64url makes it 35 characters.
    expect(String(raw.attributes['__pii:email']).split('.')[3]).toHaveLength(35);

    const read = (await admin.customers.get('c1'))!.value;
    expect(read).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      phone: '+44 20 7946 0958',
      birthday: '1815-12-10',
      attributes: { region: 'EU-West', address: '12 St James Square, London' },
      tags: ['vip'],
    });
    expect(Object.keys(read.attributes).sort()).toEqual(['address', 'region']);
  });

  it('uses a fresh IV for every value: the same email twice gives different ciphertexts', async () => {
    const { storage, crm } = setup();
    await crm.customers.create({ ...grace, id: 'x1' });
    await crm.customers.create({ ...grace, id: 'x2' });
    const a = (await storage.customers.get('x1'))!.value.attributes['__pii:email'];
    const b = (await storage.customers.get('x2'))!.value.attributes['__pii:email'];
    expect(a).not.toBe(b);
  });

  it('rejects tampered ciphertext and ciphertext moved to another record or field', async () => {
    const { storage, crm, admin } = setup();
    await crm.customers.createMany([ada, grace]);
    const row = (await storage.customers.get('c1'))!;
    const envelope = String(row.value.attributes['__pii:email']);
    const parts = envelope.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString('base64url');
    const tampered = parts.join('.');
    const write = async (id: string, attributes: Record<string, string>) => {
      const current = (await storage.customers.get(id))!;
      await storage.customers.update(
        id,
        { ...current.value, attributes: { ...current.value.attributes, ...attributes } },
        { expectedVersion: current.version },
      );
    };

    await write('c1', { '__pii:email': tampered });
    await expect(admin.customers.get('c1')).rejects.toBeInstanceOf(DecryptionError);

    // Field swap inside one record: the name's ciphertext under the email's field.
    await write('c1', { '__pii:email': String(row.value.attributes['__pii:name']) });
    await expect(admin.customers.get('c1')).rejects.toThrow(/failed authentication/);

    // Record swap: Grace's email ciphertext copied into Ada's row.
    const graceEnvelope = (await storage.customers.get('c2'))!.value.attributes['__pii:email'];
    await write('c1', { '__pii:email': String(graceEnvelope) });
    await expect(admin.customers.get('c1')).rejects.toBeInstanceOf(DecryptionError);

    await write('c1', { '__pii:email': envelope });
    expect((await admin.customers.get('c1'))!.value.email).toBe('ada.lovelace@example.com');
  });
});

describe('access by role', () => {
  it('masks for support, withholds for analysts and the service view, shows all to admins', async () => {
    const { crm, admin } = setup();
    await crm.customers.create(ada);
    const support = (await crm.withAccess(actors.support).customers.get('c1'))!.value;
    expect(support).toMatchObject({
      name: 'A** L*******',
      email: 'a***@example.com',
      phone: '+** ** **** **58',
      birthday: '****-12-10',
      attributes: { region: 'EU-West', address: '***' },
    });
    const analyst = (await crm.withAccess(actors.analyst).customers.get('c1'))!.value;
    expect(analyst.email).toBeUndefined();
    expect(analyst.name).toBeUndefined();
    expect(analyst.attributes).toEqual({ region: 'EU-West' });
    const service = (await crm.customers.get('c1'))!.value;
    expect(service.email).toBeUndefined();
    expect((await admin.customers.get('c1'))!.value.email).toBe('ada.lovelace@example.com');
  });

  it('applies per-role masks', async () => {
    const { crm } = setup({
      roles: {
        desk: {
          fields: { public: 'read', internal: 'read', sensitive: 'masked' },
          masks: { email: 'redact' },
        },
      },
    });
    await crm.customers.create(ada);
    const seen = (await crm.withAccess({ id: 'u1', roles: ['desk'] }).customers.get('c1'))!.value;
    expect(seen.email).toBe('***');
    expect(seen.name).toBe('A** L*******');
  });

  it('denies writes to fields the role may not write, audits the denial, and writes nothing', async () => {
    const { crm, admin } = setup();
    const created = await crm.customers.create(ada);
    const support = crm.withAccess(actors.support);
    const seen = (await support.customers.get('c1'))!;
    const error = await support.customers
      .update('c1', { ...seen.value, email: 'evil@example.com' }, { expectedVersion: created.version })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ code: 'ACCESS_DENIED', action: 'customer.update', fields: ['email'] });
    expect((await admin.customers.get('c1'))!).toMatchObject({ version: 1, value: { email: ada.email } });
    const denials = await collect(admin.audit.query({ actorId: 'u-support', action: 'customer.update' }));
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatchObject({ outcome: 'denied', customerId: 'c1', fields: ['email'] });

    await expect(crm.withAccess(actors.nobody).customers.get('c1')).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(support.exportSubject('c1')).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    await expect(collect(support.audit.query())).rejects.toBeInstanceOf(AccessDeniedError);
    const all = await collect(admin.audit.query({ actorId: 'u-nobody' }));
    expect(all.map((r) => [r.action, r.outcome])).toEqual([['customer.read', 'denied']]);
  });

  it('keeps withheld and masked fields on update when the writer sent back what it saw', async () => {
    const { crm, admin } = setup({
      roles: { editor: { fields: { public: 'write', internal: 'write', sensitive: 'masked' } } },
    });
    await crm.customers.create(ada);
    const service = (await crm.customers.get('c1'))!; // sees no sensitive field
    await crm.customers.update('c1', { ...service.value, tags: ['vip', 'gold'] }, { expectedVersion: 1 });
    const editor = crm.withAccess({ id: 'u-ed', roles: ['editor'] });
    const masked = (await editor.customers.get('c1'))!;
    await editor.customers.update(
      'c1',
      { ...masked.value, tags: ['gold'] },
      { expectedVersion: masked.version },
    );
    const after = (await admin.customers.get('c1'))!;
    expect(after.version).toBe(3);
    expect(after.value).toMatchObject({ email: ada.email, name: ada.name, tags: ['gold'] });
    expect(after.value.attributes).toEqual(ada.attributes);
  });

  it('gives a plugin decrypted data only with pii.read declared and granted', async () => {
    const { crm } = setup({
      roles: { marketing: { fields: { public: 'read', internal: 'read', sensitive: 'read' } } },
    });
    await crm.customers.create(ada);
    const plugin = (declared: string[], granted: string[]) =>
      crm.withAccess({
        id: 'plugin:mailer',
        kind: 'plugin',
        roles: ['marketing'],
        declared,
        granted,
      } as never);
    expect((await plugin([], []).customers.get('c1'))!.value.email).toBe('a***@example.com');
    expect((await plugin(['pii.read'], []).customers.get('c1'))!.value.email).toBe('a***@example.com');
    expect((await plugin([], ['pii.read']).customers.get('c1'))!.value.email).toBe('a***@example.com');
    expect((await plugin(['pii.read'], ['pii.read']).customers.get('c1'))!.value.email).toBe(ada.email);
  });

  it('protects its own documents and audit stream from direct writes', async () => {
    const { crm } = setup();
    await expect(crm.documents.put('privacy.keys', 'c1', {})).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(
      crm.events.append('privacy.audit', [{ id: 'x', type: 'x', data: {}, occurredAt: new Date() }]),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    await crm.documents.put('lifecycle', 'c1', { state: 'new' });
  });
});

describe('audit trail', () => {
  it('records writes and sensitive reads with who, what, when and which fields, and verifies', async () => {
    const { crm, admin, clock } = setup();
    await crm.customers.create(ada);
    clock.advance({ minutes: 5 });
    await crm.withAccess({ ...actors.support, purpose: 'ticket 981' }).customers.get('c1');
    await crm.customers.get('c1'); // the service view reveals nothing: not audited
    const records = await collect(admin.audit.query({ customerId: 'c1' }));
    expect(records.map((r) => [r.sequence, r.actorId, r.action, r.at])).toEqual([
      [1, 'service', 'customer.create', '2026-03-01T10:00:00.000Z'],
      [2, 'u-support', 'customer.read', '2026-03-01T10:05:00.000Z'],
    ]);
    expect(records[0]!.fields).toEqual([
      'name',
      'email',
      'phone',
      'birthday',
      'tags',
      'createdAt',
      'attributes.region',
      'attributes.address',
    ]);
    expect(records[1]).toMatchObject({
      purpose: 'ticket 981',
      details: { masked: expect.arrayContaining(['email']) },
    });
    expect(records[0]!.prev).toBe('0'.repeat(64));
    expect(records[1]!.prev).toBe(records[0]!.hash);
    expect(await admin.audit.verify()).toEqual({ valid: true, records: 2, head: records[1]!.hash });
    expect(await collect(admin.audit.query({ actorId: 'u-support' }))).toHaveLength(1);
  });
});

describe('blind indexes', () => {
  it('finds customers by normalised email or phone without decrypting', async () => {
    const { crm, admin } = setup();
    await crm.customers.createMany([ada, grace, { ...grace, id: 'c3' }]);
    expect(await crm.findCustomerIds({ email: ' ADA.Lovelace@Example.com ' })).toEqual(['c1']);
    expect(await crm.findCustomerIds({ phone: '0044 (20) 7946-0958' })).toEqual(['c1']);
    expect(await crm.findCustomerIds({ email: 'grace@example.org' })).toEqual(['c2', 'c3']);
    expect(await crm.findCustomerIds({ email: 'nobody@example.org' })).toEqual([]);
    const c1 = (await admin.customers.get('c1'))!;
    await admin.customers.update(
      'c1',
      { ...c1.value, email: 'ada@new.example' },
      { expectedVersion: c1.version },
    );
    expect(await crm.findCustomerIds({ email: 'ada.lovelace@example.com' })).toEqual([]);
    expect(await crm.findCustomerIds({ email: 'ada@new.example' })).toEqual(['c1']);
    await expect(crm.findCustomerIds({} as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('consent', () => {
  it('records per-purpose consent with time and source, and hasConsent reads it', async () => {
    const { crm, admin, clock } = setup();
    await crm.customers.create(ada);
    await crm.recordConsent('c1', 'marketing.email', { granted: true, source: 'checkout' });
    clock.advance({ days: 1 });
    await crm.recordConsent('c1', 'profiling', { granted: false, source: 'preference-centre' });
    const customer = (await crm.customers.get('c1'))!.value;
    expect(customer.consent).toEqual({
      'marketing.email': { granted: true, at: new Date('2026-03-01T10:00:00Z'), source: 'checkout' },
      profiling: { granted: false, at: new Date('2026-03-02T10:00:00Z'), source: 'preference-centre' },
    });
    expect(hasConsent(customer, 'marketing.email')).toBe(true);
    expect(hasConsent(customer, 'marketing.email', { asOf: new Date('2026-02-28') })).toBe(false);
    expect(hasConsent(customer, 'profiling')).toBe(false);
    expect(hasConsent(customer, 'marketing.sms')).toBe(false);
    const history = await collect(admin.audit.query({ customerId: 'c1' }));
    expect(history.map((r) => r.action)).toEqual(['customer.create', 'consent.grant', 'consent.withdraw']);
    await expect(
      crm.withAccess(actors.support).recordConsent('c1', 'profiling', { granted: true }),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(crm.recordConsent('c1', '', { granted: true })).rejects.toBeInstanceOf(ValidationError);
    await expect(crm.recordConsent('zz', 'profiling', { granted: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('data minimisation on import', () => {
  it('drops undeclared attributes and keys, reports them, and imports all or nothing', async () => {
    const { crm, admin } = setup({
      classification: defineClassification({
        fields: { email: 'sensitive' },
        attributes: { loyaltyNo: 'internal' },
      }),
    });
    const report = await crm.importCustomers([
      {
        id: 'i1',
        email: 'a@example.com',
        createdAt: '2026-01-01',
        attributes: { region: 'EU', shoeSize: 42, loyaltyNo: 'L1' },
      },
      { id: 'i2', createdAt: '2026-01-02', fax: '+1 555', attributes: { shoeSize: 40 } },
      { id: 'i3', createdAt: '2026-01-03' },
    ]);
    expect(report).toEqual({
      imported: 3,
      dropped: [
        { index: 0, id: 'i1', paths: ['attributes.shoeSize'] },
        { index: 1, id: 'i2', paths: ['fax', 'attributes.shoeSize'] },
      ],
      droppedPaths: { 'attributes.shoeSize': 2, fax: 1 },
    });
    expect((await admin.customers.get('i1'))!.value.attributes).toEqual({ region: 'EU', loyaltyNo: 'L1' });
    const bad = await crm
      .importCustomers([
        { id: 'i4', createdAt: '2026-01-01' },
        { id: 'i5', createdAt: 'yesterday' },
      ])
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]!.path).toEqual([1, 'createdAt']);
    expect(await crm.customers.get('i4')).toBeUndefined();
    await expect(crm.withAccess(actors.support).importCustomers([])).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });
});

describe('validation at every entry point', () => {
  it('throws ValidationError naming the field, and writes nothing', async () => {
    const { crm, storage } = setup();
    await expect(crm.customers.create({ ...ada, email: 'not-an-email' })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['email'] })],
    });
    await expect(
      crm.customers.create({ ...ada, attributes: { '__pii:email': 'x' } } as never),
    ).rejects.toMatchObject({ issues: [expect.objectContaining({ path: ['attributes', '__pii:email'] })] });
    await expect(crm.eraseSubject('c1', { mode: 'burn' } as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(crm.rotateKeys({ batchSize: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(crm.exportSubject('' as string)).rejects.toBeInstanceOf(ValidationError);
    await expect(crm.withTransaction(null as never)).rejects.toBeInstanceOf(ValidationError);
    expect(() => crm.withAccess({ id: '' })).toThrow(ValidationError);
    expect(await storage.customers.count()).toBe(0);
    expect(await storage.events.lastSequence('privacy.audit')).toBe(0);
  });

  it('validates the options of createProtectedStorage', () => {
    const issues = (options: unknown, storage: unknown = createMemoryStorage()) => {
      try {
        createProtectedStorage(storage as never, options as never);
      } catch (e) {
        return (e as ValidationError).issues.map((i) => i.path.join('.'));
      }
      return [];
    };
    expect(issues({ keys: {}, indexKey: new Uint8Array(8), clock: {} })).toEqual([
      'keys',
      'indexKey',
      'clock',
    ]);
    expect(issues({}, null)).toEqual(['storage']);
    const { crm } = setup();
    expect(crm.actor).toMatchObject({ id: 'service', kind: 'system', roles: ['service'] });
    expect(() => setup({ subjectData: { streams: ['ledger'] } })).toThrow(/must contain \{id\}/);
    expect(() => setup({ roles: { x: { fields: { secret: 'read' } } as never } })).toThrow(ValidationError);
  });

  it('rolls back the customer, its key and its index together when a write fails', async () => {
    const { crm, storage } = setup();
    await crm.customers.create(ada);
    await expect(crm.customers.createMany([{ ...grace, id: 'n1' }, { ...ada }])).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(await storage.documents.get('privacy.keys', 'n1')).toBeUndefined();
    expect(await crm.findCustomerIds({ email: grace.email })).toEqual([]);
    expect(
      isCrmError(await crm.customers.update('zz', ada, { expectedVersion: 1 }).catch((e) => e), 'NOT_FOUND'),
    ).toBe(true);
  });
});

describe('transactions', () => {
  it('audits a denial inside a transaction even though the transaction rolls back', async () => {
    const { crm, admin } = setup();
    await crm.customers.create(ada);
    const support = crm.withAccess(actors.support);
    await expect(
      support.withTransaction(async (tx) => {
        const c = (await tx.customers.get('c1'))!;
        await tx.customers.update('c1', { ...c.value, name: 'X' }, { expectedVersion: c.version });
      }),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    const records = await collect(admin.audit.query({ actorId: 'u-support' }));
    expect(records.map((r) => [r.action, r.outcome])).toEqual([['customer.update', 'denied']]);
    expect((await admin.audit.verify()).valid).toBe(true);
  });
});

it('works over a fresh memory storage with default options', async () => {
  const { crm } = setup({}, createMemoryStorage());
  expect(await crm.customers.count()).toBe(0);
});

describe('host guard API', () => {
  it('authorizes host operations by capability and audits denials', async () => {
    const { crm, admin } = setup();
    const plugin = crm.withAccess({
      id: 'plugin:exporter',
      kind: 'plugin',
      roles: ['analyst'],
      declared: ['subject.export'],
      granted: [],
    });
    await expect(
      plugin.authorize('subject.export', { action: 'plugin.export', customerId: 'c9' }),
    ).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      action: 'plugin.export',
    });
    await admin.authorize('subject.export');
    await expect(admin.authorize('fly' as never)).rejects.toBeInstanceOf(ValidationError);
    expect(await collect(admin.audit.query({ actorId: 'plugin:exporter' }))).toMatchObject([
      { action: 'plugin.export', outcome: 'denied', customerId: 'c9', actorKind: 'plugin' },
    ]);
  });
});

describe('interaction free text', () => {
  const complaint = {
    type: 'complaint' as const,
    id: 'i1',
    customerId: 'c1',
    occurredAt: '2026-02-02',
    note: 'Ada Lovelace called from +44 20 7946 0958',
    reason: 'delivery' as const,
  };

  it('is encrypted under the customer key and shown decrypted, masked or withheld by role', async () => {
    const { storage, crm, admin } = setup();
    await crm.customers.create(ada);
    await crm.interactions.create(complaint);
    const raw = (await storage.interactions.get('i1'))!.value;
    expect(raw.note).toMatch(/^pii1\.d1\./);
    expect(JSON.stringify(raw)).not.toContain('Lovelace');
    expect((await admin.interactions.get('i1'))!.value.note).toBe(complaint.note);
    expect((await crm.withAccess(actors.support).interactions.get('i1'))!.value.note).toBe('***');
    expect((await crm.withAccess(actors.analyst).interactions.get('i1'))!.value).not.toHaveProperty('note');
    expect(await collect(crm.interactions.list())).toEqual([
      expect.not.objectContaining({ note: expect.anything() }),
    ]);
    const reads = await collect(admin.audit.query({ action: 'interaction.read' }));
    expect(reads.map((r) => [r.actorId, r.fields])).toEqual([
      ['u-admin', ['interaction.note']],
      ['u-support', []],
    ]);
  });

  it('keeps the note when a writer without access sends back what it saw, denies changing it', async () => {
    const { crm, admin } = setup({
      roles: { desk: { fields: { public: 'write', internal: 'write', sensitive: 'masked' } } },
    });
    await crm.customers.create(ada);
    await crm.interactions.create(complaint);
    const desk = crm.withAccess({ id: 'u-desk', roles: ['desk'] });
    const seen = (await desk.interactions.get('i1'))!;
    await desk.interactions.update('i1', { ...seen.value, reason: 'price' } as InteractionInput, {
      expectedVersion: seen.version,
    });
    expect((await admin.interactions.get('i1'))!.value).toMatchObject({
      reason: 'price',
      note: complaint.note,
    });
    await expect(
      desk.interactions.update('i1', { ...seen.value, note: 'changed' }, { expectedVersion: 2 }),
    ).rejects.toMatchObject({ code: 'ACCESS_DENIED', fields: ['interaction.note'] });
    await expect(
      desk.interactions.create({ ...complaint, id: 'i2', note: 'new note' }),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await admin.interactions.get('i2')).toBeUndefined();
  });

  it('rejects a note too long to store encrypted, naming the field', async () => {
    const { crm } = setup();
    await expect(crm.interactions.create({ ...complaint, note: 'x'.repeat(9000) })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['note'] })],
    });
  });
});

describe('properties', () => {
  it('never stores a customer name or email in plaintext, and reads both back (property)', async () => {
    const { storage, crm, admin } = setup();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[A-Z][a-z]{11,20}$/),
        fc.stringMatching(/^[a-z]{10,16}$/),
        async (name, local) => {
          const id = `p${++n}`;
          const email = `${local}@example.com`;
          await crm.customers.create({ id, name, email, createdAt: '2026-01-01' });
          const stored = JSON.stringify((await storage.customers.get(id))!.value);
          expect(stored).not.toContain(name);
          expect(stored).not.toContain(local);
          expect((await admin.customers.get(id))!.value).toMatchObject({ name, email });
        },
      ),
      { numRuns: 40 },
    );
  });
});
