import {
  createManualClock,
  createMemoryStorage,
  createSeededRandom,
  sequentialIds,
  ValidationError,
} from '@crmkit/core';
import {
  type AuditRecord,
  type ConsentPurpose,
  createProtectedStorage,
  createStaticKeyProvider,
  seededRandomBytes,
} from '@crmkit/privacy';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConsentRequiredError,
  type CrmOptions,
  churnAlertPlugin,
  createCrm,
  createTestHost,
  definePlugin,
  type LoyaltyPluginConfig,
  loyaltyPlugin,
  PluginConfigError,
  type PluginContext,
} from '../src/index';
import { order, SDK_RANGE } from './fixtures';

const admin = { id: 'u-admin', roles: ['admin'] };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A plugin contributing one segment (customers with at least one order); it keeps its context. */
function segments() {
  let ctx: PluginContext<undefined> | undefined;
  const plugin = definePlugin({
    name: 'segments',
    version: '1.0.0',
    sdk: SDK_RANGE,
    configSchema: z.undefined(),
    setup(c) {
      ctx = c;
      c.contribute('segment', {
        id: 'buyers',
        name: 'Buyers',
        when: { fact: 'stats.orderCount', op: 'gte', value: 1 },
      });
    },
  });
  return { plugin, ctx: () => ctx! };
}

