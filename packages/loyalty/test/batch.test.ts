import { createMemoryStorage, OrderSchema, type Storage } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type EarnOutcome,
  LoyaltyError,
  type LoyaltyProgram,
  type ProgramDefinitionInput,
  type RecordOrderInput,
} from '../src/index';
import { basic, order, setup } from './fixtures';

const MEMBERS = ['m1', 'm2', 'm3'] as const;

const spec = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  member: fc.constantFrom(...MEMBERS),
  cents: fc.integer({ min: 0, max: 30_000 }),
  quantity: fc.integer({ min: 1, max: 3 }),
  category: fc.constantFrom('tea', 'cups'),
  channel: fc.constantFrom('web', 'app'),
  day: fc.integer({ min: 0, max: 60 }),
  key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
  parsed: fc.boolean(),
});
type Spec = typeof spec extends fc.Arbitrary<infer T> ? T : never;

/** The input of an order spec: raw JSON, or an `Order` already parsed (the fast path). */
function inputOf(s: Spec): RecordOrderInput {
  const json = order(
    `o${s.id}`,
    s.member,
    (s.cents / 100).toFixed(2),
    new Date(Date.UTC(2026, 1, 1) + s.day * 86_400_000).toISOString(),
    {
      channel: s.channel,
      lines: [
        { sku: 'sencha', category: s.category, quantity: s.quantity, unitPrice: (s.cents / 100).toFixed(2) },
      ],
    },
  );
  return { order: s.parsed ? OrderSchema.parse(json) : json, ...(s.key ? { idempotencyKey: s.key } : {}) };
}

const programme = fc.record({
  rounding: fc.constantFrom('floor', 'half-up', 'half-even', 'ceil') as fc.Arbitrary<'floor'>,
  perDay: fc.option(fc.integer({ min: 30, max: 400 }), { nil: undefined }),
  tiers: fc.boolean(),
  referrals: fc.boolean(),
});

function definitionOf(p: typeof programme extends fc.Arbitrary<infer T> ? T : never): ProgramDefinitionInput {
  return {
    id: 'club',
    pendingDays: 7,
    expiry: { kind: 'rolling', months: 12 },
    earning: {
      rates: [{ currency: 'EUR', points: 1 }],
      rounding: p.rounding,
      rules: [
        { id: 'app', label: 'app bonus', bonus: 5, when: { fact: 'order.channel', op: 'eq', value: 'app' } },
        { id: 'tea', label: 'tea ×1.5', multiplier: 1.5, categories: ['tea'] },
        {
          id: 'weekend',
          label: 'weekend',
          multiplier: 1.25,
          when: { fact: 'order.date', op: 'dayOfWeek', value: [0, 6] },
        },
      ],
      ...(p.perDay === undefined ? {} : { caps: { perDay: p.perDay } }),
    },
    ...(p.tiers
      ? {
          tiers: {
            metric: 'points' as const,
            window: { kind: 'rolling' as const, months: 12 },
            levels: [
              { id: 'silver', name: 'Silver', threshold: 0 },
              { id: 'gold', name: 'Gold', threshold: 300, benefits: { earnMultiplier: 1.5 } },
            ],
          },
        }
      : {}),
    ...(p.referrals
      ? {
          referrals: {
            referrerPoints: 50,
            refereePoints: 25,
            minOrderTotal: { amount: '20', currency: 'EUR' },
          },
        }
      : {}),
  };
}

/** Every member's account, entries and tier history, and whether each replays to its cached state. */
async function state(program: LoyaltyProgram) {
  const out: Record<string, unknown> = {};
  for (const member of MEMBERS) {
    out[member] = {
      account: await program.account(member),
      entries: await program.entries(member),
      tiers: program.definition.tiers ? await program.tierHistory(member) : [],
      verified: (await program.verify(member)).ok,
    };
  }
  return out;
}

/** A programme that has a referral waiting (m3 referred by m1) and some orders recorded already. */
async function prepared(definition: ProgramDefinitionInput, before: readonly Spec[]) {
  const { program } = setup(definition, '2026-04-15T10:00:00Z');
  if (definition.referrals) {
    await program.registerReferral({ code: await program.referralCode('m1'), refereeId: 'm3' });
  }
  for (const s of before) await program.recordOrder(inputOf(s));
  return program;
}

