import { createManualClock, createMemoryStorage, type Storage } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { createLoyaltyProgram, type LoyaltyProgram, type ProgramDefinitionInput } from '../src/index';
import { basic, order, setup } from './fixtures';

const full: ProgramDefinitionInput = {
  ...basic,
  transfers: { enabled: true, minPoints: 10 },
  earning: { ...basic.earning, activities: { review: { points: 20 } } },
  tiers: {
    metric: 'orders',
    window: { kind: 'rolling', months: 12 },
    levels: [{ id: 'member', name: 'Member', threshold: 0 }],
  },
  rewards: [{ id: 'coffee', name: 'Coffee', reward: { type: 'gift', sku: 'coffee' }, cost: 100 }],
  referrals: { referrerPoints: 10, refereePoints: 10 },
};

/** Everything stored: every document of the programme's collections and every event. */
async function dump(storage: Storage) {
  const out: unknown[] = [];
  for (const c of ['accounts', 'keys', 'stock', 'redemptions', 'referral-codes', 'referrals'])
    for await (const d of storage.documents.list(`loyalty.club.${c}`)) out.push(d);
  for await (const e of storage.events.readAll()) out.push(e);
  return out;
}

type Case = [
  name: string,
  call: (p: LoyaltyProgram) => Promise<unknown>,
  code: string,
  path: (string | number)[],
];

const cases: Case[] = [
  [
    'recordOrder: zero quantity',
    (p) =>
      p.recordOrder({
        order: {
          ...order('o9', 'm1', '5', '2026-03-01'),
          lines: [{ sku: 'a', quantity: 0, unitPrice: '1' }],
        },
      }),
    'VALIDATION',
    ['order', 'lines', 0, 'quantity'],
  ],
  [
    'recordOrder: negative amount',
    (p) => p.recordOrder({ order: order('o9', 'm1', '-5', '2026-03-01') }),
    'VALIDATION',
    ['order', 'lines', 0, 'unitPrice'],
  ],
  [
    'recordOrder: unknown currency',
    (p) => p.recordOrder({ order: { ...order('o9', 'm1', '5', '2026-03-01'), currency: 'EURO' } }),
    'VALIDATION',
    ['order', 'currency'],
  ],
  [
    'recordOrder: currency without a rate',
    (p) => p.recordOrder({ order: { ...order('o9', 'm1', '5', '2026-03-01'), currency: 'JPY' } }),
    'UNSUPPORTED_CURRENCY',
    ['order', 'currency'],
  ],
  ['previewOrder: missing order', (p) => p.previewOrder({} as never), 'VALIDATION', ['order']],
  [
    'refundOrder: negative amount',
    (p) => p.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r', amount: '-1' }),
    'VALIDATION',
    ['amount'],
  ],
  [
    'refundOrder: more than the order',
    (p) => p.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r', amount: '500' }),
    'VALIDATION',
    ['amount'],
  ],
  [
    'refundOrder: unknown member',
    (p) => p.refundOrder({ memberId: 'zz', orderId: 'o1', refundId: 'r', amount: '1' }),
    'UNKNOWN_MEMBER',
    ['memberId'],
  ],
  [
    'redeemPoints: negative points',
    (p) => p.redeemPoints({ memberId: 'm1', points: -5, requestId: 'x' }),
    'VALIDATION',
    ['points'],
  ],
  [
    'redeemPoints: fractional points',
    (p) => p.redeemPoints({ memberId: 'm1', points: 1.5, requestId: 'x' }),
    'VALIDATION',
    ['points'],
  ],
  [
    'redeemPoints: more than the balance',
    (p) => p.redeemPoints({ memberId: 'm1', points: 101, requestId: 'x' }),
    'INSUFFICIENT_POINTS',
    ['points'],
  ],
  [
    'adjustPoints: zero',
    (p) => p.adjustPoints({ memberId: 'm1', points: 0, reason: 'x', requestId: 'x' }),
    'VALIDATION',
    ['points'],
  ],
  [
    'adjustPoints: no reason',
    (p) => p.adjustPoints({ memberId: 'm1', points: 5, requestId: 'x' } as never),
    'VALIDATION',
    ['reason'],
  ],
  [
    'transferPoints: to oneself',
    (p) => p.transferPoints({ from: 'm1', to: 'm1', points: 20, requestId: 'x' }),
    'VALIDATION',
    ['to'],
  ],
  [
    'transferPoints: below the minimum',
    (p) => p.transferPoints({ from: 'm1', to: 'm2', points: 5, requestId: 'x' }),
    'VALIDATION',
    ['points'],
  ],
  [
    'transferPoints: more than the balance',
    (p) => p.transferPoints({ from: 'm1', to: 'm2', points: 500, requestId: 'x' }),
    'INSUFFICIENT_POINTS',
    ['points'],
  ],
  [
    'recordActivity: unknown activity',
    (p) => p.recordActivity({ memberId: 'm1', activity: 'dance', activityId: 'x' }),
    'VALIDATION',
    ['activity'],
  ],
  ['expirePoints: bad instant', (p) => p.expirePoints({ now: 'soon' }), 'VALIDATION', ['now']],
  ['reviewTiers: bad instant', (p) => p.reviewTiers({ now: 'later' }), 'VALIDATION', ['now']],
  ['catalogue: bad instant', (p) => p.catalogue('m1', 'never'), 'VALIDATION', ['at']],
  [
    'redeemReward: no request id',
    (p) => p.redeemReward({ memberId: 'm1', rewardId: 'coffee' } as never),
    'VALIDATION',
    ['requestId'],
  ],
  [
    'redeemReward: unaffordable',
    (p) => p.redeemReward({ memberId: 'm2', rewardId: 'coffee', requestId: 'x' }),
    'INSUFFICIENT_POINTS',
    ['rewardId'],
  ],
  ['cancelRedemption: no id', (p) => p.cancelRedemption({} as never), 'VALIDATION', ['redemptionId']],
  ['referralCode: empty member', (p) => p.referralCode(''), 'VALIDATION', ['memberId']],
  [
    'registerReferral: empty code',
    (p) => p.registerReferral({ code: '', refereeId: 'm3' }),
    'VALIDATION',
    ['code'],
  ],
  ['balance: empty member', (p) => p.balance(''), 'VALIDATION', ['memberId']],
  ['balance: bad instant', (p) => p.balance('m1', 'x'), 'VALIDATION', ['at']],
  ['tier: empty member', (p) => p.tier(' m1'), 'VALIDATION', ['memberId']],
  ['entries: empty member', (p) => p.entries(''), 'VALIDATION', ['memberId']],
  ['tierHistory: empty member', (p) => p.tierHistory(''), 'VALIDATION', ['memberId']],
  ['account: empty member', (p) => p.account(''), 'VALIDATION', ['memberId']],
  ['verify: empty member', (p) => p.verify(''), 'VALIDATION', ['memberId']],
];