async function start(options: Partial<CrmOptions> = {}) {
  const clock = createManualClock('2026-01-02T10:00:00Z');
  const storage = createProtectedStorage(createMemoryStorage(), {
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
  const consent = (customerId: string, purpose: ConsentPurpose, granted = true) =>
    storage.recordConsent(customerId, purpose, { granted, source: granted ? 'signup' : 'unsubscribe-link' });
  const denials = async (action: string): Promise<AuditRecord[]> =>
    (await collect(storage.withAccess(admin).audit.query({}))).filter(
      (r) => r.outcome === 'denied' && r.action === action,
    );
  return { clock, storage, crm, consent, denials };
}

const customer = (id: string) => ({ id, email: `${id}@example.com`, createdAt: '2026-01-01T09:00:00Z' });

describe('consent: facade profiling queries', () => {
  it('does not segment or score a customer without profiling consent, read at each call', async () => {
    const seg = segments();
    const { crm, consent, denials } = await start({ plugins: [seg.plugin()] });
    for (const id of ['c1', 'c2']) {
      await crm.recordCustomer(customer(id));
      await crm.recordOrder(order(`o-${id}`, id, '20.00', 0));
    }
    await consent('c1', 'profiling');

    expect((await crm.segmentsOf('c1')).map((s) => s.id)).toEqual(['buyers']);
    expect(await crm.segmentsOf('c2')).toEqual([]); // in "Buyers" by its orders, but not profiled
    expect(await crm.as({ id: 'u-analyst', roles: ['analyst'] }).segmentsOf('c2')).toEqual([]);
    const skips = await denials('customer.segments');
    expect(skips.map((r) => [r.actorId, r.customerId, r.reason, r.fields])).toEqual([
      ['service', 'c2', 'no profiling consent', ['consent.profiling']],
      ['u-analyst', 'c2', 'no profiling consent', ['consent.profiling']],
    ]);

    const error = await crm.clv.forCustomer('c2', {} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect(error).toMatchObject({ code: 'CONSENT_REQUIRED', customerId: 'c2', purpose: 'profiling' });

    // Withdrawal takes effect at the next call, with no cache in between.
    await consent('c1', 'profiling', false);
    expect(await crm.segmentsOf('c1')).toEqual([]);
    expect((await denials('customer.segments')).map((r) => r.customerId)).toEqual(['c2', 'c2', 'c1']);
    await expect(crm.segmentsOf('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is a no-op without privacy unless consent: enforce is set', async () => {
    const plain = segments();
    const host = await createTestHost({ plugins: [plain.plugin()] });
    await host.crm.recordCustomer(customer('c1'));
    await host.crm.recordOrder(order('o1', 'c1'));
    expect((await host.crm.segmentsOf('c1')).map((s) => s.id)).toEqual(['buyers']);
    expect(plain.ctx().consent.enforced).toBe(false);
    expect(await plain.ctx().consent.check('c1', 'marketing.email')).toBe(true);

    const strict = segments();
    const crm = await createCrm({
      clock: createManualClock('2026-01-02T00:00:00Z'),
      plugins: [strict.plugin()],
      consent: 'enforce',
    });
    await crm.recordCustomer({
      ...customer('c1'),
      consent: { profiling: { granted: true, at: '2026-01-01T00:00:00Z', source: 'signup' } },
    });
    await crm.recordCustomer(customer('c2'));
    for (const id of ['c1', 'c2']) await crm.recordOrder(order(`o-${id}`, id));
    expect((await crm.segmentsOf('c1')).map((s) => s.id)).toEqual(['buyers']);
    expect(await crm.segmentsOf('c2')).toEqual([]);
    expect(await strict.ctx().consent.check('c2', 'profiling')).toBe(false);
  });

  it('validates the consent option and plugin checks', async () => {
    const clock = createManualClock('2026-01-02T00:00:00Z');
    const bad = await createCrm({ clock, consent: 'sometimes' as never }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toEqual(['consent']);

    const seg = segments();
    await start({ plugins: [seg.plugin()] });
    const ctx = seg.ctx();
    await expect(ctx.consent.check('', 'profiling')).rejects.toMatchObject({
      issues: [{ path: ['customerId'] }],
    });
    await expect(ctx.consent.check('c1', '' as ConsentPurpose)).rejects.toBeInstanceOf(ValidationError);
    expect(await ctx.consent.check('unknown', 'profiling')).toBe(false);
  });
});

describe('consent: churn playbooks', () => {
  const plugin = () =>
    churnAlertPlugin({
      populationAlertRate: 0.05,
      playbooks: [
        {
          id: 'win-back',
          level: 'high',
          steps: [
            { action: 'email', payload: { template: 'we-miss-you' } },
            { action: 'assign-owner' },
            { action: 'text', channel: 'sms', afterDays: 7 },
          ],
        },
      ],
    });

  it('evaluates only profiled customers and contacts only those who consent to the channel', async () => {
    const { crm, clock, consent, denials } = await start({ plugins: [plugin()] });
    for (const id of ['c1', 'c2', 'c3']) {
      await crm.recordCustomer(customer(id));
      await crm.recordOrder(order(`o-${id}`, id, '10.00', 0)); // 2026-01-01
    }
    await consent('c1', 'profiling');
    await consent('c1', 'marketing.email');
    await consent('c3', 'profiling'); // c3: no marketing consent; c2: no consent at all
    const events: { type: string; data: unknown }[] = [];
    crm.on('*', (e) => void events.push({ type: e.type, data: e.data }));
    const churn = crm.api(churnAlertPlugin);

    clock.set('2026-04-11T00:00:00Z'); // 100 days since every last order: all "high"
    expect(await churn.evaluate()).toEqual({
      customers: 2,
      byLevel: { high: 2 },
      changes: 2,
      skipped: 1,
      winBacks: 3,
      suppressed: 1,
    });
    expect(
      events
        .filter((e) => e.type === 'churn.alert')
        .map((e) => (e.data as { customerId: string }).customerId),
    ).toEqual(['c1', 'c3']);
    expect(events.filter((e) => e.type === 'churn.win-back').map((e) => e.data)).toEqual([
      {
        customerId: 'c1',
        level: 'high',
        playbook: 'win-back',
        step: 0,
        action: 'email',
        channel: 'email',
        payload: { template: 'we-miss-you' },
      },
      {
        customerId: 'c1',
        level: 'high',
        playbook: 'win-back',
        step: 1,
        action: 'assign-owner',
        channel: null,
        payload: null,
      },
      {
        customerId: 'c3',
        level: 'high',
        playbook: 'win-back',
        step: 1,
        action: 'assign-owner',
        channel: null,
        payload: null,
      },
    ]);
    expect(events.find((e) => e.type === 'churn.population-alert')?.data).toEqual({
      level: 'high',
      rate: 1,
      threshold: 0.05,
      customers: 2,
      skipped: 1,
    });
    expect(await churn.levelOf('c2')).toBeUndefined();
    expect((await denials('churn.win-back')).map((r) => [r.actorId, r.customerId, r.reason])).toEqual([
      ['plugin:churn-alert', 'c3', 'no marketing.email consent'],
    ]);

    // A week later the SMS step is due: c1 now consents to SMS, c3 still does not. Steps run once.
    await consent('c1', 'marketing.sms');
    clock.set('2026-04-18T00:00:00Z');
    const week = await churn.evaluate();
    expect([week.winBacks, week.suppressed, week.changes]).toEqual([1, 1, 0]);
    expect(
      events
        .filter((e) => e.type === 'churn.win-back')
        .slice(3)
        .map((e) => e.data),
    ).toEqual([
      {
        customerId: 'c1',
        level: 'high',
        playbook: 'win-back',
        step: 2,
        action: 'text',
        channel: 'sms',
        payload: null,
      },
    ]);

    // c1 withdraws profiling: the next run skips them and drops their stored level, without a churn.cleared.
    await consent('c1', 'profiling', false);
    clock.set('2026-04-19T00:00:00Z');
    expect(await churn.evaluate()).toMatchObject({
      customers: 1,
      skipped: 2,
      byLevel: { high: 1 },
      changes: 0,
    });
    expect(await churn.levelOf('c1')).toBeUndefined();
    expect(await churn.levelOf('c3')).toBe('high');
    expect(events.filter((e) => e.type === 'churn.cleared')).toEqual([]);
  });

  it('refuses a playbook for an unknown level', async () => {
    const error = (await createTestHost({
      plugins: [
        churnAlertPlugin({ playbooks: [{ id: 'p', level: 'extreme', steps: [{ action: 'email' }] }] }),
      ],
    }).catch((e: unknown) => e)) as PluginConfigError;
    expect(error).toBeInstanceOf(PluginConfigError);
    expect(error.issues[0]?.path).toEqual(['playbooks', 0, 'level']);
  });
});

describe('consent: loyalty communications', () => {
  const config: LoyaltyPluginConfig = {
    program: {
      id: 'club',
      earning: { rates: [{ currency: 'EUR', points: 1 }] },
      tiers: {
        metric: 'points',
        window: { kind: 'rolling', months: 12 },
        levels: [
          { id: 'member', name: 'Member', threshold: 0 },
          { id: 'gold', name: 'Gold', threshold: 100 },
        ],
      },
      rewards: [],
    },
    earnOn: 'placed',
  };

  it('credits points whatever the consent, but flags messages without marketing.email consent as suppressed', async () => {
    const { crm, consent, denials } = await start({ plugins: [loyaltyPlugin(config)] });
    const earned: unknown[] = [];
    const tiers: unknown[] = [];
    crm.on(
      'loyalty.points-earned',
      (e) => void earned.push([e.data.memberId, e.data.points, e.data.suppressed]),
    );
    crm.on('loyalty.tier-changed', (e) => void tiers.push([e.data.memberId, e.data.to, e.data.suppressed]));
    for (const id of ['c1', 'c2']) await crm.recordCustomer(customer(id));
    await consent('c1', 'marketing.email');

    await crm.recordOrder(order('o1', 'c1', '60.00', 1));
    await crm.recordOrder(order('o2', 'c2', '60.00', 1));
    expect(earned).toEqual([
      ['c1', 60, false],
      ['c2', 60, true],
    ]);

    // c1 unsubscribes: the very next message is suppressed, and the ledger goes on as before.
    await consent('c1', 'marketing.email', false);
    await crm.recordOrder(order('o3', 'c1', '50.00', 2));
    await crm.recordOrder(order('o4', 'c2', '50.00', 2));
    expect(earned.slice(2)).toEqual([
      ['c1', 50, true],
      ['c2', 50, true],
    ]);
    expect(tiers).toEqual([
      ['c1', 'gold', true],
      ['c2', 'gold', true],
    ]);
    const loyalty = crm.api(loyaltyPlugin);
    expect([(await loyalty.balance('c1')).balance, (await loyalty.balance('c2')).balance]).toEqual([
      110, 110,
    ]);
    const skips = await denials('loyalty.notify');
    expect(
      skips.every((r) => r.actorId === 'plugin:loyalty' && r.reason === 'no marketing.email consent'),
    ).toBe(true);
    expect(skips.map((r) => r.customerId)).toEqual(['c2', 'c1', 'c1', 'c2', 'c2']);
  });

  it('asks for the configured purpose, and sends everything when consent is not enforced', async () => {
    const { crm, consent } = await start({
      plugins: [loyaltyPlugin({ ...config, messagePurpose: 'marketing.push' })],
    });
    const flags: boolean[] = [];
    crm.on('loyalty.points-earned', (e) => void flags.push(e.data.suppressed));
    await crm.recordCustomer(customer('c1'));
    await consent('c1', 'marketing.email');
    await crm.recordOrder(order('o1', 'c1', '10.00', 1));
    await consent('c1', 'marketing.push');
    await crm.recordOrder(order('o2', 'c1', '10.00', 2));
    expect(flags).toEqual([true, false]);

    const host = await createTestHost({ plugins: [loyaltyPlugin(config)] });
    await host.crm.recordCustomer(customer('c1'));
    await host.crm.recordOrder(order('o1', 'c1', '10.00', 1));
    expect(host.eventsOf('loyalty.points-earned').map((e) => e.data.suppressed)).toEqual([false]);
  });
});
