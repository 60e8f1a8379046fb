import { describe, expect, it } from 'vitest';
import type { ProgramDefinitionInput } from '../src/index';
import { basic, order, setup } from './fixtures';

const levels = [
  { id: 'silver', name: 'Silver', threshold: 0 },
  { id: 'gold', name: 'Gold', threshold: 1000, benefits: { perks: ['priority-shipping'] } },
  {
    id: 'diamond',
    name: 'Diamond',
    threshold: 3000,
    benefits: { perks: ['priority-shipping', 'dedicated-service'] },
  },
];
const tiered: ProgramDefinitionInput = {
  ...basic,
  tiers: {
    metric: 'points',
    window: { kind: 'rolling', months: 12 },
    levels,
    graceDays: 30,
    softLanding: true,
  },
};

describe('tiers', () => {
  it('upgrades at once, downgrades only at review after grace, one level at a time', async () => {
    const { program, clock } = setup(tiered, '2026-01-15T10:00:00Z');
    const first = await program.recordOrder({ order: order('o1', 'm1', '1200', '2026-01-15T10:00:00Z') });
    expect(first.tierChange).toMatchObject({
      kind: 'upgrade',
      from: 'silver',
      to: 'gold',
      reason: '1200 points over the last 12 months reaches Gold (1000)',
    });
    clock.set('2026-02-01T10:00:00Z');
    const second = await program.recordOrder({ order: order('o2', 'm1', '2000', '2026-02-01T10:00:00Z') });
    expect(second.tierChange).toMatchObject({ kind: 'upgrade', from: 'gold', to: 'diamond', value: '3200' });
    expect((await program.tier('m1')).benefits.perks).toEqual(['priority-shipping', 'dedicated-service']);

    // a year on, only the February order is in the window: 2000 points qualify for Gold, below Diamond
    expect(await program.reviewTiers({ now: '2027-01-20T00:00:00Z' })).toEqual([
      expect.objectContaining({
        kind: 'grace',
        from: 'diamond',
        to: 'diamond',
        graceUntil: '2027-02-19T00:00:00.000Z',
      }),
    ]);
    expect(await program.reviewTiers({ now: '2027-02-10T00:00:00Z' })).toEqual([]);
    const down = await program.reviewTiers({ now: '2027-02-20T00:00:00Z' });
    // 0 points qualify for Silver only, but the soft landing drops one level
    expect(down).toEqual([
      expect.objectContaining({
        kind: 'downgrade',
        from: 'diamond',
        to: 'gold',
        reason: '0 points over the last 12 months is below Diamond (3000), soft landing one level down',
      }),
    ]);
    expect(await program.reviewTiers({ now: '2027-02-20T00:00:00Z' })).toEqual(down);
    expect((await program.tierHistory('m1')).map((c) => c.kind)).toEqual([
      'upgrade',
      'upgrade',
      'grace',
      'downgrade',
    ]);
    expect((await program.tier('m1')).tier).toBe('gold');
    expect((await program.verify('m1')).ok).toBe(true);
  });

  it('requalifies during grace when activity comes back', async () => {
    const { program, clock } = setup(tiered, '2026-01-15T10:00:00Z');
    await program.recordOrder({ order: order('o1', 'm1', '1200', '2026-01-15T10:00:00Z') });
    await program.reviewTiers({ now: '2027-01-20T00:00:00Z' });
    clock.set('2027-01-25T00:00:00Z');
    await program.recordOrder({ order: order('o2', 'm1', '1000', '2027-01-25T00:00:00Z') });
    expect(await program.reviewTiers({ now: '2027-02-01T00:00:00Z' })).toEqual([
      expect.objectContaining({ kind: 'requalified', to: 'gold' }),
    ]);
  });

  it('qualifies by spend, and a refund takes its spend back', async () => {
    const { program, clock } = setup(
      {
        ...basic,
        tiers: {
          metric: 'spend',
          currency: 'EUR',
          window: { kind: 'calendar', period: 'year' },
          levels: [
            { id: 'silver', name: 'Silver', threshold: 0 },
            { id: 'gold', name: 'Gold', threshold: '500.00', benefits: { earnMultiplier: 2 } },
          ],
          softLanding: false,
        },
      },
      '2026-03-01T10:00:00Z',
    );
    const r = await program.recordOrder({ order: order('o1', 'm1', '600', '2026-03-01T10:00:00Z') });
    expect(r.tierChange).toMatchObject({ to: 'gold', reason: '600 spend this year reaches Gold (500)' });
    // Gold doubles the next order's points
    const next = await program.recordOrder({ order: order('o2', 'm1', '10', '2026-03-01T11:00:00Z') });
    expect(next.breakdown).toEqual([
      { id: 'base', label: 'base', points: 10 },
      { id: 'tier:gold', label: 'Gold tier ×2', points: 10 },
    ]);
    clock.set('2026-04-01T00:00:00Z');
    await program.refundOrder({ memberId: 'm1', orderId: 'o1', refundId: 'r1', amount: '200' });
    expect((await program.tier('m1')).value).toBe('410');
    expect(await program.reviewTiers({ now: '2026-06-30T00:00:00Z' })).toEqual([
      expect.objectContaining({ kind: 'downgrade', from: 'gold', to: 'silver' }),
    ]);
  });

  it('refuses invalid tier definitions with paths', () => {
    expect(() =>
      setup({
        ...basic,
        tiers: {
          metric: 'spend',
          window: { kind: 'rolling', months: 12 },
          levels: [
            { id: 'a', name: 'A', threshold: 10 },
            { id: 'b', name: 'B', threshold: 5 },
          ],
        },
      }),
    ).toThrow(
      expect.objectContaining({
        issues: expect.arrayContaining([
          expect.objectContaining({ path: ['definition', 'tiers', 'currency'] }),
          expect.objectContaining({ path: ['definition', 'tiers', 'levels', 0, 'threshold'] }),
          expect.objectContaining({ path: ['definition', 'tiers', 'levels', 1, 'threshold'] }),
        ]),
      }),
    );
  });
});
