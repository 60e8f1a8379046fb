import { ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  advance,
  b2bAccount,
  customerJourney,
  customerJourneyDefinition,
  dueTimers,
  relationshipClass,
  serviceTicket,
  transition,
} from '../src/index';

const at = (iso: string) => new Date(iso);
const types = (effects: readonly { type: string }[]) => effects.map((e) => e.type);

describe('customerJourney', () => {
  const journey = customerJourney();
  const placed = { type: 'order.placed' } as const;

  it('walks prospect → intent → new → active → mature on leads, orders and value', () => {
    let r = transition(journey, 'prospect', { type: 'lead.captured' }, {});
    expect([r.state, types(r.effects)]).toEqual(['intent', ['journey.nurture']]);
    r = transition(journey, 'intent', placed, { orderCount: 1, totalSpend: 40 });
    expect([r.state, types(r.effects)]).toEqual(['new', ['journey.welcome']]);
    r = transition(journey, 'new', placed, { orderCount: 2, totalSpend: 80 });
    expect([r.state, types(r.effects)]).toEqual(['active', ['journey.becameActive']]);
    // five orders but only 499.99 spent: stays active
    expect(transition(journey, 'active', placed, { orderCount: 5, totalSpend: '499.99' }).taken).toBe(false);
    // exactly 500 counts
    r = transition(journey, 'active', placed, { orderCount: 5, totalSpend: '500.00' });
    expect([r.state, types(r.effects)]).toEqual(['mature', ['journey.loyaltyInvite']]);
  });

  it('buys straight from prospect, and a first order stays new', () => {
    expect(transition(journey, 'prospect', placed, { orderCount: 1 }).state).toBe('new');
    expect(transition(journey, 'new', placed, { orderCount: 1 }).taken).toBe(false);
  });

  it('goes at risk after exactly 90 days without an order, churned after 180, reactivated on an order', () => {
    const ctx = { orderCount: 6, totalSpend: 900, lastOrderAt: '2026-01-10T12:00:00Z' };
    const mature = { state: 'mature' as const, since: at('2026-01-10T12:00:00Z') };
    expect(advance(journey, mature, at('2026-04-10T11:59:59Z'), ctx).steps).toEqual([]);
    const risk = advance(journey, mature, at('2026-04-10T12:00:00Z'), ctx);
    expect([risk.state, risk.since.toISOString()]).toEqual(['atRisk', '2026-04-10T12:00:00.000Z']);
    expect(types(risk.steps[0]!.effects)).toEqual(['journey.retentionOffer']);
    expect(advance(journey, risk, at('2026-07-09T11:59:59Z'), ctx).state).toBe('atRisk');
    const churned = advance(journey, mature, at('2026-07-09T12:00:00Z'), ctx);
    expect(churned.steps.map((s) => [s.state, s.at.toISOString()])).toEqual([
      ['atRisk', '2026-04-10T12:00:00.000Z'],
      ['churned', '2026-07-09T12:00:00.000Z'],
    ]);
    const back = transition(journey, 'churned', placed, {
      ...ctx,
      orderCount: 7,
      lastOrderAt: '2026-09-01T00:00:00Z',
    });
    expect([back.state, types(back.effects)]).toEqual(['reactivated', ['journey.welcomeBack']]);
    expect(transition(journey, 'reactivated', placed, ctx).state).toBe('active');
  });

  it('returns an at-risk customer to mature or active depending on value', () => {
    expect(transition(journey, 'atRisk', placed, { orderCount: 9, totalSpend: 2000 }).state).toBe('mature');
    expect(transition(journey, 'atRisk', placed, { orderCount: 3, totalSpend: 90 }).state).toBe('active');
  });

  it('lets an unconverted lead lapse back to prospect', () => {
    const r = advance(
      journey,
      { state: 'intent', since: at('2026-01-01T00:00:00Z') },
      at('2026-06-30T00:00:00Z'),
      {},
    );
    expect([r.state, r.steps[0]?.timer]).toEqual(['prospect', 'intentLapsed']);
  });

  it('is configurable, and validates its options', () => {
    const strict = customerJourney({
      activeAfterOrders: 3,
      matureAfterOrders: 10,
      matureMinimumSpend: 2000,
      atRiskAfterDays: 30,
      churnedAfterDays: 60,
    });
    expect(transition(strict, 'new', placed, { orderCount: 2 }).taken).toBe(false);
    expect(transition(strict, 'new', placed, { orderCount: 3 }).state).toBe('active');
    expect(
      dueTimers(strict, { state: 'active', since: at('2026-01-01T00:00:00Z') }, at('2026-01-31T00:00:00Z'), {
        lastOrderAt: '2026-01-01T00:00:00Z',
      }).map((d) => d.target),
    ).toEqual(['atRisk']);
    expect(() => customerJourney({ atRiskAfterDays: 200 })).toThrow(ValidationError);
    try {
      customerJourneyDefinition({ activeAfterOrders: 1.5 } as never);
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]?.path).toEqual(['activeAfterOrders']);
    }
  });
});

