import { readFileSync } from 'node:fs';
import { createManualClock, createMemoryStorage } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { compileEarningRules, createLoyaltyProgram, parseProgramDefinition } from '../src/index';
import { setup } from './fixtures';

const guide = readFileSync(new URL('../../../docs/running-a-loyalty-programme.md', import.meta.url), 'utf8');
const json = /```json\n([\s\S]*?)\n```/.exec(guide)?.[1];

describe('the guide’s complete programme', () => {
  it('is valid', () => {
    const definition = parseProgramDefinition(JSON.parse(json!));
    expect(definition.tiers?.levels.map((l) => l.id)).toEqual(['silver', 'gold', 'diamond']);
  });

  it('earns as the guide explains', async () => {
    const { program } = setup(JSON.parse(json!), '2026-03-08T10:00:00Z');
    const r = await program.recordOrder({
      order: {
        id: 'o1',
        customerId: 'ada',
        placedAt: '2026-03-08T10:00:00Z',
        currency: 'EUR',
        channel: 'app',
        lines: [
          { sku: 'sencha', category: 'tea', quantity: 2, unitPrice: '10.00' },
          { sku: 'mug', category: 'cups', quantity: 1, unitPrice: '25.50' },
          { sku: 'card', category: 'gift-card', quantity: 1, unitPrice: '50' },
        ],
      },
      customer: { birthday: '1990-03-22' },
    });
    // 45.50 € eligible (the gift card is excluded): 45 base, tea 20 € × 2 = 40, app 45.5 × 0.5 = 22.75 → 22,
    // 100 first order, 50 birthday, 20 member day (the 8th in Berlin)
    expect(r.breakdown.map((l) => [l.id, l.points])).toEqual([
      ['base', 45],
      ['tea', 40],
      ['app', 22],
      ['first-order', 100],
      ['birthday', 50],
      ['member-day', 20],
    ]);
    expect(r.points).toBe(277);
    // pending for 14 days, expiring when 2027 ends in Berlin
    expect(r.entry?.credit?.lots[0]).toMatchObject({
      availableAt: '2026-03-22T10:00:00.000Z',
      expiresAt: '2027-12-31T23:00:00.000Z',
    });
  });

  it('lets rules read tier benefits: Gold’s perk and multiplier', () => {
    const rules = compileEarningRules(parseProgramDefinition(JSON.parse(json!)));
    const r = rules.evaluate({
      order: {
        id: 'o2',
        customerId: 'ada',
        placedAt: '2026-04-02T10:00:00Z',
        currency: 'EUR',
        lines: [{ sku: 'mug', category: 'cups', quantity: 1, unitPrice: '40' }],
      },
      member: { id: 'ada', tier: 'gold', orderCount: 5 },
    });
    // 40 base, Gold ×1.25 → 10, the priority-shipping perk → 10
    expect(r.lines.map((l) => [l.id, l.points])).toEqual([
      ['base', 40],
      ['tier:gold', 10],
      ['vip-perk', 10],
    ]);
  });
});

describe('the guide’s batch example', () => {
  it('records a page of orders as the guide says', async () => {
    const program = createLoyaltyProgram({
      storage: createMemoryStorage(),
      clock: createManualClock('2026-03-01T10:00:00Z'),
      definition: {
        id: 'tea-club',
        earning: {
          rates: [{ currency: 'EUR', points: 1 }],
          rules: [
            {
              id: 'first-order',
              label: 'welcome',
              bonus: 50,
              when: { fact: 'member.orderCount', op: 'eq', value: 0 },
            },
          ],
        },
      },
    });
    const line = (unitPrice: string) => [{ sku: 'sencha', quantity: 1, unitPrice }];
    const at = (id: string, customerId: string, placedAt: string, price: string) => ({
      order: { id, customerId, placedAt, currency: 'EUR', lines: line(price) },
    });
    const page = [
      at('o1', 'ada', '2026-03-01T09:00:00Z', '30.00'),
      at('o2', 'bob', '2026-03-01T09:05:00Z', '12.50'),
      at('o3', 'ada', '2026-03-01T09:10:00Z', '20.00'),
    ];
    const outcomes = await program.recordOrders(page);
    expect(outcomes.map((o) => [o.memberId, o.points, o.balance])).toEqual([
      ['ada', 80, 80],
      ['bob', 62, 62],
      ['ada', 20, 100],
    ]);
    expect(outcomes[0]!.summary).toBe('you earned 80 points: 30 base + 50 welcome');
    expect(await program.recordOrders(page)).toEqual(outcomes);
    expect(await program.entries('ada')).toHaveLength(2);

    const bad = [at('o4', 'ada', '2026-03-01T09:20:00Z', '5'), at('o5', 'cy', '2026-03-01T09:25:00Z', '5')];
    bad[1]!.order.lines[0]!.quantity = 0;
    await expect(program.recordOrders(bad)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: expect.arrayContaining([
        expect.objectContaining({ path: [1, 'order', 'lines', 0, 'quantity'] }),
      ]),
    });
    const gbp = at('o6', 'cy', '2026-03-01T09:30:00Z', '5');
    await expect(
      program.recordOrders([bad[0]!, { order: { ...gbp.order, currency: 'GBP' } }]),
    ).rejects.toMatchObject({
      code: 'UNSUPPORTED_CURRENCY',
      path: [1, 'order', 'currency'],
    });
    expect(await program.entries('ada')).toHaveLength(2);
  });
});
