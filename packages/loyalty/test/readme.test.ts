import { createManualClock, createMemoryStorage } from '@crmkit/core';
import { expect, it } from 'vitest';
import { createLoyaltyProgram } from '../src/index';

it('the README example earns and reverses what it says', async () => {
  const program = createLoyaltyProgram({
    storage: createMemoryStorage(),
    clock: createManualClock('2026-03-01T10:00:00Z'),
    definition: {
      id: 'tea-club',
      pendingDays: 14,
      expiry: { kind: 'rolling', months: 12 },
      refunds: { policy: 'claw-back' },
      earning: {
        rates: [{ currency: 'EUR', points: 1 }],
        rules: [
          {
            id: 'birthday',
            label: 'birthday bonus',
            bonus: 20,
            when: { fact: 'customer.birthday', op: 'sameMonth', value: { fact: 'order.placedAt' } },
          },
        ],
      },
    },
  });
  const earned = await program.recordOrder({
    order: {
      id: 'o1',
      customerId: 'ada',
      placedAt: '2026-03-01T09:00:00Z',
      currency: 'EUR',
      lines: [{ sku: 'tea', quantity: 1, unitPrice: '100.00' }],
    },
    customer: { birthday: '1990-03-22' },
  });
  expect(earned.summary).toBe('you earned 120 points: 100 base + 20 birthday bonus');
  const refund = await program.refundOrder({ memberId: 'ada', orderId: 'o1', refundId: 'r1', amount: '50' });
  expect(refund.reversed).toBe(60);
  expect(await program.balance('ada', '2026-03-20T00:00:00Z')).toMatchObject({
    balance: 60,
    available: 60,
    pending: 0,
  });
});
