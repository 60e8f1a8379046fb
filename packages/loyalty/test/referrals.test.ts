import { describe, expect, it } from 'vitest';
import type { ProgramDefinitionInput } from '../src/index';
import { basic, order, setup } from './fixtures';

const referrals: ProgramDefinitionInput = {
  ...basic,
  referrals: {
    referrerPoints: 500,
    refereePoints: 250,
    minOrderTotal: { amount: '30', currency: 'EUR' },
    windowDays: 30,
    maxPerReferrer: 2,
  },
};

describe('referrals', () => {
  it('waits for the first order that meets the minimum', async () => {
    const { program, clock } = setup(referrals);
    const code = await program.referralCode('ada');
    expect(await program.referralCode('ada')).toBe(code);
    const referral = await program.registerReferral({ code, refereeId: 'bob' });
    expect(referral).toMatchObject({ referrerId: 'ada', refereeId: 'bob', status: 'pending' });

    clock.advance({ days: 2 });
    const small = await program.recordOrder({ order: order('b1', 'bob', '20', '2026-03-03T10:00:00Z') });
    expect(small.referral).toBeNull();
    expect((await program.balance('ada')).balance).toBe(0);
    const next = await program.recordOrder({ order: order('b2', 'bob', '30', '2026-03-04T10:00:00Z') });
    expect(next.referral?.status).toBe('rewarded');
    expect((await program.balance('ada')).balance).toBe(500);
  });

  it('rewards both sides on the referee’s first qualifying order, once', async () => {
    const { program } = setup(referrals);
    const code = await program.referralCode('ada');
    await program.registerReferral({ code, refereeId: 'bob' });
    const first = await program.recordOrder({ order: order('b1', 'bob', '45', '2026-03-02T10:00:00Z') });
    expect(first.referral).toEqual({
      referrerId: 'ada',
      status: 'rewarded',
      referrerPoints: 500,
      refereePoints: 250,
    });
    expect(first.balance).toBe(295);
    expect((await program.balance('ada')).balance).toBe(500);
    const second = await program.recordOrder({ order: order('b2', 'bob', '45', '2026-03-03T10:00:00Z') });
    expect(second.referral).toBeNull();
    expect((await program.balance('ada')).balance).toBe(500);
  });

  it('refuses self-referral, repeated attribution, existing customers and unknown codes', async () => {
    const { program } = setup(referrals);
    const code = await program.referralCode('ada');
    const other = await program.referralCode('cyd');
    await expect(program.registerReferral({ code, refereeId: 'ada' })).rejects.toMatchObject({
      code: 'REFERRAL_REJECTED',
      path: ['refereeId'],
      message: 'refereeId: a member cannot refer themselves',
    });
    await program.registerReferral({ code, refereeId: 'bob' });
    await expect(program.registerReferral({ code: other, refereeId: 'bob' })).rejects.toMatchObject({
      code: 'REFERRAL_REJECTED',
      message: 'refereeId: already referred by ada',
    });
    await program.recordOrder({ order: order('d1', 'dan', '50', '2026-03-01T09:00:00Z') });
    await expect(program.registerReferral({ code, refereeId: 'dan' })).rejects.toMatchObject({
      message: 'refereeId: is not a new customer (has orders already)',
    });
    await expect(program.registerReferral({ code: 'NOPE', refereeId: 'eve' })).rejects.toMatchObject({
      path: ['code'],
      message: 'code: unknown referral code',
    });
  });

  it('expires outside the window and stops at the per-referrer cap', async () => {
    const { program } = setup(referrals);
    const code = await program.referralCode('ada');
    for (const id of ['b', 'c', 'd', 'e']) await program.registerReferral({ code, refereeId: id });
    const late = await program.recordOrder({ order: order('b1', 'b', '50', '2026-04-15T10:00:00Z') });
    expect(late.referral?.status).toBe('expired');
    const statuses = [];
    for (const id of ['c', 'd', 'e'])
      statuses.push(
        (await program.recordOrder({ order: order(`${id}1`, id, '50', '2026-03-05T10:00:00Z') })).referral
          ?.status,
      );
    expect(statuses).toEqual(['rewarded', 'rewarded', 'capped']);
    expect((await program.balance('ada')).balance).toBe(1000);
  });
});
