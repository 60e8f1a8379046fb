import { parseCustomer, parseInteraction, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { complaintRate, conversionRate, rate, referralRate } from '../src/index';
import { base, MARCH, order } from './fixtures';

const interaction = (fields: Record<string, unknown>) => parseInteraction(fields);

describe('referral, conversion and complaint rates', () => {
  const referrals = [
    interaction({ type: 'referral', id: 'r1', customerId: 'A', occurredAt: '2026-03-02' }),
    interaction({ type: 'referral', id: 'r2', customerId: 'A', occurredAt: '2026-03-03' }),
    interaction({ type: 'referral', id: 'r3', customerId: 'B', occurredAt: '2026-03-04', converted: true }),
    interaction({ type: 'referral', id: 'r4', customerId: 'C', occurredAt: '2026-04-02', converted: true }),
  ];

  it('referral rate counts distinct referrers over the base', async () => {
    expect(await referralRate(referrals, { period: MARCH, base: 10 })).toEqual(rate(2, 10));
    expect((await referralRate(referrals, { period: MARCH, base: 10, convertedOnly: true })).value).toBe(0.1);
    expect((await referralRate([], { period: MARCH, base: 0 })).value).toBeNull();
    await expect(referralRate(referrals, { period: MARCH, base: -1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('conversion rate from prospects created in the period', async () => {
    const customers = [
      parseCustomer({ id: 'P1', createdAt: '2026-03-01' }),
      parseCustomer({ id: 'P2', createdAt: '2026-03-10' }),
      parseCustomer({ id: 'P3', createdAt: '2026-03-20' }),
      parseCustomer({ id: 'P4', createdAt: '2026-03-02' }),
      parseCustomer({ id: 'Q', createdAt: '2026-02-01' }),
    ];
    const orders = [
      order('1', 'P1', '2026-03-05', 10),
      order('2', 'P3', '2026-04-10', 10),
      order('3', 'P4', '2026-02-01', 10), // bought before being created: not a prospect
      order('4', 'Q', '2026-03-05', 10),
    ];
    expect(await conversionRate({ customers, orders }, { period: MARCH })).toEqual(rate(1, 3));
    expect(await conversionRate({ customers, orders }, { period: MARCH, withinDays: 30 })).toEqual(
      rate(2, 3),
    );
  });

  it('complaint rate per order and per customer', async () => {
    const complaints = [
      interaction({
        type: 'complaint',
        id: 'k1',
        customerId: 'A',
        occurredAt: '2026-03-06',
        reason: 'delivery',
      }),
      interaction({ type: 'complaint', id: 'k2', customerId: 'A', occurredAt: '2026-03-07' }),
      interaction({ type: 'complaint', id: 'k3', customerId: 'X', occurredAt: '2026-03-08' }),
      interaction({ type: 'complaint', id: 'k4', customerId: 'B', occurredAt: '2026-04-08' }),
    ];
    // March: 5 purchases by 4 customers (A, C, D, E)
    expect(await complaintRate({ interactions: complaints, orders: base }, { period: MARCH })).toEqual(
      rate(3, 5),
    );
    expect(
      await complaintRate({ interactions: complaints, orders: base }, { period: MARCH, per: 'customer' }),
    ).toEqual(rate(2, 4));
  });
});
