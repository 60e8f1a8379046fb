import { fixedClock, ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { createMachine, transition } from '../src/index';

const order = createMachine(
  {
    id: 'order-flow',
    initial: 'cart',
    events: { checkout: {}, pay: {}, note: {}, retry: {} },
    effects: {
      'cart.leave': {},
      'order.confirm': { description: 'email' },
      'fraud.review': {},
      log: {},
      'pay.enter': {},
    },
    params: { limit: 1000 },
    refs: { trusted: { fact: 'context.customer.orders', op: 'gte', value: 3 } },
    states: {
      cart: {
        exit: ['cart.leave'],
        on: {
          checkout: [
            {
              target: 'review',
              when: {
                all: [
                  { fact: 'event.total', op: 'gt', value: { param: 'limit' } },
                  { not: { ref: 'trusted' } },
                ],
              },
              effects: [{ type: 'fraud.review', params: { queue: 'high' } }],
              description: 'large orders of new customers are reviewed',
            },
            { target: 'payment', guard: 'inStock', description: 'everything in stock' },
          ],
          note: { effects: ['log'] },
        },
      },
      review: { on: { pay: { target: 'paid' } } },
      payment: {
        entry: ['pay.enter'],
        on: { pay: { target: 'paid', effects: ['order.confirm'] }, retry: { target: 'payment' } },
      },
      paid: { final: true },
    },
  },
  { guards: { inStock: (f) => (f.context as { stock: number }).stock > 0 } },
);

const ctx = (stock: number, orders: number) => ({ stock, customer: { orders } });

describe('transition', () => {
  it('takes the first transition whose guards hold, with exit, transition and entry effects in order', () => {
    const r = transition(order, 'cart', { type: 'checkout', total: 1500 }, ctx(1, 0));
    expect(r.state).toBe('review');
    expect(r.taken).toBe(true);
    expect(r.effects).toEqual([
      { type: 'cart.leave', phase: 'exit', state: 'cart' },
      { type: 'fraud.review', params: { queue: 'high' }, phase: 'transition', state: 'cart' },
    ]);
    expect(r.transition).toMatchObject({
      from: 'cart',
      to: 'review',
      event: 'checkout',
      index: 0,
      internal: false,
    });

    const trusted = transition(order, 'cart', { type: 'checkout', total: 1500 }, ctx(1, 3));
    expect(trusted.state).toBe('payment');
    expect(trusted.effects.map((e) => `${e.phase}:${e.type}`)).toEqual([
      'exit:cart.leave',
      'entry:pay.enter',
    ]);
    expect(trusted.transition?.index).toBe(1);
  });

  it('compares at the exact threshold: total 1000 is not above the limit', () => {
    expect(transition(order, 'cart', { type: 'checkout', total: 1000 }, ctx(1, 0)).state).toBe('payment');
    expect(transition(order, 'cart', { type: 'checkout', total: '1000.01' }, ctx(1, 0)).state).toBe('review');
  });

  it('stays when no guard holds, or the state does not handle the event', () => {
    const none = transition(order, 'cart', { type: 'checkout', total: 10 }, ctx(0, 0));
    expect(none).toEqual({ state: 'cart', taken: false, effects: [] });
    expect(transition(order, 'review', { type: 'checkout' }, ctx(1, 0))).toEqual({
      state: 'review',
      taken: false,
      effects: [],
    });
  });

  it('runs internal transitions without exit or entry, and re-enters on an explicit self target', () => {
    const note = transition(order, 'cart', { type: 'note' }, {});
    expect(note).toMatchObject({ state: 'cart', taken: true, transition: { internal: true } });
    expect(note.effects.map((e) => e.type)).toEqual(['log']);
    const retry = transition(order, 'payment', { type: 'retry' }, {});
    expect(retry.transition?.internal).toBe(false);
    expect(retry.effects.map((e) => `${e.phase}:${e.type}`)).toEqual(['entry:pay.enter']);
  });

  it('explains which transition was taken and which guards held', () => {
    const r = transition(order, 'cart', { type: 'checkout', total: 1500 }, ctx(2, 5), { explain: true });
    expect(r.state).toBe('payment');
    const why = r.explanation!;
    expect(why.outcome).toBe('taken');
    expect(why.summary).toBe('cart → payment on checkout (transition 1: guards held)');
    expect(why.candidates.map((c) => [c.index, c.target, c.held])).toEqual([
      [0, 'review', false],
      [1, 'payment', true],
    ]);
    expect(why.candidates[0]?.when).toMatchObject({ kind: 'all', held: false });
    expect(why.candidates[1]?.guard).toEqual({ name: 'inStock', held: true });

    const stays = transition(order, 'cart', { type: 'checkout', total: 10 }, ctx(0, 0), { explain: true });
    expect(stays.explanation).toMatchObject({
      outcome: 'no-guard-held',
      summary: 'cart stays on checkout: no guard held (2 tried)',
    });
    expect(transition(order, 'paid', { type: 'pay' }, {}, { explain: true }).explanation?.outcome).toBe(
      'not-handled',
    );
  });

  it('returns the same frozen result for the same transition (no allocation on the fast path)', () => {
    const a = transition(order, 'review', { type: 'pay' }, {});
    const b = transition(order, 'review', { type: 'pay' }, { other: true });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.effects)).toBe(true);
  });

  it('decides every shape of candidate list as its explanation does, with or without options', () => {
    const shapes = createMachine(
      {
        id: 'shapes',
        initial: 'a',
        events: { go: {}, ping: {} },
        states: {
          // one guard on the context
          a: { on: { go: { target: 'b', when: { fact: 'context.n', op: 'gte', value: 2 } } } },
          // a guard on the context, then an unguarded fallback
          b: {
            on: {
              go: [{ target: 'c', when: { fact: 'context.n', op: 'gt', value: 5 } }, { target: 'a' }],
            },
          },
          // a guard reading the event, a function guard, then a guard on the context
          c: {
            on: {
              go: [
                { target: 'a', when: { fact: 'event.force', op: 'eq', value: true } },
                { target: 'b', guard: 'odd' },
                { target: 'd', when: { fact: 'context.n', op: 'lt', value: 0 } },
              ],
              ping: {},
            },
          },
          d: { on: { go: { target: 'a' } } },
        },
      },
      { guards: { odd: (f) => (f.context as { n: number }).n % 2 === 1 } },
    );
    // hand-checked: [state, n, force] → next state
    const expected: [string, number, boolean, string][] = [
      ['a', 1, false, 'a'],
      ['a', 2, false, 'b'],
      ['b', 5, false, 'a'],
      ['b', 6, false, 'c'],
      ['c', 4, true, 'a'],
      ['c', 3, false, 'b'],
      ['c', -2, false, 'd'],
      ['c', 4, false, 'c'],
      ['d', 0, false, 'a'],
    ];
    for (const [state, n, force, next] of expected) {
      const event = { type: 'go' as const, force };
      const r = transition(shapes, state as never, event, { n });
      expect(r.state).toBe(next);
      expect(transition(shapes, state as never, event, { n }, {})).toBe(r);
      expect(transition(shapes, state as never, event, { n }, { explain: false })).toBe(r);
      const explained = transition(shapes, state as never, event, { n }, { explain: true });
      expect({ ...explained, explanation: undefined }).toEqual({ ...r, explanation: undefined });
    }
    // a declared event the state ignores, and an internal transition without effects
    const ignored = transition(shapes, 'a', { type: 'ping' }, { n: 9 });
    expect(ignored).toEqual({ state: 'a', taken: false, effects: [] });
    expect(transition(shapes, 'a', { type: 'ping' }, {})).toBe(ignored);
    expect(transition(shapes, 'c', { type: 'ping' }, {})).toMatchObject({
      state: 'c',
      taken: true,
      effects: [],
    });
  });

  it('validates its arguments on the fast path as well', () => {
    const issue = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return (e as ValidationError).issues[0]?.path;
      }
      return expect.unreachable();
    };
    expect(issue(() => transition(order, 7 as never, { type: 'pay' }, {}))).toEqual(['state']);
    expect(issue(() => transition(order, 'review', 'pay' as never, {}))).toEqual(['event', 'type']);
    expect(issue(() => transition({} as never, 'review', { type: 'pay' }, {}))).toEqual(['machine']);
    expect(issue(() => transition(null as never, 'review', { type: 'pay' }, {}))).toEqual(['machine']);
  });

  it('throws ValidationError for an unknown state or event', () => {
    expect(() => transition(order, 'shipped' as never, { type: 'pay' }, {})).toThrow(ValidationError);
    try {
      transition(order, 'cart', { type: 'refund' } as never, {});
      expect.unreachable();
    } catch (e) {
      expect((e as ValidationError).issues[0]).toMatchObject({
        path: ['event', 'type'],
        code: 'unknown_event',
      });
      expect((e as ValidationError).message).toMatch(/"refund" is not an event of order-flow/);
    }
    expect(() => transition(order, 'cart', null as never, {})).toThrow(ValidationError);
  });

  it('uses the clock given to createMachine for date conditions', () => {
    const promo = createMachine(
      {
        id: 'promo',
        initial: 'idle',
        events: { visit: {} },
        states: {
          idle: {
            on: {
              visit: {
                target: 'engaged',
                when: { fact: 'context.lastVisit', op: 'within', value: { days: 7 } },
              },
            },
          },
          engaged: { final: true },
        },
      },
      { clock: fixedClock('2026-03-10T00:00:00Z') },
    );
    expect(transition(promo, 'idle', { type: 'visit' }, { lastVisit: '2026-03-03T00:00:00Z' }).state).toBe(
      'engaged',
    );
    expect(transition(promo, 'idle', { type: 'visit' }, { lastVisit: '2026-03-02T23:59:59Z' }).state).toBe(
      'idle',
    );
  });
});