describe('every entry point refuses bad input with a typed error and writes nothing', () => {
  it.each(cases)('%s', async (_name, call, code, path) => {
    const { program, storage } = setup(full);
    await program.recordOrder({ order: order('o1', 'm1', '100', '2026-03-01T09:00:00Z') });
    const before = await dump(storage);
    const error = await call(program).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code });
    const paths =
      code === 'VALIDATION'
        ? (error as { issues: { path: unknown[] }[] }).issues.map((i) => i.path)
        : [(error as { path: unknown[] }).path];
    expect(paths).toContainEqual(path);
    expect(await dump(storage)).toEqual(before);
  });

  it('createLoyaltyProgram: options and definition', () => {
    const clock = createManualClock('2026-03-01');
    expect(() => createLoyaltyProgram({ clock, definition: basic } as never)).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['storage'] })] }),
    );
    expect(() =>
      createLoyaltyProgram({
        storage: createMemoryStorage(),
        clock,
        definition: { ...basic, pendingDays: -1 },
      }),
    ).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['definition', 'pendingDays'] })] }),
    );
    expect(() =>
      createLoyaltyProgram({
        storage: createMemoryStorage(),
        clock,
        definition: { ...basic, timeZone: 'Mars/Olympus' },
      }),
    ).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ path: ['definition', 'timeZone'] })] }),
    );
    expect(() =>
      createLoyaltyProgram({
        storage: createMemoryStorage(),
        clock,
        definition: {
          ...basic,
          rewards: [{ id: 'x', name: 'X', reward: { type: 'gift', sku: 's' }, cost: 1, tiers: ['gold'] }],
        },
      }),
    ).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['definition', 'rewards', 0, 'tiers', 0] })],
      }),
    );
  });
});
