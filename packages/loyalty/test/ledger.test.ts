import { describe, expect, it } from 'vitest';
import { InsufficientPointsError, type ProgramDefinitionInput } from '../src/index';
import { basic, order, setup } from './fixtures';

const pendingAndExpiry: ProgramDefinitionInput = {
  ...basic,
  pendingDays: 14,
  expiry: { kind: 'rolling', months: 12 },
};

describe('lots: pending period, expiry, first-expiring-first', () => {
  it('matures, spends oldest-expiring first and expires the rest once', async () => {
    const { program, clock } = setup(pendingAndExpiry, '2026-01-10T10:00:00Z');
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-01-10T10:00:00Z') });
    clock.set('2026-02-05T10:00:00Z');
    await program.recordOrder({ order: order('o2', 'm1', '50.99', '2026-02-05T10:00:00Z') });

    clock.set('2026-02-10T00:00:00Z');
    const early = await program.balance('m1');
    expect(early).toMatchObject({ balance: 150, available: 100, pending: 50 });
    await expect(
      program.redeemPoints({ memberId: 'm1', points: 120, requestId: 'r1' }),
    ).rejects.toMatchObject({
      code: 'INSUFFICIENT_POINTS',
      path: ['points'],
      requested: 120,
      available: 100,
    });

    clock.set('2026-03-01T00:00:00Z');
    const spent = await program.redeemPoints({ memberId: 'm1', points: 120, requestId: 'r1' });
    expect(spent.balance).toBe(30);
    expect(spent.entry?.debit?.consumed).toEqual([
      { lotId: 'loyalty:club:m1#1', points: 100, expiresAt: '2027-01-10T10:00:00.000Z' },
      { lotId: 'loyalty:club:m1#2', points: 20, expiresAt: '2027-02-05T10:00:00.000Z' },
    ]);

    expect(await program.expirePoints({ now: '2027-01-11T00:00:00Z' })).toEqual({
      members: 0,
      lots: 0,
      points: 0,
    });
    // at its expiry instant the lot is no longer spendable, before the batch runs
    expect((await program.balance('m1', '2027-02-05T10:00:00Z')).available).toBe(0);
    expect(await program.expirePoints({ now: '2027-02-06T00:00:00Z' })).toEqual({
      members: 1,
      lots: 1,
      points: 30,
    });
    expect(await program.expirePoints({ now: '2027-02-06T00:00:00Z' })).toEqual({
      members: 0,
      lots: 0,
      points: 0,
    });
    expect(await program.expirePoints({ now: '2027-03-01T00:00:00Z' })).toEqual({
      members: 0,
      lots: 0,
      points: 0,
    });

    const entries = await program.entries('m1');
    expect(entries.map((e) => [e.type, e.delta])).toEqual([
      ['earn', 100],
      ['earn', 50],
      ['redeem', -120],
      ['expire', -30],
    ]);
    expect((await program.balance('m1')).balance).toBe(0);
    expect((await program.verify('m1')).ok).toBe(true);
  });

  it('orders lots by expiry, not by when they were earned', async () => {
    const { program } = setup(pendingAndExpiry, '2026-03-01T10:00:00Z');
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-02-01T10:00:00Z') });
    await program.adjustPoints({
      memberId: 'm1',
      points: 40,
      reason: 'goodwill',
      requestId: 'a1',
      expiresAt: '2026-06-30T00:00:00Z',
    });
    const r = await program.redeemPoints({ memberId: 'm1', points: 50, requestId: 'r1' });
    expect(r.entry?.debit?.consumed.map((c) => [c.lotId, c.points])).toEqual([
      ['loyalty:club:m1#2', 40],
      ['loyalty:club:m1#1', 10],
    ]);
  });

  it('computes end-of-period and fixed expiry in the programme time zone', async () => {
    const { program } = setup(
      { ...basic, timeZone: 'Europe/Berlin', expiry: { kind: 'end-of-period', period: 'year', after: 1 } },
      '2026-03-01T10:00:00Z',
    );
    const r = await program.recordOrder({ order: order('o1', 'm1', '10', '2026-12-31T23:30:00Z') });
    // 00:30 on January 1 2027 in Berlin: earned in 2027, so it expires at the end of 2028 (Berlin)
    expect(r.entry?.credit?.lots[0]?.expiresAt).toBe('2028-12-31T23:00:00.000Z');
  });
});

