import { ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  createMachine,
  customerJourney,
  dueTimers,
  MachineDefinitionError,
  relationshipClass,
  serviceTicket,
  toMermaid,
  transition,
} from '../src/index';

describe('README and guide examples', () => {
  it('journey with options, effects and explanations', () => {
    const journey = customerJourney({ atRiskAfterDays: 60, matureMinimumSpend: '750' });
    const r = transition(
      journey,
      'active',
      { type: 'order.placed' },
      { orderCount: 5, totalSpend: '812.40' },
    );
    expect(r.state).toBe('mature');
    expect(r.effects.map((e) => e.type)).toEqual(['journey.loyaltyInvite']);
    const why = transition(
      journey,
      'active',
      { type: 'order.placed' },
      { orderCount: 5, totalSpend: 10 },
      { explain: true },
    );
    expect(why.explanation?.summary).toBe('active stays on order.placed: no guard held (1 tried)');
    const leaf = why.explanation?.candidates[0]?.when;
    expect(leaf).toMatchObject({
      kind: 'all',
      held: false,
      children: [
        { kind: 'fact', fact: 'context.orderCount', held: true, actual: 5, expected: 5 },
        { kind: 'fact', fact: 'context.totalSpend', held: false, actual: 10, expected: '750' },
      ],
    });
  });

  it('a machine with an event guard and a trial timer', () => {
    const membership = createMachine({
      id: 'membership',
      initial: 'trial',
      events: { 'payment.received': {}, 'member.cancelled': {} },
      effects: { 'email.welcome': {} },
      states: {
        trial: {
          on: {
            'payment.received': { target: 'member', when: { fact: 'event.amount', op: 'gte', value: 10 } },
          },
          after: [{ id: 'trialOver', after: { days: 14 }, target: 'lapsed' }],
        },
        member: { entry: ['email.welcome'], on: { 'member.cancelled': { target: 'lapsed' } } },
        lapsed: { on: { 'payment.received': { target: 'member' } } },
      },
    });
    expect(transition(membership, 'trial', { type: 'payment.received', amount: 9.99 }, {}).taken).toBe(false);
    expect(transition(membership, 'trial', { type: 'payment.received', amount: 10 }, {}).state).toBe(
      'member',
    );
    const since = new Date('2026-01-01T00:00:00Z');
    expect(advance(membership, { state: 'trial', since }, new Date('2026-01-15T00:00:00Z'), {}).state).toBe(
      'lapsed',
    );
  });

  it('ticket SLA example', () => {
    const tickets = serviceTicket();
    const opened = { state: 'opened' as const, since: new Date('2026-03-02T09:00:00Z') };
    expect(
      dueTimers(tickets, opened, new Date('2026-03-02T09:15:00Z'), { level: 1 }).map((d) => d.timer),
    ).toEqual(['respondLevel1']);
  });

  it('draws machines as Mermaid diagrams', () => {
    expect(toMermaid(relationshipClass())).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> potential',
        '  potential --> existing: order.placed',
        '  existing --> lost: after 365 d of lastOrderAt',
        '  lost --> existing: order.placed',
      ].join('\n'),
    );
    const odd = createMachine(
      {
        id: 'odd',
        initial: 'a-1',
        events: { go: {} },
        states: { 'a-1': { on: { go: { target: 'b.2', guard: 'ok' } } }, 'b.2': { final: true } },
      },
      { guards: { ok: () => true } },
    );
    expect(toMermaid(odd).split('\n')).toEqual([
      'stateDiagram-v2',
      '  state "a-1" as a_1',
      '  state "b.2" as b_2',
      '  [*] --> a_1',
      '  a_1 --> b_2: go [guard]',
      '  b_2 --> [*]',
    ]);
  });
});

describe('guards over refs and mixed facts', () => {
  const machine = createMachine({
    id: 'refs',
    initial: 'a',
    events: { go: {} },
    refs: { big: { fact: 'context.total', op: 'gte', value: { param: 'min' } } },
    params: { min: 100 },
    states: {
      a: {
        on: {
          go: [
            {
              target: 'b',
              when: { all: [{ ref: 'big' }, { fact: 'event.channel', op: 'eq', value: 'app' }] },
            },
            { target: 'c', when: { ref: 'big' } },
            { target: 'a' },
          ],
        },
      },
      b: { on: { go: { target: 'a' } } },
      c: { on: { go: { target: 'a' } } },
    },
  });

  it('agrees between the fast path and the explained path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.constantFrom('app', 'web'), (total, channel) => {
        const fast = transition(machine, 'a', { type: 'go', channel }, { total });
        const slow = transition(machine, 'a', { type: 'go', channel }, { total }, { explain: true });
        expect(slow.state).toBe(fast.state);
        expect(fast.state).toBe(total >= 100 ? (channel === 'app' ? 'b' : 'c') : 'a');
      }),
    );
  });
});

describe('any definition', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.string({ maxLength: 6 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom('id', 'initial', 'events', 'states', 'on', 'target', 'after', 'final', 'a', 'b'),
        tie('value'),
        {
          maxKeys: 4,
        },
      ),
    ),
  })).value;
  const shaped = fc.record({
    id: fc.constantFrom('m', ''),
    initial: fc.constantFrom('a', 'b', 'z'),
    events: fc.constantFrom({}, { go: {} }, { go: {}, stop: {} }),
    states: fc.dictionary(
      fc.constantFrom('a', 'b', 'c'),
      fc.record(
        {
          final: fc.boolean(),
          on: fc.dictionary(
            fc.constantFrom('go', 'stop'),
            fc.oneof(
              fc.record({ target: fc.constantFrom('a', 'b', 'c', 'z') }, { requiredKeys: [] }),
              fc.array(
                fc.record(
                  {
                    target: fc.constantFrom('a', 'b', 'c'),
                    when: fc.constant({ fact: 'context.x', op: 'gt', value: 1 }),
                  },
                  { requiredKeys: ['target'] },
                ),
                { minLength: 1, maxLength: 2 },
              ),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  });

  it('is either a machine or a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(json, shaped), (definition) => {
        try {
          const m = createMachine(definition as never);
          expect(m.states).toContain(m.initial);
        } catch (e) {
          expect(e instanceof ValidationError || e instanceof MachineDefinitionError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
