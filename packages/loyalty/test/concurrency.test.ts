import { createPostgresStorage } from '@crmkit/adapter-postgres';
import { createMemoryStorage, fixedClock, type Storage, VersionConflictError } from '@crmkit/core';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLoyaltyProgram, InsufficientPointsError, LoyaltyConflictError } from '../src/index';
import { basic, order, setup } from './fixtures';

/** Wraps a storage so that the test can count the transactions that lost a version race. */
function counting(storage: Storage): { storage: Storage; conflicts: () => number } {
  let conflicts = 0;
  const wrapped: Storage = {
    ...storage,
    documents: storage.documents,
    events: storage.events,
    withTransaction: async (work) => {
      try {
        return await storage.withTransaction(work);
      } catch (e) {
        if (e instanceof VersionConflictError) conflicts++;
        throw e;
      }
    },
    close: () => storage.close(),
  };
  return { storage: wrapped, conflicts: () => conflicts };
}

async function racingRedemptions(base: Storage) {
  const { storage, conflicts } = counting(base);
  const { program } = setup(basic, '2026-03-01T10:00:00Z', storage);
  await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });

  // two redemptions of 70 against 100 points: exactly one may win
  const pair = await Promise.allSettled([
    program.redeemPoints({ memberId: 'm1', points: 70, requestId: 'a' }),
    program.redeemPoints({ memberId: 'm1', points: 70, requestId: 'b' }),
  ]);
  expect(pair.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = pair.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(lost.reason).toBeInstanceOf(InsufficientPointsError);
  expect(conflicts()).toBeGreaterThanOrEqual(1);
  expect((await program.balance('m1')).balance).toBe(30);

  // eight redemptions of 5 against 30 points: exactly six win, retried through the conflicts
  const many = await Promise.allSettled(
    Array.from({ length: 8 }, (_, i) =>
      program.redeemPoints({ memberId: 'm1', points: 5, requestId: `c${i}` }),
    ),
  );
  expect(many.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
  expect((await program.balance('m1')).balance).toBe(0);

  // the same request racing itself lands once and both callers get the same result
  await program.adjustPoints({ memberId: 'm1', points: 50, reason: 'refill', requestId: 'refill' });
  const [x, y] = await Promise.all([
    program.redeemPoints({ memberId: 'm1', points: 20, requestId: 'same' }),
    program.redeemPoints({ memberId: 'm1', points: 20, requestId: 'same' }),
  ]);
  expect(x).toEqual(y);
  expect((await program.balance('m1')).balance).toBe(30);
  expect((await program.verify('m1')).ok).toBe(true);
  expect((await program.entries('m1')).map((e) => e.delta)).toEqual([
    100, -70, -5, -5, -5, -5, -5, -5, 50, -20,
  ]);
}

describe('racing redemptions never overspend', () => {
  it('on the memory adapter', async () => {
    await racingRedemptions(createMemoryStorage());
  });

  it('gives up with LOYALTY_CONFLICT after maxAttempts lost races, writing nothing', async () => {
    const storage = createMemoryStorage();
    const { program } = setup(basic, '2026-03-01T10:00:00Z', storage);
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });
    const impatient = createLoyaltyProgram({
      storage,
      clock: fixedClock('2026-03-01T10:00:00Z'),
      definition: basic,
      maxAttempts: 1,
    });
    const results = await Promise.allSettled([
      impatient.redeemPoints({ memberId: 'm1', points: 10, requestId: 'a' }),
      impatient.redeemPoints({ memberId: 'm1', points: 10, requestId: 'b' }),
    ]);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(LoyaltyConflictError);
    expect(lost.reason).toMatchObject({ code: 'LOYALTY_CONFLICT' });
    expect((await program.balance('m1')).balance).toBe(90);
  });

  describe('on PostgreSQL (PGlite)', () => {
    vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });
    const db = new PGlite();
    afterAll(() => db.close());
    const storageIn = async (schema: string) => {
      const storage = createPostgresStorage({ client: db, schema, closeClient: false });
      await storage.migrate();
      return storage;
    };

    it('with the same guarantees', async () => {
      await racingRedemptions(await storageIn('loyalty_race'));
    });

    it('runs refunds, expiry, tiers and rewards as on memory', async () => {
      const { program } = setup(
        {
          ...basic,
          expiry: { kind: 'rolling', months: 1 },
          refunds: { policy: 'debt' },
          tiers: {
            metric: 'orders',
            window: { kind: 'rolling', months: 12 },
            levels: [
              { id: 'member', name: 'Member', threshold: 0 },
              { id: 'regular', name: 'Regular', threshold: 2 },
            ],
          },
          rewards: [{ id: 'mug', name: 'Mug', reward: { type: 'gift', sku: 'mug' }, cost: 50, stock: 1 }],
        },
        '2026-03-01T10:00:00Z',
        await storageIn('loyalty_flow'),
      );
      await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });
      const second = await program.recordOrder({ order: order('o2', 'm1', '30', '2026-03-01T09:30:00Z') });
      expect(second.tierChange?.to).toBe('regular');
      const mug = await program.redeemReward({ memberId: 'm1', rewardId: 'mug', requestId: 'q' });
      expect(mug.balance).toBe(80);
      const refund = await program.refundOrder({
        memberId: 'm1',
        orderId: 'o1',
        refundId: 'r',
        amount: '100',
      });
      expect(refund.entry?.debit).toMatchObject({ points: 80, debt: 20 });
      expect(await program.balance('m1')).toMatchObject({ balance: 0, debt: 20 });
      await program.cancelRedemption({ redemptionId: mug.id });
      // the 50 restored points first repay the debt of 20
      expect(await program.balance('m1')).toMatchObject({ balance: 30, debt: 0 });
      expect(await program.expirePoints({ now: '2026-04-02T00:00:00Z' })).toEqual({
        members: 1,
        lots: 1,
        points: 30,
      });
      expect(await program.expirePoints({ now: '2026-04-02T00:00:00Z' })).toEqual({
        members: 0,
        lots: 0,
        points: 0,
      });
      expect((await program.verify('m1')).ok).toBe(true);
    });
  });
});
