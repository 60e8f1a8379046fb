import {
  CampaignSchema,
  CustomerSchema,
  Money,
  netTotal,
  OrderSchema,
  parseCampaign,
  parseCustomer,
  parseInteraction,
  parseOrder,
  refundedAmount,
  ValidationError,
} from '@crmkit/core';
import { describe, expect, it } from 'vitest';

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('VALIDATION');
    return (e as ValidationError).issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }
  throw new Error('expected a ValidationError');
}

const order = {
  id: 'o1',
  customerId: 'c1',
  placedAt: '2026-03-01T12:00:00Z',
  currency: 'EUR',
  lines: [
    { sku: 'tea', category: 'drinks', quantity: 2, unitPrice: '4.50', unitCost: '2.10' },
    { sku: 'cup', quantity: 1, unitPrice: 12 },
  ],
};

describe('Customer', () => {
  it('parses with defaults and converts dates', () => {
    const c = parseCustomer({
      id: 'c1',
      email: 'ada@example.com',
      birthday: '1990-02-28',
      attributes: { region: 'EU', plan: 'pro', seats: 12 },
      consent: { email: { granted: true, at: '2026-01-01T00:00:00+01:00' } },
      createdAt: '2026-01-05',
    });
    expect(c.kind).toBe('person');
    expect(c.tags).toEqual([]);
    expect(c.externalIds).toEqual({});
    expect(c.createdAt.toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(c.consent['email']!.at.toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(c.attributes).toEqual({ region: 'EU', plan: 'pro', seats: 12 });
  });

  it('names every bad field', () => {
    expect(
      issuesOf(() =>
        parseCustomer({
          id: ' c1',
          email: 'not-an-email',
          birthday: '1990-02-30',
          createdAt: 'yesterday',
          tags: [''],
          nickname: 'x',
        }),
      ).map((i) => i.path),
    ).toEqual(expect.arrayContaining(['id', 'email', 'birthday', 'createdAt', 'tags.0', '']));
    const [unknownKey] = issuesOf(() => parseCustomer({ id: 'c1', createdAt: '2026-01-01', nickname: 'x' }));
    expect(unknownKey!.message).toMatch(/nickname/);
    expect(issuesOf(() => parseCustomer({ id: 'c1', createdAt: new Date(Number.NaN) }))[0]!.path).toBe(
      'createdAt',
    );
    expect(issuesOf(() => parseCustomer(null))[0]!.path).toBe('');
    expect(
      issuesOf(() => parseCustomer({ id: 'c1', createdAt: '2026-01-01', phone: 'call me' }))[0]!.path,
    ).toBe('phone');
  });

  it('is idempotent: a parsed customer parses to the same customer', () => {
    const c = parseCustomer({ id: 'c1', createdAt: '2026-01-05T10:00:00Z', tags: ['vip'] });
    expect(CustomerSchema.parse(c)).toEqual(c);
  });
});

describe('Order', () => {
  it('turns amounts into Money of the order currency and defaults the total to the lines', () => {
    const o = parseOrder(order);
    expect(o.total.toString()).toBe('21 EUR');
    expect(o.lines[0]!.unitPrice.equals(Money.of('4.5', 'EUR'))).toBe(true);
    expect(o.lines[0]!.unitCost!.toString()).toBe('2.1 EUR');
    expect(o.lines[1]!.unitCost).toBeUndefined();
    expect(o.status).toBe('placed');
    expect(o.refunds).toEqual([]);
    expect(o.placedAt.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });

  it('keeps an explicit total and computes refunds and net total', () => {
    const o = parseOrder({
      ...order,
      total: '25.90',
      refunds: [
        { id: 'r1', refundedAt: '2026-03-05', amount: '4.50', lines: [{ sku: 'tea', quantity: 1 }] },
        { id: 'r2', refundedAt: '2026-03-06', amount: Money.of('1.40', 'EUR') },
      ],
    });
    expect(o.total.toString()).toBe('25.9 EUR');
    expect(refundedAmount(o).toString()).toBe('5.9 EUR');
    expect(netTotal(o).toString()).toBe('20 EUR');
    expect(OrderSchema.parse(o)).toEqual(o);
  });

  it('rejects inconsistent orders, naming the field', () => {
    expect(issuesOf(() => parseOrder({ ...order, lines: [] }))).toEqual([
      { path: 'lines', message: 'an order needs at least one line' },
    ]);
    expect(issuesOf(() => parseOrder({ ...order, currency: 'XXX' }))[0]!.path).toBe('currency');
    expect(
      issuesOf(() => parseOrder({ ...order, lines: [{ sku: 'tea', quantity: 0.5, unitPrice: '-1' }] })).map(
        (i) => i.path,
      ),
    ).toEqual(['lines.0.quantity']);
    expect(
      issuesOf(() => parseOrder({ ...order, lines: [{ sku: 'tea', quantity: 1, unitPrice: '-1' }] })),
    ).toEqual([{ path: 'lines.0.unitPrice', message: 'must not be negative' }]);
    expect(
      issuesOf(() =>
        parseOrder({ ...order, lines: [{ sku: 'tea', quantity: 1, unitPrice: Money.of(1, 'USD') }] }),
      ),
    ).toEqual([{ path: 'lines.0.unitPrice', message: 'must be in EUR, got USD' }]);
    expect(
      issuesOf(() => parseOrder({ ...order, lines: [{ sku: 'tea', quantity: 1, unitPrice: 'ten' }] }))[0]!
        .path,
    ).toBe('lines.0.unitPrice');
    const refundIssues = issuesOf(() =>
      parseOrder({
        ...order,
        refunds: [
          { id: 'r1', refundedAt: '2026-02-01', amount: '15', lines: [{ sku: 'tea', quantity: 3 }] },
          { id: 'r1', refundedAt: '2026-03-02', amount: '10', lines: [{ sku: 'mug', quantity: 1 }] },
        ],
      }),
    );
    expect(refundIssues).toEqual(
      expect.arrayContaining([
        { path: 'refunds.0.refundedAt', message: 'must not be before placedAt' },
        { path: 'refunds.0.lines.0.quantity', message: 'refunds 3 of 2 ordered' },
        { path: 'refunds.1.id', message: 'duplicate refund id' },
        { path: 'refunds.1.lines.0.sku', message: 'is not a sku of this order' },
        { path: 'refunds', message: 'refunds 25 exceed the total 21' },
      ]),
    );
    expect(
      issuesOf(() => parseOrder({ ...order, refunds: [{ id: 'r1', refundedAt: '2026-03-02', amount: 0 }] })),
    ).toEqual([{ path: 'refunds.0.amount', message: 'must be greater than 0' }]);
  });
});

describe('Interaction', () => {
  const base = { id: 'i1', customerId: 'c1', occurredAt: '2026-03-01T00:00:00Z' };

  it('parses each kind', () => {
    expect(parseInteraction({ ...base, type: 'survey', nps: 9, csat: 5 })).toMatchObject({ nps: 9, csat: 5 });
    expect(parseInteraction({ ...base, type: 'referral' })).toMatchObject({ converted: false });
    const touch = parseInteraction({ ...base, type: 'marketing', cost: { amount: '0.35', currency: 'EUR' } });
    expect(touch.type === 'marketing' && touch.cost?.toString()).toBe('0.35 EUR');
    expect(
      parseInteraction({ ...base, type: 'ticket', ticketId: 't1', status: 'opened', level: '24h' }).type,
    ).toBe('ticket');
    expect(
      parseInteraction({ ...base, type: 'complaint', reason: 'price', resolvedAt: '2026-03-02' }).type,
    ).toBe('complaint');
    expect(parseInteraction({ ...base, type: 'activity', activity: 'visit' }).type).toBe('activity');
    expect(parseInteraction({ ...base, type: 'review', rating: 4 }).type).toBe('review');
  });

  it('rejects bad interactions, naming the field', () => {
    expect(issuesOf(() => parseInteraction({ ...base, type: 'survey', nps: 11 }))[0]).toEqual({
      path: 'nps',
      message: 'must be at most 10',
    });
    expect(issuesOf(() => parseInteraction({ ...base, type: 'survey' }))[0]).toEqual({
      path: 'nps',
      message: 'a survey needs at least one of nps, csat, ces',
    });
    expect(issuesOf(() => parseInteraction({ ...base, type: 'review', rating: 0 }))[0]!.path).toBe('rating');
    expect(issuesOf(() => parseInteraction({ ...base, type: 'gossip' }))[0]!.path).toBe('type');
    expect(
      issuesOf(() => parseInteraction({ ...base, type: 'complaint', resolvedAt: '2026-02-01' }))[0],
    ).toEqual({ path: 'resolvedAt', message: 'must not be before occurredAt' });
    expect(
      issuesOf(() =>
        parseInteraction({ ...base, type: 'marketing', cost: { amount: 'x', currency: 'EUR' } }),
      )[0]!.path,
    ).toBe('cost');
  });
});

describe('Campaign', () => {
  const campaign = {
    id: 'spring',
    name: 'Spring sale',
    channel: 'search',
    startsAt: '2026-03-01',
    endsAt: '2026-03-31',
    spend: { amount: '5000', currency: 'EUR' },
  };

  it('parses spend as Money', () => {
    expect(parseCampaign(campaign).spend.toString()).toBe('5000 EUR');
    const parsed = parseCampaign(campaign);
    expect(CampaignSchema.parse(parsed)).toEqual(parsed);
  });

  it('rejects bad campaigns', () => {
    expect(issuesOf(() => parseCampaign({ ...campaign, endsAt: '2026-02-01' }))).toEqual([
      { path: 'endsAt', message: 'must not be before startsAt' },
    ]);
    expect(issuesOf(() => parseCampaign({ ...campaign, spend: { amount: '-1', currency: 'EUR' } }))).toEqual([
      { path: 'spend', message: 'must not be negative' },
    ]);
    expect(
      issuesOf(() => parseCampaign({ ...campaign, spend: { amount: '1', currency: 'EURO' } }))[0]!.path,
    ).toBe('spend');
  });
});