describe('relationshipClass', () => {
  const rc = relationshipClass({ lostAfterDays: 365 });

  it('moves potential → existing → lost → existing with win-back effects', () => {
    expect(transition(rc, 'potential', { type: 'order.placed' }, {}).state).toBe('existing');
    const ctx = { lastOrderAt: '2025-03-01T00:00:00Z' };
    const existing = { state: 'existing' as const, since: at('2025-03-01T00:00:00Z') };
    expect(advance(rc, existing, at('2026-02-28T23:59:59Z'), ctx).state).toBe('existing');
    const lost = advance(rc, existing, at('2026-03-01T00:00:00Z'), ctx);
    expect([lost.state, types(lost.steps[0]!.effects)]).toEqual(['lost', ['winBack.start']]);
    const won = transition(rc, 'lost', { type: 'order.placed' }, {});
    expect([won.state, types(won.effects)]).toEqual(['existing', ['winBack.succeeded']]);
  });
});

describe('b2bAccount', () => {
  const b2b = b2bAccount({ graceDays: 30 });

  it('signs, renews, churns when the contract lapses, and can be won back', () => {
    const signed = transition(b2b, 'intent', { type: 'contract.signed' }, { contractEndsAt: '2026-12-31' });
    expect([signed.state, types(signed.effects)]).toEqual(['signed', ['account.onboard']]);
    const renewed = transition(b2b, 'signed', { type: 'contract.renewed' }, { contractEndsAt: '2027-12-31' });
    expect([renewed.state, renewed.transition?.internal, types(renewed.effects)]).toEqual([
      'signed',
      true,
      ['account.renewed'],
    ]);
    const snapshot = { state: 'signed' as const, since: at('2026-01-01T00:00:00Z') };
    const ends = { contractEndsAt: '2026-12-31' };
    expect(advance(b2b, snapshot, at('2027-01-29T23:59:59Z'), ends).state).toBe('signed');
    const churned = advance(b2b, snapshot, at('2027-01-30T00:00:00Z'), ends);
    expect([churned.state, types(churned.steps[0]!.effects)]).toEqual(['churned', ['account.churned']]);
    // renewed contract: no churn
    expect(advance(b2b, snapshot, at('2027-01-30T00:00:00Z'), { contractEndsAt: '2027-12-31' }).state).toBe(
      'signed',
    );
    // no contract end known: the timer's guard keeps it from firing
    expect(advance(b2b, snapshot, at('2030-01-01T00:00:00Z'), {}).state).toBe('signed');
    expect(transition(b2b, 'signed', { type: 'contract.cancelled' }, {}).state).toBe('churned');
    expect(transition(b2b, 'churned', { type: 'contract.signed' }, {}).state).toBe('signed');
  });

  it('ends for good when the deal is lost', () => {
    expect(transition(b2b, 'intent', { type: 'deal.lost' }, {}).state).toBe('lost');
    expect(b2b.finalStates).toEqual(['lost']);
  });
});

