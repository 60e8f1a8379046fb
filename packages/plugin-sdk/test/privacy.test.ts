import {
  CrmError,
  type Customer,
  createManualClock,
  createMemoryStorage,
  createSeededRandom,
  type Interaction,
  type Storage,
  sequentialIds,
  ValidationError,
} from '@crmkit/core';
import {
  AccessDeniedError,
  type AuditRecord,
  createProtectedStorage,
  createStaticKeyProvider,
  seededRandomBytes,
} from '@crmkit/privacy';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  allowList,
  type Capability,
  CapabilityDeniedError,
  type CrmOptions,
  createCrm,
  createTestHost,
  definePlugin,
  type LoyaltyPluginConfig,
  loyaltyPlugin,
  type PluginContext,
} from '../src/index';
import { order, SDK_RANGE } from './fixtures';

const ada = {
  id: 'c1',
  name: 'Ada Lovelace',
  email: 'ada.lovelace@example.com',
  phone: '+44 20 7946 0958',
  birthday: '1990-01-03',
  attributes: { region: 'EU-West', address: '12 St James Square, London' },
  createdAt: '2026-01-01T09:00:00Z',
};
const note = 'Called from +44 20 7946 0958 about a broken mug';
/** Every plaintext personal value above: none may reach the adapter. */
const PII = ['Ada Lovelace', 'ada.lovelace', '7946 0958', '1990-01-03', 'St James', 'broken mug'];

const admin = { id: 'u-admin', roles: ['admin'] };
const support = { id: 'u-support', roles: ['support'] };
const analyst = { id: 'u-analyst', roles: ['analyst'] };
const nobody = { id: 'u-nobody', roles: [] };

/** A plugin that keeps the customers and interactions it is given, and its context. */
function probe(name: string, capabilities: Capability[]) {
  let ctx: PluginContext<undefined> | undefined;
  const customers: Customer[] = [];
  const interactions: Interaction[] = [];
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    sdk: SDK_RANGE,
    capabilities,
    configSchema: z.undefined(),
    setup(c) {
      ctx = c;
      c.on('customer.created', (event) => void customers.push(event.data.customer as Customer));
      c.on('interaction.recorded', (event) => void interactions.push(event.data.interaction));
    },
  });
  return { plugin, customers, interactions, ctx: () => ctx! };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function dump(base: Storage): Promise<string> {
  return JSON.stringify([
    await collect(base.customers.list()),
    await collect(base.interactions.list()),
    await collect(base.events.readAll()),
    ...(await Promise.all(['privacy.keys', 'privacy.index'].map((c) => collect(base.documents.list(c))))),
  ]);
}

async function start(options: Partial<CrmOptions> = {}) {
  const clock = createManualClock('2026-01-02T10:00:00Z');
  const base = createMemoryStorage();
  const storage = createProtectedStorage(base, {
    keys: createStaticKeyProvider({
      keys: { 'master-1': new Uint8Array(32).fill(1) },
      activeKeyId: 'master-1',
      randomBytes: seededRandomBytes(createSeededRandom('wrap')),
    }),
    indexKey: new Uint8Array(32).fill(7),
    clock,
    randomBytes: seededRandomBytes(createSeededRandom('privacy')),
  });
  const crm = await createCrm({ clock, storage, ids: sequentialIds('evt'), ...options });
  const audit = async (query: { actorId?: string } = {}): Promise<AuditRecord[]> =>
    collect(storage.withAccess(admin).audit.query(query));
  return { clock, base, storage, crm, audit };
}

