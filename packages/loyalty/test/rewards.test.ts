import { describe, expect, it } from 'vitest';
import type { ProgramDefinitionInput } from '../src/index';
import { basic, order, setup } from './fixtures';

const catalogue: ProgramDefinitionInput = {
  ...basic,
  expiry: { kind: 'rolling', months: 12 },
  tiers: {
    metric: 'points',
    window: { kind: 'rolling', months: 12 },
    levels: [
      { id: 'silver', name: 'Silver', threshold: 0 },
      { id: 'gold', name: 'Gold', threshold: 1000 },
    ],
  },
  rewards: [
    {
      id: 'coffee',
      name: 'Free coffee',
      reward: { type: 'gift', sku: 'coffee' },
      cost: 150,
      stock: 2,
      perMemberLimit: 1,
    },
    {
      id: 'five-off',
      name: '5 EUR off',
      reward: { type: 'discount', amount: { amount: '5', currency: 'EUR' } },
      cost: 100,
    },
    {
      id: 'spring',
      name: '10 % off in spring',
      reward: { type: 'percentage', percent: 10 },
      cost: 100,
      validFrom: '2026-03-01',
      validUntil: '2026-06-01',
    },
    { id: 'shipping', name: 'Free shipping', reward: { type: 'free-shipping' }, cost: 50, tiers: ['gold'] },
  ],
};

describe('rewards', () => {
  it('redeems points and stock together, with a code, and cancelling restores both', async () => {
    const { program } = setup(catalogue);
    await program.recordOrder({ order: order('o1', 'm1', '400', '2026-03-01T09:00:00Z') });
    await program.recordOrder({ order: order('o2', 'm2', '400', '2026-03-01T09:00:00Z') });
    const r = await program.redeemReward({ memberId: 'm1', rewardId: 'coffee', requestId: 'q1' });
    expect(r).toMatchObject({ id: 'm1:q1', rewardId: 'coffee', points: 150, status: 'active', balance: 250 });
    expect(r.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await program.redeemReward({ memberId: 'm1', rewardId: 'coffee', requestId: 'q1' })).toEqual(r);

    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'coffee', requestId: 'q2' }),
    ).rejects.toMatchObject({
      code: 'REWARD_UNAVAILABLE',
      path: ['rewardId'],
      message: 'rewardId: limit of 1 per member reached',
    });
    await program.redeemReward({ memberId: 'm2', rewardId: 'coffee', requestId: 'q1' });
    await program.recordOrder({ order: order('o3', 'm3', '400', '2026-03-01T09:00:00Z') });
    await expect(
      program.redeemReward({ memberId: 'm3', rewardId: 'coffee', requestId: 'q1' }),
    ).rejects.toMatchObject({
      message: 'rewardId: out of stock',
    });
    expect((await program.catalogue('m3')).find((i) => i.reward.id === 'coffee')).toMatchObject({
      stockLeft: 0,
      available: false,
      reason: 'out of stock',
    });

    const cancelled = await program.cancelRedemption({ redemptionId: r.id, reason: 'changed my mind' });
    expect(cancelled).toMatchObject({ balance: 400, redemption: { status: 'cancelled' } });
    expect(cancelled.entry).toMatchObject({ type: 'reverse', delta: 150 });
    // the restored lot keeps the expiry of the lot it came from
    expect(cancelled.entry.credit?.lots[0]?.expiresAt).toBe('2027-03-01T09:00:00.000Z');
    expect((await program.catalogue('m3')).find((i) => i.reward.id === 'coffee')?.stockLeft).toBe(1);
    const again = await program.redeemReward({ memberId: 'm3', rewardId: 'coffee', requestId: 'q2' });
    expect(again.status).toBe('active');
    await expect(program.cancelRedemption({ redemptionId: 'm9:nope' })).rejects.toMatchObject({
      code: 'UNKNOWN_REDEMPTION',
      path: ['redemptionId'],
    });
    expect((await program.verify('m1')).ok).toBe(true);
  });

  it('refuses expired, not-yet-valid, tier-restricted, unknown and unaffordable rewards, writing nothing', async () => {
    const { program, clock } = setup(catalogue, '2026-02-01T10:00:00Z');
    await program.recordOrder({ order: order('o1', 'm1', '120', '2026-02-01T09:00:00Z') });
    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'spring', requestId: 'a' }),
    ).rejects.toMatchObject({
      code: 'REWARD_UNAVAILABLE',
      message: 'rewardId: not valid before 2026-03-01T00:00:00.000Z',
    });
    clock.set('2026-06-01T00:00:00Z');
    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'spring', requestId: 'a' }),
    ).rejects.toMatchObject({
      message: 'rewardId: expired at 2026-06-01T00:00:00.000Z',
    });
    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'shipping', requestId: 'a' }),
    ).rejects.toMatchObject({
      message: 'rewardId: only for tiers gold',
    });
    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'coffee', requestId: 'a' }),
    ).rejects.toMatchObject({
      code: 'INSUFFICIENT_POINTS',
      path: ['rewardId'],
    });
    await expect(
      program.redeemReward({ memberId: 'm1', rewardId: 'caviar', requestId: 'a' }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_REWARD',
      path: ['rewardId'],
    });
    expect((await program.entries('m1')).map((e) => e.type)).toEqual(['earn']);
    expect(
      (await program.catalogue('m1', '2026-04-01T00:00:00Z')).map((i) => [i.reward.id, i.available]),
    ).toEqual([
      ['coffee', false],
      ['five-off', true],
      ['spring', true],
      ['shipping', false],
    ]);
  });
});
