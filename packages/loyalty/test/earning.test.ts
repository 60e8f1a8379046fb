import { systemClock } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { compileEarningRules, type ProgramDefinitionInput, parseProgramDefinition } from '../src/index';
import { setup } from './fixtures';

const shop: ProgramDefinitionInput = {
  id: 'shop',
  earning: {
    rates: [
      {
        currency: 'EUR',
        points: 2,
        label: 'VIP base',
        when: { fact: 'member.segment', op: 'eq', value: 'vip' },
      },
      { currency: 'EUR', points: 1, label: 'base' },
      { currency: 'GBP', points: 1, label: 'base' },
    ],
    exclude: { categories: ['tobacco'], discounted: true },
    rules: [
      { id: 'tea', label: 'tea ×3', multiplier: 3, categories: ['tea'] },
      {
        id: 'app',
        label: 'app ×1.5',
        multiplier: 1.5,
        when: { fact: 'order.channel', op: 'eq', value: 'app' },
      },
      {
        id: 'first',
        label: 'first order bonus',
        bonus: 50,
        when: { fact: 'member.orderCount', op: 'eq', value: 0 },
      },
      {
        id: 'birthday',
        label: 'birthday bonus',
        bonus: 20,
        when: { fact: 'customer.birthday', op: 'sameMonth', value: { fact: 'order.placedAt' } },
      },
      {
        id: 'member-day',
        label: 'member day',
        bonus: 8,
        when: { fact: 'order.placedAt', op: 'dayOfMonth', value: 8 },
      },
      {
        id: 'holiday',
        label: 'holiday bonus',
        bonus: 25,
        when: { fact: 'order.date', op: 'in', value: ['2026-12-24', '2026-12-25'] },
      },
      {
        id: 'black-friday',
        label: 'Black Friday ×2',
        multiplier: 2,
        when: {
          fact: 'order.placedAt',
          op: 'between',
          value: ['2026-11-27T00:00:00Z', '2026-11-30T23:59:59Z'],
        },
      },
    ],
    caps: { perOrder: 1000, perDay: 1500 },
  },
  tiers: {
    metric: 'points',
    window: { kind: 'rolling', months: 12 },
    levels: [
      { id: 'silver', name: 'Silver', threshold: 0 },
      {
        id: 'gold',
        name: 'Gold',
        threshold: 1000,
        benefits: { earnMultiplier: 1.5, perks: ['priority-shipping'] },
      },
    ],
  },
};

const rules = compileEarningRules(parseProgramDefinition(shop), { clock: systemClock });
const line = (sku: string, category: string, unitPrice: string, quantity = 1) => ({
  sku,
  category,
  unitPrice,
  quantity,
});
const orderOf = (
  placedAt: string,
  lines: ReturnType<typeof line>[],
  extra: Record<string, unknown> = {},
) => ({
  id: 'o1',
  customerId: 'c1',
  placedAt,
  currency: 'EUR',
  lines,
  ...extra,
});