describe('refunds reverse points in proportion', () => {
  it('reverses each partial refund by its cumulative share, never more than earned', async () => {
    const { program } = setup();
    await program.recordOrder({ order: order('o1', 'm1', '99.99', '2026-03-01T09:00:00Z') });
    const reversals = [];
    for (const id of ['r1', 'r2', 'r3']) {
      reversals.push(
        (await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: id, amount: '33.33' }))
          .reversed,
      );
    }
    // 99 points: shares of 33.33/99.99, 66.66/99.99 and 99.99/99.99 rounded half-up are 33, 66, 99
    expect(reversals).toEqual([33, 33, 33]);
    await expect(
      program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r4', amount: '0.01' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', issues: [{ path: ['amount'] }] });
    expect((await program.balance('m1')).balance).toBe(0);
  });

  const spentThenRefunded = async (policy: 'claw-back' | 'negative-balance' | 'debt') => {
    const env = setup({ ...basic, refunds: { policy } });
    const { program } = env;
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });
    await program.recordOrder({ order: order('o2', 'm1', '50', '2026-03-01T09:30:00Z') });
    await program.redeemPoints({ memberId: 'm1', points: 120, requestId: 'spend' });
    const refund = await program.refundOrder({
      memberId: 'm1',
      orderId: 'o1',
      refundId: 'r1',
      amount: '100',
    });
    return { ...env, refund };
  };

  it('claw-back: takes the other lots, writes off the rest, never negative', async () => {
    const { program, refund } = await spentThenRefunded('claw-back');
    expect(refund.reversed).toBe(100);
    expect(refund.entry?.debit).toMatchObject({ points: 30, deficit: 0, debt: 0, writtenOff: 70 });
    expect(refund.balance).toBe(0);
    const next = await program.recordOrder({ order: order('o3', 'm1', '40', '2026-03-02T09:00:00Z') });
    expect(next.balance).toBe(40);
  });

  it('negative-balance: the rest makes the balance negative, later points pay it back', async () => {
    const { program, refund } = await spentThenRefunded('negative-balance');
    expect(refund.entry?.debit).toMatchObject({ points: 30, deficit: 70, writtenOff: 0 });
    expect(refund.balance).toBe(-70);
    const next = await program.recordOrder({ order: order('o3', 'm1', '40', '2026-03-02T09:00:00Z') });
    expect(next.balance).toBe(-30);
    expect(next.entry?.credit).toMatchObject({ points: 40, repaidDeficit: 40, lots: [] });
    await expect(program.redeemPoints({ memberId: 'm1', points: 1, requestId: 'x' })).rejects.toBeInstanceOf(
      InsufficientPointsError,
    );
  });

  it('debt: the balance stops at zero, the debt is repaid before new points count', async () => {
    const { program, refund } = await spentThenRefunded('debt');
    expect(refund.entry?.debit).toMatchObject({ points: 30, debt: 70 });
    expect(refund.balance).toBe(0);
    expect((await program.balance('m1')).debt).toBe(70);
    const next = await program.recordOrder({ order: order('o3', 'm1', '100', '2026-03-02T09:00:00Z') });
    expect(next.entry).toMatchObject({ delta: 30, credit: { points: 100, repaidDebt: 70 } });
    expect(await program.balance('m1')).toMatchObject({ balance: 30, debt: 0 });
    expect((await program.verify('m1')).ok).toBe(true);
  });

  it('takes the refunded order’s own lot first, even while it is pending', async () => {
    const { program } = setup({ ...basic, pendingDays: 30 });
    await program.adjustPoints({
      memberId: 'm1',
      points: 10,
      reason: 'welcome',
      requestId: 'w',
      expiresAt: '2026-04-01',
    });
    await program.recordOrder({ order: order('o1', 'm1', '80', '2026-03-01T09:00:00Z') });
    const r = await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '40' });
    expect(r.entry?.debit?.consumed).toEqual([{ lotId: 'loyalty:club:m1#2', points: 40, expiresAt: null }]);
    expect(await program.balance('m1')).toMatchObject({ balance: 50, available: 10, pending: 40 });
  });

  it('records a refund too small to reverse a point, so the refunds still add up to the total', async () => {
    const { program } = setup();
    await program.recordOrder({ order: order('o1', 'm1', '10', '2026-03-01T09:00:00Z') });
    const tiny = await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '0.04' });
    expect(tiny).toMatchObject({ reversed: 0, entry: { type: 'reverse', delta: 0, amount: '0.04' } });
    await expect(
      program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r2', amount: '10' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(
      (await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r3', amount: '9.96' })).reversed,
    ).toBe(10);
    expect((await program.balance('m1')).balance).toBe(0);
  });

  it('an order that earned nothing reverses nothing', async () => {
    const { program } = setup();
    await program.recordOrder({ order: order('o1', 'm1', '0.50', '2026-03-01T09:00:00Z') });
    const r = await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '0.50' });
    expect(r).toMatchObject({ reversed: 0, entry: null });
  });
});