describe('recordOrders', () => {
  it('gives the outcomes and the state of recording the orders one by one (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        programme,
        fc.array(spec, { maxLength: 3 }),
        fc.array(spec, { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        async (p, before, orders, cuts) => {
          const definition = definitionOf(p);
          const inputs = orders.map(inputOf);

          const one = await prepared(definition, before);
          const singly: EarnOutcome[] = [];
          const recorded = new Set(before.map((s) => s.key ?? `o${s.id}`));
          for (const [i, input] of inputs.entries()) {
            const outcome = await one.recordOrder(input);
            singly.push(outcome);
            // a first recording reports the balance after it: the open lots less the deficit
            const key = orders[i]!.key ?? `o${orders[i]!.id}`;
            if (!recorded.has(key))
              expect(outcome.balance).toBe((await one.balance(outcome.memberId)).balance);
            recorded.add(key);
          }

          const batch = await prepared(definition, before);
          const batched: EarnOutcome[] = [];
          for (let start = 0, c = 0; start < inputs.length; c++) {
            const size = cuts[c % cuts.length]!;
            batched.push(...(await batch.recordOrders(inputs.slice(start, start + size))));
            start += size;
          }

          expect(batched).toEqual(singly);
          expect(await state(batch)).toEqual(await state(one));
          // a repeat of any order, alone or in a batch, returns its first outcome and writes nothing
          const after = await state(batch);
          for (const [i, input] of inputs.entries())
            expect(await batch.recordOrder(input)).toEqual(singly[i]);
          expect(await batch.recordOrders(inputs)).toEqual(singly);
          expect(await state(batch)).toEqual(after);
        },
      ),
      { numRuns: 300 },
    );
  }, 240_000);

  it('writes one account and one stream append per member, and one key per order, in one transaction', async () => {
    const counts = { transactions: 0, appends: [] as string[], puts: [] as string[] };
    const base = createMemoryStorage();
    const counting = (s: Storage): Storage => ({
      ...s,
      documents: {
        ...s.documents,
        put: (collection, id, data, options) => {
          counts.puts.push(`${collection}/${id}`);
          return s.documents.put(collection, id, data, options);
        },
      },
      events: {
        ...s.events,
        append: (stream, events, options) => {
          counts.appends.push(`${stream}+${events.length}`);
          return s.events.append(stream, events, options);
        },
      },
      withTransaction: (work) => {
        counts.transactions++;
        return s.withTransaction((tx) => work(counting(tx)));
      },
    });
    const { program } = setup(basic, '2026-03-01T10:00:00Z', counting(base));
    const inputs = ['m1', 'm2', 'm1', 'm1', 'm2', 'm1'].map((m, i) => ({
      order: order(`o${i}`, m, '10', '2026-03-01T09:00:00Z'),
    }));
    const outcomes = await program.recordOrders(inputs);
    expect(outcomes.map((o) => [o.memberId, o.points, o.balance])).toEqual([
      ['m1', 10, 10],
      ['m2', 10, 10],
      ['m1', 10, 20],
      ['m1', 10, 30],
      ['m2', 10, 20],
      ['m1', 10, 40],
    ]);
    expect(counts.transactions).toBe(1);
    expect(counts.appends).toEqual(['loyalty:club:m1+4', 'loyalty:club:m2+2']);
    expect(counts.puts).toEqual([
      'loyalty.club.accounts/m1',
      'loyalty.club.accounts/m2',
      ...inputs.map((_, i) => `loyalty.club.keys/earn:o${i}`),
    ]);
  });

  it('refuses bad input anywhere with its index in the path, writing nothing', async () => {
    const { program } = setup();
    const good = { order: order('o1', 'm1', '10', '2026-03-01T09:00:00Z') };
    const negative = {
      order: {
        ...order('o2', 'm1', '10', '2026-03-01T09:00:00Z'),
        lines: [{ sku: 'x', quantity: -1, unitPrice: '5' }],
      },
    };
    await expect(
      program.recordOrders([good, negative, { order: { id: 'o3' } } as never]),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(
        /^invalid orders to record: 1\.order\.lines\.0\.quantity: must be greater than 0/,
      ),
    });
    const error = await program.recordOrders([good, negative]).catch((e: unknown) => e);
    expect((error as { issues: { path: unknown[] }[] }).issues[0]?.path).toEqual([
      1,
      'order',
      'lines',
      0,
      'quantity',
    ]);
    const usd = { order: order('o4', 'm2', '10', '2026-03-01T09:00:00Z', { currency: 'USD' }) };
    const refused = await program.recordOrders([good, usd]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LoyaltyError);
    expect(refused).toMatchObject({ code: 'UNSUPPORTED_CURRENCY', path: [1, 'order', 'currency'] });
    expect((refused as Error).message).toBe('1.order.currency: no earning rate applies to USD');
    await expect(program.recordOrders('o1' as never)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: [], message: 'must be an array of orders to record' }],
    });
    expect(await program.account('m1')).toBeUndefined();
    expect(await program.entries('m1')).toEqual([]);
    expect(await program.recordOrders([])).toEqual([]);
    // the good order alone goes through
    expect((await program.recordOrders([good]))[0]).toMatchObject({ points: 10, balance: 10 });
  });

  it('racing batches over the same orders record each order once', async () => {
    const { program } = setup();
    const inputs = Array.from({ length: 12 }, (_, i) => ({
      order: order(`o${i}`, `m${i % 3}`, String(10 + i), '2026-03-01T09:00:00Z'),
    }));
    const [a, b, c] = await Promise.all([
      program.recordOrders(inputs.slice(0, 8)),
      program.recordOrders(inputs.slice(4)),
      program.recordOrders(inputs.slice(2, 10).reverse()),
    ]);
    expect(a.slice(4)).toEqual(b.slice(0, 4));
    expect(c.reverse()).toEqual([...a.slice(2), ...b.slice(4, 6)]);
    for (const m of ['m0', 'm1', 'm2']) {
      const entries = await program.entries(m);
      expect(entries).toHaveLength(4);
      expect(new Set(entries.map((e) => e.orderId)).size).toBe(4);
      expect((await program.verify(m)).ok).toBe(true);
    }
    // 10 + 11 + … + 21 points in all
    const balances = await Promise.all(
      ['m0', 'm1', 'm2'].map(async (m) => (await program.balance(m)).balance),
    );
    expect(balances.reduce((s, v) => s + v, 0)).toBe(186);
  });
});
