import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileEarningRules, parseProgramDefinition } from '../src/index';
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