describe('the host over a protected storage', () => {
  it('encrypts sensitive fields before they reach the adapter and keeps them out of the outbox', async () => {
    const { base, crm } = await start();
    const events: unknown[] = [];
    crm.on('*', (event) => void events.push(event.data));

    const created = await crm.recordCustomer(ada);
    await crm.recordInteraction({
      id: 'i1',
      type: 'complaint',
      customerId: 'c1',
      occurredAt: '2026-01-02T10:00:00Z',
      note,
    });
    await crm.recordOrder(order('o1', 'c1', '12.00'));

    const stored = (await base.customers.get('c1'))!.value;
    expect(stored.email).toBeUndefined();
    expect(stored.attributes['__pii:email']).toMatch(/^pii1\./);
    expect(stored.attributes['__pii:attributes.address']).toMatch(/^pii1\./);
    expect(stored.attributes['region']).toBe('EU-West');
    expect((await base.interactions.get('i1'))!.value).toMatchObject({
      note: expect.stringMatching(/^pii1\./),
    });
    const raw = await dump(base);
    for (const value of PII) expect(raw).not.toContain(value);

    // The host's own actor (the storage's `service`) writes everything and reads no sensitive field.
    expect(created).not.toHaveProperty('email');
    expect(created.attributes).toEqual({ region: 'EU-West' });
    const listened = JSON.stringify(events);
    for (const value of PII) expect(listened).not.toContain(value);

    const full = await crm.as(admin).getCustomer('c1');
    expect(full).toMatchObject({ email: 'ada.lovelace@example.com', birthday: '1990-01-03' });
    expect(full?.attributes).toEqual({ region: 'EU-West', address: '12 St James Square, London' });
  });

  it('checks facade calls against the caller’s roles; denials are typed and audited', async () => {
    const { base, crm, audit } = await start();
    await crm.recordCustomer(ada);

    expect(await crm.as(support).getCustomer('c1')).toMatchObject({
      email: 'a***@example.com',
      name: 'A** L*******',
      phone: '+** ** **** **58',
    });
    const forAnalyst = await crm.as(analyst).getCustomer('c1');
    expect(forAnalyst).toMatchObject({ id: 'c1', attributes: { region: 'EU-West' } });
    expect(forAnalyst).not.toHaveProperty('email');
    expect((await crm.as(analyst).statsOf('c1')).orderCount).toBe(0);

    const denied = await crm
      .as(nobody)
      .getCustomer('c1')
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect(denied).toMatchObject({ code: 'ACCESS_DENIED', actorId: 'u-nobody', action: 'customer.read' });
    await expect(crm.as(nobody).statsOf('c1')).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      action: 'customer.stats',
    });
    await expect(crm.as(nobody).clv.fit()).rejects.toMatchObject({ action: 'clv.fit' });

    // Support may read, not write: no order, no changed email, nothing stored.
    await expect(crm.as(support).recordOrder(order('o1', 'c1'))).rejects.toMatchObject({
      code: 'ACCESS_DENIED',
      action: 'order.create',
    });
    await expect(
      crm.as(support).recordCustomer({ ...ada, email: 'someone@example.com' }),
    ).rejects.toMatchObject({ action: 'customer.update', fields: ['email'] });
    expect(await base.orders.count()).toBe(0);
    expect((await crm.as(admin).getCustomer('c1'))?.email).toBe('ada.lovelace@example.com');

    const denials = (await audit())
      .filter((r) => r.outcome === 'denied')
      .map((r) => [r.actorId, r.action, r.customerId ?? null, r.fields]);
    expect(denials).toEqual([
      ['u-nobody', 'customer.read', 'c1', []],
      ['u-nobody', 'customer.stats', 'c1', []],
      ['u-nobody', 'clv.fit', null, []],
      ['u-support', 'order.create', 'c1', []],
      ['u-support', 'customer.update', 'c1', ['email']],
    ]);
    // The support read was audited with the fields it saw masked.
    expect((await audit({ actorId: 'u-support' }))[0]).toMatchObject({
      action: 'customer.read',
      outcome: 'allowed',
      details: { masked: expect.arrayContaining(['email', 'name', 'phone']) },
    });
    expect((await crm.privacy!.withAccess(admin).audit.verify()).valid).toBe(true);
  });

  it('gives a plugin clear PII only when it declared customers:pii and the host granted it', async () => {
    const clear = probe('clear', ['customers:read', 'customers:pii']);
    const masked = probe('masked', ['customers:read', 'customers:pii']);
    const withheld = probe('withheld', ['customers:read']);
    const none = probe('none', []);
    const { crm, audit } = await start({
      plugins: [clear.plugin(), masked.plugin(), withheld.plugin(), none.plugin()],
      accessPolicy: allowList({ clear: '*', masked: ['customers:read'], withheld: '*', none: '*' }),
      privacy: { pluginRoles: { withheld: ['analyst'] } },
    });
    await crm.recordCustomer(ada);
    await crm.recordInteraction({
      id: 'i1',
      type: 'complaint',
      customerId: 'c1',
      occurredAt: '2026-01-02T10:00:00Z',
      note,
    });

    // Events.
    expect(clear.customers[0]).toMatchObject({ email: 'ada.lovelace@example.com', birthday: '1990-01-03' });
    expect(clear.customers[0]?.attributes).toEqual({
      region: 'EU-West',
      address: '12 St James Square, London',
    });
    expect(clear.interactions[0]?.note).toBe(note);
    expect(masked.customers[0]).toMatchObject({
      email: 'a***@example.com',
      birthday: '****-01-03',
      attributes: { region: 'EU-West', address: '***' },
    });
    expect(masked.interactions[0]?.note).toBe('***');
    expect(withheld.customers[0]).not.toHaveProperty('email');
    expect(withheld.customers[0]?.attributes).toEqual({ region: 'EU-West' });
    expect(withheld.interactions[0]).not.toHaveProperty('note');
    // Events carry the customer as the plugin's role sees it, even without customers:read.
    expect(none.customers[0]?.email).toBe('a***@example.com');

    // Reads.
    expect((await clear.ctx().customers.get('c1'))?.email).toBe('ada.lovelace@example.com');
    expect((await masked.ctx().customers.get('c1'))?.email).toBe('a***@example.com');
    expect(await withheld.ctx().customers.get('c1')).not.toHaveProperty('email');
    const error = await none
      .ctx()
      .customers.get('c1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapabilityDeniedError);
    expect(error).toMatchObject({ code: 'CAPABILITY_DENIED', plugin: 'none', capability: 'customers:read' });

    const records = await audit();
    expect(
      records.filter((r) => r.outcome === 'denied').map((r) => [r.actorId, r.action, r.customerId ?? null]),
    ).toEqual([
      ['plugin:masked', 'plugin.capability', null],
      ['plugin:none', 'customers.get', 'c1'],
    ]);
    expect(records.find((r) => r.actorId === 'plugin:masked' && r.outcome === 'denied')?.reason).toBe(
      "customers:pii not granted: not in the host's allow list for masked",
    );
    expect(records.find((r) => r.actorId === 'plugin:none' && r.outcome === 'denied')?.reason).toBe(
      'needs capability customers:read: the plugin did not declare it',
    );
    // Every clear read by the granted plugin is in the trail, with the fields it saw.
    const clearReads = records.filter((r) => r.actorId === 'plugin:clear' && r.action === 'customer.read');
    expect(clearReads).toHaveLength(2); // the event delivery and ctx.customers.get
    expect(clearReads[0]?.fields).toEqual(expect.arrayContaining(['email', 'name', 'attributes.address']));
    expect(records.some((r) => r.actorId === 'plugin:clear' && r.action === 'interaction.read')).toBe(true);
  });

  it('does not grant customers:pii by default: the access policy must name it', async () => {
    const asks = probe('asks', ['customers:read', 'customers:pii']);
    const { crm } = await start({ plugins: [asks.plugin()] });
    await crm.recordCustomer(ada);
    expect([...asks.ctx().capabilities]).toEqual(['customers:read']);
    expect(asks.customers[0]?.email).toBe('a***@example.com');
  });

  it('runs the loyalty plugin on decrypted birthdays only when PII is granted', async () => {
    const config: LoyaltyPluginConfig = {
      program: {
        id: 'club',
        earning: {
          rates: [{ currency: 'EUR', points: 1 }],
          rules: [
            {
              id: 'birthday',
              label: 'Birthday x2',
              when: { fact: 'customer.birthday', op: 'sameDayOfYear', value: { fact: 'order.placedAt' } },
              multiplier: 2,
            },
          ],
        },
        tiers: {
          metric: 'points',
          window: { kind: 'rolling', months: 12 },
          levels: [{ id: 'member', name: 'Member', threshold: 0 }],
        },
        rewards: [],
      },
    };
    const balances: number[] = [];
    for (const accessPolicy of [allowList({ loyalty: '*' }), undefined]) {
      const { crm } = await start({
        plugins: [loyaltyPlugin(config)],
        ...(accessPolicy ? { accessPolicy } : {}),
      });
      await crm.recordCustomer(ada);
      await crm.recordOrder({ ...order('o1', 'c1', '50.00', 2), status: 'paid' }); // 2026-01-03: her birthday
      balances.push((await crm.api(loyaltyPlugin).balance('c1')).balance);
    }
    expect(balances).toEqual([100, 50]);
  });

  it('leaves no PII anywhere in the adapter after erasure, outbox included', async () => {
    const clear = probe('clear', ['customers:read', 'customers:pii']);
    const { base, crm } = await start({ plugins: [clear.plugin()], accessPolicy: allowList({ clear: '*' }) });
    await crm.recordCustomer(ada);
    await crm.recordCustomer({ ...ada, email: 'ada@example.org' });
    await crm.privacy!.withAccess(admin).eraseSubject('c1', { mode: 'shred', reason: 'GDPR art. 17' });
    const raw = await dump(base);
    for (const value of [...PII, 'ada@example.org']) expect(raw).not.toContain(value);
    // A later read by the plugin finds nothing personal either.
    expect(await clear.ctx().customers.get('c1')).not.toHaveProperty('email');
  });

  it('validates the privacy options and refuses crm.as without privacy', async () => {
    const host = await createTestHost();
    const error = (() => {
      try {
        host.crm.as(admin);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CrmError);
    expect(error).toMatchObject({ code: 'PRIVACY_NOT_CONFIGURED' });

    const clock = createManualClock('2026-01-01T00:00:00Z');
    const bad = await createCrm({ clock, privacy: {} }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toEqual(['privacy']);

    const p = probe('p', []);
    const unknown = await start({
      plugins: [p.plugin()],
      privacy: { pluginRoles: { ghost: ['analyst'] } },
    }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ValidationError);
    expect((unknown as ValidationError).issues[0]).toMatchObject({
      path: ['privacy', 'pluginRoles', 'ghost'],
      message: 'is not a registered plugin',
    });

    const { crm } = await start();
    expect(() => crm.as({ id: '' })).toThrow(ValidationError);
    await expect(crm.as(admin).getCustomer('')).rejects.toBeInstanceOf(ValidationError);
  });
});
