import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advance,
  createMachine,
  customerJourney,
  type HistoryEntry,
  type MachineDefinitionInput,
  replay,
  serviceTicket,
  transition,
} from '../src/index';

/**
 * Sound machines by construction: a ring s0 → s1 → … → s0 on `next` (every state reachable, none a dead
 * end), plus random guarded transitions and timers placed before the unguarded ones.
 */
const machineArb = fc
  .record({
    size: fc.integer({ min: 2, max: 6 }),
    extras: fc.array(
      fc.record({
        from: fc.nat(),
        to: fc.nat(),
        event: fc.constantFrom('next', 'bump', 'drop'),
        threshold: fc.integer({ min: -5, max: 5 }),
      }),
      { maxLength: 12 },
    ),
    timers: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), minutes: fc.integer({ min: 5, max: 600 }) }), {
      maxLength: 4,
    }),
  })
  .map(({ size, extras, timers }): MachineDefinitionInput => {
    const name = (i: number) => `s${i % size}`;
    const states: Record<string, { on: Record<string, object[]>; after: object[] }> = {};
    for (let i = 0; i < size; i++) states[name(i)] = { on: {}, after: [] };
    const handlers = (state: string, event: string) => {
      const on = states[state]!.on;
      on[event] = on[event] ?? [];
      return on[event];
    };
    extras.forEach((x, i) => {
      handlers(name(x.from), x.event).push({
        target: name(x.to),
        when: { fact: 'context.x', op: 'gte', value: x.threshold },
        effects: [`e${i % 3}`],
      });
    });
    for (let i = 0; i < size; i++) {
      handlers(name(i), 'next').push({ target: name(i + 1) });
    }
    timers.forEach((t, i) => {
      states[name(t.from)]!.after.push({ id: `t${i}`, after: { minutes: t.minutes }, target: name(t.to) });
    });
    return {
      id: 'random',
      initial: 's0',
      events: { next: {}, bump: {}, drop: {} },
      effects: { e0: {}, e1: {}, e2: {} },
      states: states as MachineDefinitionInput['states'],
    };
  })
  .filter((def) => {
    // two unguarded timers of one state with the same delay are (rightly) ambiguous: skip those
    return Object.values(def.states).every((s) => {
      const delays = (s.after ?? []).map((t) => t.after.minutes);
      return new Set(delays).size === delays.length;
    });
  });

const stepArb = fc.record({
  event: fc.constantFrom('next', 'bump', 'drop'),
  x: fc.integer({ min: -6, max: 6 }),
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('properties', () => {
  it('a machine that passes its checks only ever returns one of its states, deterministically', () => {
    fc.assert(
      fc.property(machineArb, fc.array(stepArb, { maxLength: 30 }), (def, steps) => {
        const machine = createMachine(def);
        let state = machine.initial;
        for (const step of steps) {
          const event = deepFreeze({ type: step.event });
          const context = deepFreeze({ x: step.x });
          const r = transition(machine, state, event, context);
          expect(machine.states).toContain(r.state);
          expect(transition(machine, state, event, context)).toEqual(r);
          const explained = transition(machine, state, event, context, { explain: true });
          expect(explained.state).toBe(r.state);
          expect(explained.transition).toEqual(r.transition);
          expect(explained.explanation?.outcome === 'taken').toBe(r.taken);
          state = r.state;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('transition does not touch its inputs', () => {
    const journey = customerJourney();
    fc.assert(
      fc.property(
        fc.constantFrom(...journey.states),
        fc.constantFrom(...journey.events),
        fc.record({
          orderCount: fc.nat(20),
          totalSpend: fc.nat(5000),
          lastOrderAt: fc.constant('2026-01-01T00:00:00Z'),
        }),
        fc.boolean(),
        (state, type, context, explain) => {
          const before = structuredClone(context);
          const event = { type };
          transition(journey, state, event, context, { explain });
          expect(context).toEqual(before);
          expect(event).toEqual({ type });
        },
      ),
    );
  });

  it('advance lands in a state of the machine and leaves nothing due behind', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    fc.assert(
      fc.property(machineArb, fc.nat(), fc.integer({ min: 0, max: 3000 }), (def, pick, minutes) => {
        const machine = createMachine(def);
        const state = machine.states[pick % machine.states.length]!;
        const now = new Date(start + minutes * 60_000);
        const r = advance(machine, { state, since: new Date(start) }, now, {});
        expect(machine.states).toContain(r.state);
        expect(r.since.getTime()).toBeLessThanOrEqual(now.getTime());
        for (let i = 1; i < r.steps.length; i++) {
          expect(r.steps[i]!.at.getTime()).toBeGreaterThanOrEqual(r.steps[i - 1]!.at.getTime());
        }
        // at most maxSteps (default 1000) per call; below that, nothing due is left behind
        expect(r.steps.length).toBeLessThanOrEqual(1000);
        if (r.steps.length < 1000) expect(advance(machine, r, now, {}).steps).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('replaying a recorded history gives the same state', () => {
    const tickets = serviceTicket();
    const eventArb = fc.oneof(
      fc.record({ kind: fc.constant('event' as const), type: fc.constantFrom(...tickets.events) }),
      fc.record({ kind: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 60 * 24 * 10 }) }),
    );
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 25 }), fc.constantFrom(1, 2, 3), (inputs, level) => {
        const context = { level };
        let now = Date.parse('2026-03-01T09:00:00Z');
        let snapshot = { state: tickets.initial, since: new Date(now) };
        const history: HistoryEntry[] = [
          {
            sequence: 1,
            at: new Date(now).toISOString(),
            from: null,
            to: snapshot.state,
            trigger: { kind: 'start' },
            explanation: '',
            effects: [],
          },
        ];
        const record = (entry: Omit<HistoryEntry, 'sequence' | 'explanation' | 'effects'>) =>
          history.push({ ...entry, sequence: history.length + 1, explanation: '', effects: [] });
        for (const input of inputs) {
          if (input.kind === 'wait') {
            now += input.minutes * 60_000;
            const r = advance(tickets, snapshot, new Date(now), context);
            for (const step of r.steps) {
              record({
                at: step.at.toISOString(),
                from: step.transition.from,
                to: step.state,
                context,
                trigger: { kind: 'timer', timer: step.timer, dueAt: step.at.toISOString() },
              });
            }
            snapshot = r;
          } else {
            const r = transition(tickets, snapshot.state, { type: input.type }, context);
            if (!r.taken) continue;
            record({
              at: new Date(now).toISOString(),
              from: snapshot.state,
              to: r.state,
              context,
              trigger: { kind: 'event', event: { type: input.type } },
            });
            snapshot = { state: r.state, since: r.transition?.internal ? snapshot.since : new Date(now) };
          }
        }
        const rebuilt = replay(tickets, history);
        expect(rebuilt.divergences).toEqual([]);
        expect(rebuilt.state).toBe(snapshot.state);
        expect(rebuilt.since).toEqual(snapshot.since);
        expect(replay(tickets, history)).toEqual(rebuilt);
      }),
      { numRuns: 200 },
    );
  });
});
