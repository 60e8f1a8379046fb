import { ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import { advance, createMachine, dueTimers } from '../src/index';

const at = (iso: string) => new Date(iso);

const reminder = createMachine({
  id: 'reminder',
  initial: 'waiting',
  events: { done: {} },
  effects: { remind: {} },
  states: {
    waiting: {
      on: { done: { target: 'finished' } },
      after: [
        { id: 'nudge', after: { hours: 1 }, target: 'waiting', effects: ['remind'] },
        { id: 'giveUp', after: { hours: 2, minutes: 30 }, from: 'context.createdAt', target: 'expired' },
      ],
    },
    expired: { final: true },
    finished: { final: true },
  },
});

describe('dueTimers', () => {
  const snapshot = { state: 'waiting' as const, since: at('2026-01-01T10:00:00Z') };

  it('is due exactly at the boundary, not a millisecond before', () => {
    expect(dueTimers(reminder, snapshot, at('2026-01-01T10:59:59.999Z'), {})).toEqual([]);
    expect(dueTimers(reminder, snapshot, at('2026-01-01T11:00:00.000Z'), {})).toEqual([
      {
        timer: 'nudge',
        state: 'waiting',
        target: 'waiting',
        dueAt: at('2026-01-01T11:00:00Z'),
        reason: 'after 1 hour from entering waiting: due 2026-01-01T11:00:00.000Z',
      },
    ]);
  });

  it('measures from a fact when there is one, and from entering the state when it is missing', () => {
    const ctx = { createdAt: '2026-01-01T08:00:00Z' };
    const due = dueTimers(reminder, snapshot, at('2026-01-01T10:30:00Z'), ctx);
    expect(due.map((d) => [d.timer, d.dueAt.toISOString()])).toEqual([
      ['giveUp', '2026-01-01T10:30:00.000Z'],
    ]);
    expect(due[0]?.reason).toBe(
      'after 150 minutes from context.createdAt (2026-01-01T08:00:00.000Z): due 2026-01-01T10:30:00.000Z',
    );
    // missing createdAt: 10:00 + 2:30
    expect(dueTimers(reminder, snapshot, at('2026-01-01T12:29:59Z'), {}).map((d) => d.timer)).toEqual([
      'nudge',
    ]);
    expect(dueTimers(reminder, snapshot, at('2026-01-01T12:30:00Z'), {}).map((d) => d.timer)).toEqual([
      'nudge',
      'giveUp',
    ]);
  });

  it('validates its inputs', () => {
    expect(() =>
      dueTimers(reminder, { state: 'waiting', since: new Date('x') }, at('2026-01-01T00:00:00Z'), {}),
    ).toThrow(ValidationError);
    expect(() => dueTimers(reminder, snapshot, '2026-01-01' as never, {})).toThrow(
      /now: must be a valid Date/,
    );
    expect(() =>
      dueTimers(reminder, { state: 'gone' as never, since: snapshot.since }, snapshot.since, {}),
    ).toThrow(/"gone" is not a state of reminder/);
  });
});

describe('advance', () => {
  it('fires due timers one after another at their due instants', () => {
    const r = advance(
      reminder,
      { state: 'waiting', since: at('2026-01-01T10:00:00Z') },
      at('2026-01-01T12:45:00Z'),
      {},
    );
    // nudges at 11:00 and 12:00 re-enter waiting; the next one (13:00) is not due, but giveUp
    // (from the missing createdAt, so from entering waiting at 12:00) falls due at 14:30: not yet.
    expect(r.steps.map((s) => [s.timer, s.at.toISOString(), s.state])).toEqual([
      ['nudge', '2026-01-01T11:00:00.000Z', 'waiting'],
      ['nudge', '2026-01-01T12:00:00.000Z', 'waiting'],
    ]);
    expect(r.state).toBe('waiting');
    expect(r.since).toEqual(at('2026-01-01T12:00:00Z'));
    expect(r.steps[0]?.effects.map((e) => e.type)).toEqual(['remind']);
  });

  it('stops at a final state and at maxSteps', () => {
    const ctx = { createdAt: '2026-01-01T10:00:00Z' };
    const r = advance(
      reminder,
      { state: 'waiting', since: at('2026-01-01T10:00:00Z') },
      at('2026-01-02T00:00:00Z'),
      ctx,
    );
    expect(r.steps.map((s) => s.timer)).toEqual(['nudge', 'nudge', 'giveUp']);
    expect(r.state).toBe('expired');
    expect(r.since).toEqual(at('2026-01-01T12:30:00Z'));
    const capped = advance(
      reminder,
      { state: 'waiting', since: at('2026-01-01T10:00:00Z') },
      at('2026-01-02T00:00:00Z'),
      ctx,
      {
        maxSteps: 1,
      },
    );
    expect(capped.steps).toHaveLength(1);
    expect(capped.since).toEqual(at('2026-01-01T11:00:00Z'));
    expect(() =>
      advance(
        reminder,
        { state: 'waiting', since: at('2026-01-01T10:00:00Z') },
        at('2026-01-02T00:00:00Z'),
        ctx,
        { maxSteps: -1 },
      ),
    ).toThrow(ValidationError);
  });

  it('never dates a step before the state was entered', () => {
    // createdAt long before entering: giveUp was overdue on entry, so it fires at the entry instant
    const r = advance(
      reminder,
      { state: 'waiting', since: at('2026-01-05T00:00:00Z') },
      at('2026-01-05T00:10:00Z'),
      {
        createdAt: '2026-01-01T00:00:00Z',
      },
    );
    expect(r.steps.map((s) => [s.timer, s.at.toISOString()])).toEqual([
      ['giveUp', '2026-01-05T00:00:00.000Z'],
    ]);
  });

  it('does nothing when nothing is due', () => {
    const snapshot = { state: 'finished' as const, since: at('2026-01-01T00:00:00Z') };
    expect(advance(reminder, snapshot, at('2030-01-01T00:00:00Z'), {})).toEqual({ ...snapshot, steps: [] });
  });
});
