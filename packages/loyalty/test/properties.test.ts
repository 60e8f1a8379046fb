import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basic, order, setup } from './fixtures';
import { balanceOf, isLoyaltyRefusal, type LoyaltyProgram } from './property-helpers';

const MEMBERS = ['m1', 'm2'] as const;

const op = fc.oneof(
  fc.record({
    kind: fc.constant('earn' as const),
    member: fc.constantFrom(...MEMBERS),
    cents: fc.integer({ min: 0, max: 50_000 }),
  }),
  fc.record({
    kind: fc.constant('redeem' as const),
    member: fc.constantFrom(...MEMBERS),
    points: fc.integer({ min: 1, max: 400 }),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    pick: fc.nat(),
    share: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('adjust' as const),
    member: fc.constantFrom(...MEMBERS),
    points: fc.integer({ min: -300, max: 300 }).filter((n) => n !== 0),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    from: fc.constantFrom(...MEMBERS),
    points: fc.integer({ min: 1, max: 300 }),
  }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({ kind: fc.constant('wait' as const), days: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }),
);

describe('ledger invariants (fast-check)', () => {
  it('balance = open lots − deficit = Σ entries; lots never below zero; replaying keys and entries changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('claw-back', 'negative-balance', 'debt') as fc.Arbitrary<
          'claw-back' | 'negative-balance' | 'debt'
        >,
        fc.array(op, { minLength: 1, maxLength: 25 }),
        async (policy, ops) => {
          const { program, clock } = setup(
            {
              ...basic,
              pendingDays: 7,
              expiry: { kind: 'rolling', months: 6 },
              refunds: { policy },
              transfers: { enabled: true },
            },
            '2026-01-01T00:00:00Z',
          );
          const done: { run: () => Promise<unknown>; result: unknown }[] = [];
          const orders: { id: string; member: string; cents: number; refunded: number }[] = [];
          let n = 0;
          const attempt = async (run: () => Promise<unknown>) => {
            try {
              done.push({ run, result: await run() });
            } catch (e) {
              if (!isLoyaltyRefusal(e)) throw e;
            }
          };
          for (const o of ops) {
            n++;
            const key = `k${n}`;
            switch (o.kind) {
              case 'earn': {
                const amount = (o.cents / 100).toFixed(2);
                orders.push({ id: key, member: o.member, cents: o.cents, refunded: 0 });
                const input = { order: order(key, o.member, amount, clock.now().toISOString()) };
                await attempt(() => program.recordOrder(input));
                break;
              }
              case 'redeem':
                await attempt(() =>
                  program.redeemPoints({ memberId: o.member, points: o.points, requestId: key }),
                );
                break;
              case 'refund': {
                const target = orders[o.pick % Math.max(1, orders.length)];
                if (!target || target.cents === target.refunded) break;
                const cents = Math.max(1, Math.floor(((target.cents - target.refunded) * o.share) / 100));
                target.refunded += cents;
                const input = {
                  memberId: target.member,
                  orderId: target.id,
                  refundId: key,
                  amount: (cents / 100).toFixed(2),
                };
                await attempt(() => program.refundOrder(input));
                break;
              }
              case 'adjust':
                await attempt(() =>
                  program.adjustPoints({
                    memberId: o.member,
                    points: o.points,
                    reason: 'test',
                    requestId: key,
                  }),
                );
                break;
              case 'transfer': {
                const to = o.from === 'm1' ? 'm2' : 'm1';
                await attempt(() =>
                  program.transferPoints({ from: o.from, to, points: o.points, requestId: key }),
                );
                break;
              }
              case 'expire': {
                const now = clock.now().toISOString();
                await program.expirePoints({ now });
                expect(await program.expirePoints({ now })).toEqual({ members: 0, lots: 0, points: 0 });
                break;
              }
              case 'wait':
                clock.advance({ days: o.days });
                break;
              case 'replay': {
                const previous = done[o.pick % Math.max(1, done.length)];
                if (previous) expect(await previous.run()).toEqual(previous.result);
                break;
              }
            }
          }
          const before = await snapshot(program, policy);
          for (const { run, result } of done) expect(await run()).toEqual(result);
          expect(await snapshot(program, policy)).toEqual(before);
        },
      ),
      { numRuns: 1000 },
    );
  }, 240_000);
});

async function snapshot(program: LoyaltyProgram, policy: string) {
  const state: Record<string, unknown> = {};
  for (const member of MEMBERS) {
    const account = await program.account(member);
    const entries = await program.entries(member);
    if (account === undefined) {
      expect(entries).toEqual([]);
      continue;
    }
    const { ledger } = account;
    const balance = balanceOf(ledger);
    const lots = ledger.lots.reduce((s, l) => s + l.remaining, 0);
    expect(balance).toBe(lots - ledger.deficit);
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(balance);
    expect(Object.values(ledger.totals).reduce((s, v) => s + v, 0)).toBe(balance);
    for (const lot of ledger.lots) {
      expect(lot.remaining).toBeGreaterThan(0);
      expect(lot.remaining).toBeLessThanOrEqual(lot.points);
      expect(Number.isInteger(lot.remaining)).toBe(true);
    }
    if (policy !== 'negative-balance') expect(balance).toBeGreaterThanOrEqual(0);
    expect(ledger.deficit === 0 || policy === 'negative-balance').toBe(true);
    expect(ledger.debt === 0 || policy === 'debt').toBe(true);
    if (ledger.deficit > 0 || ledger.debt > 0) expect(ledger.lots).toEqual([]);
    expect((await program.verify(member)).ok).toBe(true);
    state[member] = { ledger, entries: entries.length };
  }
  return state;
}