describe('serviceTicket', () => {
  const tickets = serviceTicket();
  const opened = { state: 'opened' as const, since: at('2026-03-02T09:00:00Z') };

  it('runs opened → responded → resolved → followedUp → closed', () => {
    let state = transition(tickets, 'opened', { type: 'ticket.responded' }, { level: 2 }).state;
    expect(state).toBe('responded');
    const resolved = transition(tickets, state, { type: 'ticket.resolved' }, {});
    expect([resolved.state, types(resolved.effects)]).toEqual(['resolved', ['ticket.requestFeedback']]);
    state = transition(tickets, 'resolved', { type: 'ticket.followedUp' }, {}).state;
    expect(state).toBe('followedUp');
    expect(transition(tickets, state, { type: 'ticket.closed' }, {}).state).toBe('closed');
    expect(tickets.finalStates).toEqual(['closed']);
  });

  it('has response limits per level: immediate (15 min), 24 h, 72 h, at the exact boundary', () => {
    const limits: [number | undefined, string][] = [
      [1, '2026-03-02T09:15:00Z'],
      [2, '2026-03-03T09:00:00Z'],
      [3, '2026-03-05T09:00:00Z'],
      [undefined, '2026-03-05T09:00:00Z'],
    ];
    for (const [level, deadline] of limits) {
      const ctx = level === undefined ? {} : { level };
      const before = new Date(at(deadline).getTime() - 1);
      expect(dueTimers(tickets, opened, before, ctx)).toEqual([]);
      const r = advance(tickets, opened, at(deadline), ctx);
      expect(r.state).toBe('responseOverdue');
      expect(r.steps[0]?.effects).toEqual([
        {
          type: 'sla.breached',
          params: { sla: 'response', level: level ?? 3 },
          phase: 'transition',
          state: 'opened',
        },
        { type: 'ticket.escalate', phase: 'entry', state: 'responseOverdue' },
      ]);
    }
  });

  it('breaches the 30-minute resolution limit and escalates', () => {
    const responded = { state: 'responded' as const, since: at('2026-03-02T09:05:00Z') };
    expect(advance(tickets, responded, at('2026-03-02T09:34:59Z'), { level: 1 }).state).toBe('responded');
    const r = advance(tickets, responded, at('2026-03-02T09:35:00Z'), { level: 1 });
    expect(r.state).toBe('resolutionOverdue');
    expect(types(r.steps[0]!.effects)).toEqual(['sla.breached', 'ticket.escalate']);
    expect(r.steps[0]!.effects[0]?.params).toEqual({ sla: 'resolution' });
    expect(transition(tickets, 'resolutionOverdue', { type: 'ticket.resolved' }, {}).state).toBe('resolved');
  });

  it('reopens, and closes by itself 7 days after the follow-up', () => {
    expect(transition(tickets, 'resolved', { type: 'ticket.reopened' }, {}).state).toBe('reopened');
    expect(transition(tickets, 'followedUp', { type: 'ticket.reopened' }, {}).state).toBe('reopened');
    const reopened = advance(
      tickets,
      { state: 'reopened', since: at('2026-03-10T10:00:00Z') },
      at('2026-03-10T10:15:00Z'),
      { level: 1 },
    );
    expect(reopened.state).toBe('responseOverdue');
    const followed = { state: 'followedUp' as const, since: at('2026-03-10T10:00:00Z') };
    const closed = advance(tickets, followed, at('2026-03-17T10:00:00Z'), {});
    expect([closed.state, types(closed.steps[0]!.effects)]).toEqual(['closed', ['ticket.autoClosed']]);
  });

  it('takes configured limits', () => {
    const fast = serviceTicket({ respondWithin: { 1: { minutes: 5 } }, resolveWithin: { hours: 4 } });
    expect(dueTimers(fast, opened, at('2026-03-02T09:05:00Z'), { level: 1 }).map((d) => d.timer)).toEqual([
      'respondLevel1',
    ]);
    expect(dueTimers(fast, opened, at('2026-03-03T09:00:00Z'), { level: 2 }).map((d) => d.timer)).toEqual([
      'respondLevel2',
    ]);
    expect(() => serviceTicket({ resolveWithin: { minutes: 0 } })).toThrow(ValidationError);
  });
});