describe('earning rules', () => {
  it('explains a first order in the birthday month: base + category multiplier + bonuses', () => {
    const r = rules.evaluate({
      order: orderOf('2026-03-10T12:00:00Z', [
        line('sencha', 'tea', '10.00', 2),
        line('mug', 'cups', '25.50'),
      ]),
      member: { id: 'c1' },
      customer: { birthday: '1990-03-22' },
    });
    // 45.50 EUR eligible: 45 base (floor); tea 20 EUR × 1 × (3 − 1) = 40; 50 first order; 20 birthday
    expect(r.lines.map((l) => [l.id, l.points])).toEqual([
      ['base', 45],
      ['tea', 40],
      ['first', 50],
      ['birthday', 20],
    ]);
    expect(r.points).toBe(155);
    expect(r.eligibleAmount).toBe('45.5');
    expect(r.summary).toBe(
      'you earned 155 points: 45 base + 40 tea ×3 + 50 first order bonus + 20 birthday bonus',
    );
  });

  it('applies the segment rate, tier multiplier, channel multiplier, member day and exclusions', () => {
    const r = rules.evaluate({
      order: orderOf(
        '2026-03-08T12:00:00Z',
        [
          line('sencha', 'tea', '9.99'),
          line('cigars', 'tobacco', '20'),
          line('card', 'gift-card', '50'),
          line('crisps', 'snacks', '5.01'),
        ],
        { channel: 'app' },
      ),
      member: { id: 'c1', tier: 'gold', segment: 'vip', orderCount: 3 },
      discountedSkus: ['crisps'],
    });
    // only the tea is eligible: 9.99 × 2 = 19.98 → 19 base; gold ×1.5 → 9.99 → 9; tea ×3 → 39.96 → 39;
    // app ×1.5 → 9.99 → 9; member day (8th) 8
    expect(r.lines.map((l) => [l.id, l.points])).toEqual([
      ['base', 19],
      ['tier:gold', 9],
      ['tea', 39],
      ['app', 9],
      ['member-day', 8],
    ]);
    expect(r.points).toBe(84);
  });

  it('scales lines by an order-level discount and applies campaign and holiday windows', () => {
    const discounted = rules.evaluate({
      order: orderOf('2026-11-28T10:00:00Z', [line('mug', 'cups', '100')], { total: '80' }),
      member: { id: 'c1', orderCount: 1 },
    });
    expect(discounted.lines.map((l) => [l.id, l.points])).toEqual([
      ['base', 80],
      ['black-friday', 80],
    ]);
    const christmas = rules.evaluate({
      order: orderOf('2026-12-25T10:00:00Z', [line('mug', 'cups', '10')]),
      member: { id: 'c1', orderCount: 1 },
    });
    expect(christmas.points).toBe(35);
  });

  it('caps per order, then per day, as negative lines', () => {
    const r = rules.evaluate({
      order: orderOf('2026-03-10T12:00:00Z', [line('sofa', 'cups', '1500')]),
      member: { id: 'c1', earnedToday: 900 },
    });
    expect(r.lines.map((l) => [l.id, l.points])).toEqual([
      ['base', 1500],
      ['first', 50],
      ['cap:perOrder', -550],
      ['cap:perDay', -400],
    ]);
    expect(r.points).toBe(600);
  });

  it('rounds as the programme states', () => {
    const def = (rounding: 'floor' | 'half-up') =>
      compileEarningRules(
        parseProgramDefinition({ id: 'r', earning: { rates: [{ currency: 'EUR', points: 1 }], rounding } }),
      );
    const input = { order: orderOf('2026-03-10T12:00:00Z', [line('a', 'x', '10.50')]), member: { id: 'c1' } };
    expect(def('floor').evaluate(input).points).toBe(10);
    expect(def('half-up').evaluate(input).points).toBe(11);
  });

  it('reads calendar conditions in the programme time zone', () => {
    const tokyo = compileEarningRules(parseProgramDefinition({ ...shop, timeZone: 'Asia/Tokyo' }), {
      clock: systemClock,
    });
    // 20:00 UTC on March 7 is 05:00 on March 8 in Tokyo: member day
    const r = tokyo.evaluate({
      order: orderOf('2026-03-07T20:00:00Z', [line('mug', 'cups', '10')]),
      member: { id: 'c1', orderCount: 1 },
    });
    expect(r.lines.map((l) => l.id)).toContain('member-day');
  });

  it('returns the explanation of every rule that fired', async () => {
    const { program } = setup(shop);
    const r = await program.previewOrder({
      order: orderOf('2026-03-10T12:00:00Z', [line('mug', 'cups', '10')]),
      customer: { birthday: '1990-03-22' },
    });
    const birthday = r.lines.find((l) => l.id === 'birthday');
    expect(birthday?.explanation).toMatchObject({
      kind: 'fact',
      held: true,
      fact: 'customer.birthday',
      op: 'sameMonth',
    });
  });

  it('refuses a currency without a rate, an unknown currency and negative amounts with their paths', () => {
    const member = { id: 'c1' };
    expect(() =>
      rules.evaluate({ order: { ...orderOf('2026-03-10', [line('a', 'x', '1')]), currency: 'USD' }, member }),
    ).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_CURRENCY', path: ['order', 'currency'] }));
    expect(() =>
      rules.evaluate({
        order: { ...orderOf('2026-03-10', [line('a', 'x', '1')]), currency: 'EURO' },
        member,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        issues: [expect.objectContaining({ path: ['order', 'currency'] })],
      }),
    );
    expect(() => rules.evaluate({ order: orderOf('2026-03-10', [line('a', 'x', '-5')]), member })).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['order', 'lines', 0, 'unitPrice'] })],
      }),
    );
  });

  it('derives order.date, order.skus, order.categories and member.perks for the conditions that read them', () => {
    const derived = compileEarningRules(
      parseProgramDefinition({
        id: 'derived',
        earning: {
          rates: [{ currency: 'EUR', points: 1 }],
          rules: [
            {
              id: 'sku',
              label: 'sku',
              bonus: 1,
              when: { fact: 'order.skus', op: 'contains', value: 'sencha' },
            },
            {
              id: 'cat',
              label: 'cat',
              bonus: 2,
              when: { fact: 'order.categories', op: 'contains', value: 'tea' },
            },
            {
              id: 'day',
              label: 'day',
              bonus: 4,
              when: { fact: 'order.date', op: 'eq', value: '2026-03-08' },
            },
            {
              id: 'perk',
              label: 'perk',
              bonus: 8,
              when: { fact: 'member.perks', op: 'contains', value: 'vip' },
            },
          ],
        },
        tiers: {
          metric: 'orders',
          window: { kind: 'rolling', months: 12 },
          levels: [{ id: 'base', name: 'Base', threshold: 0, benefits: { perks: ['vip'] } }],
        },
      }),
    );
    const points = (member: { id: string; tier: string | null }, lines: ReturnType<typeof line>[]) =>
      derived.evaluate({ order: orderOf('2026-03-08T10:00:00+01:00', lines), member }).points;
    expect(points({ id: 'c1', tier: 'base' }, [line('sencha', 'tea', '10')])).toBe(10 + 1 + 2 + 4 + 8);
    expect(points({ id: 'c1', tier: null }, [line('cup', 'ware', '10')])).toBe(10 + 4);
  });

  it('refuses a programme with a broken condition, naming its path', () => {
    const broken = {
      ...shop,
      earning: {
        ...shop.earning,
        rules: [{ id: 'x', label: 'x', bonus: 1, when: { fact: 'order.total', op: 'gtee', value: 1 } }],
      },
    };
    expect(() => parseProgramDefinition(broken)).toThrow(
      expect.objectContaining({
        issues: [expect.objectContaining({ path: ['earning', 'rules', 0, 'when', 'op'] })],
      }),
    );
  });
});