describe('idempotency keys', () => {
  it('a repeated order, refund, redemption or adjustment changes nothing and returns the first result', async () => {
    const { program, clock } = setup();
    const first = await program.recordOrder({ order: order('o1', 'm1', '200', '2026-03-01T09:00:00Z') });
    clock.advance({ hours: 1 });
    expect(await program.recordOrder({ order: order('o1', 'm1', '999', '2026-03-01T09:00:00Z') })).toEqual(
      first,
    );
    const refund = await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '50' });
    expect(
      await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '50' }),
    ).toEqual(refund);
    const spend = await program.redeemPoints({ memberId: 'm1', points: 30, requestId: 'q1' });
    expect(await program.redeemPoints({ memberId: 'm1', points: 90, requestId: 'q1' })).toEqual(spend);
    const adjust = await program.adjustPoints({ memberId: 'm1', points: 5, reason: 'x', requestId: 'a1' });
    expect(await program.adjustPoints({ memberId: 'm1', points: 5, reason: 'x', requestId: 'a1' })).toEqual(
      adjust,
    );
    expect((await program.entries('m1')).map((e) => e.delta)).toEqual([200, -50, -30, 5]);
    expect((await program.balance('m1')).balance).toBe(125);
  });
});

describe('adjustments, transfers and activities', () => {
  it('refuses a negative adjustment beyond the balance, and writes nothing', async () => {
    const { program } = setup();
    await program.adjustPoints({ memberId: 'm1', points: 10, reason: 'welcome', requestId: 'a1' });
    await expect(
      program.adjustPoints({ memberId: 'm1', points: -11, reason: 'fix', requestId: 'a2' }),
    ).rejects.toMatchObject({ code: 'INSUFFICIENT_POINTS', path: ['points'] });
    expect(await program.entries('m1')).toHaveLength(1);
  });

  it('transfers points with their expiry when enabled, refuses when not', async () => {
    const { program } = setup({
      ...basic,
      expiry: { kind: 'rolling', months: 6 },
      transfers: { enabled: true },
    });
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });
    const t = await program.transferPoints({ from: 'm1', to: 'm2', points: 40, requestId: 't1' });
    expect([t.from.balance, t.to.balance]).toEqual([60, 40]);
    expect((await program.balance('m2')).lots[0]?.expiresAt).toBe('2026-09-01T09:00:00.000Z');
    expect((await program.entries('m2'))[0]).toMatchObject({
      type: 'transfer',
      delta: 40,
      counterparty: 'm1',
    });

    const closed = setup();
    await expect(
      closed.program.transferPoints({ from: 'm1', to: 'm2', points: 1, requestId: 't1' }),
    ).rejects.toMatchObject({ code: 'TRANSFERS_DISABLED' });
  });

  it('rewards activities up to their daily limit', async () => {
    const { program, clock } = setup({
      ...basic,
      earning: {
        ...basic.earning,
        activities: { review: { points: 20, maxPerDay: 30, label: 'product review' } },
      },
    });
    const got = [];
    for (const id of ['a', 'b', 'c'])
      got.push((await program.recordActivity({ memberId: 'm1', activity: 'review', activityId: id })).points);
    clock.advance({ days: 1 });
    got.push((await program.recordActivity({ memberId: 'm1', activity: 'review', activityId: 'd' })).points);
    expect(got).toEqual([20, 10, 0, 20]);
  });
});
