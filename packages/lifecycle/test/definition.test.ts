import { ValidationError } from '@crmkit/core';
import { describe, expect, it } from 'vitest';
import {
  createMachine,
  type DefinitionProblem,
  MachineDefinitionError,
  type MachineDefinitionInput,
  transition,
} from '../src/index';

const door = {
  id: 'door',
  initial: 'closed',
  events: { open: {}, close: {}, lock: {} },
  effects: { creak: {} },
  states: {
    closed: { on: { open: { target: 'opened', effects: ['creak'] }, lock: { target: 'locked' } } },
    opened: { on: { close: { target: 'closed' } } },
    locked: { final: true },
  },
} as const;

/** The problems createMachine reports for a definition (fails the test if it builds). */
function problemsOf(definition: MachineDefinitionInput, guards: Record<string, () => boolean> = {}) {
  try {
    createMachine(definition, { guards });
  } catch (e) {
    expect(e).toBeInstanceOf(MachineDefinitionError);
    const error = e as MachineDefinitionError;
    expect(error.code).toBe('INVALID_MACHINE');
    return error.problems.map(({ code, state, event, timer, path }: DefinitionProblem) => ({
      code,
      state,
      event,
      timer,
      path: path.join('.'),
    }));
  }
  throw new Error('expected the definition to be rejected');
}

describe('createMachine', () => {
  it('builds a sound definition and types its names', () => {
    const m = createMachine(door);
    expect(m.id).toBe('door');
    expect(m.states).toEqual(['closed', 'opened', 'locked']);
    expect(m.events).toEqual(['open', 'close', 'lock']);
    expect(m.finalStates).toEqual(['locked']);
    expect(m.initial).toBe('closed');
    expect(Object.isFrozen(m.definition.states)).toBe(true);
    // @ts-expect-error 'ajar' is not a state of the door
    expect(() => transition(m, 'ajar', { type: 'open' }, {})).toThrow(ValidationError);
  });

  it('rejects a definition of the wrong shape with ValidationError naming each field', () => {
    const bad = {
      id: '9lives',
      initial: 'a',
      events: {},
      states: {
        a: { on: { go: { target: 'b', effect: ['x'] } }, after: [{ id: 't', after: {}, target: 'a' }] },
      },
    };
    try {
      createMachine(bad as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      const paths = (e as ValidationError).issues.map((i) => i.path.join('.'));
      expect(paths).toContain('id');
      expect(paths).toContain('states.a.on.go');
      expect(paths).toContain('states.a.after.0.after');
    }
    expect(() => createMachine({ id: 'm', initial: 'a', events: {}, states: {} })).toThrow(
      /states: must hold at least one state/,
    );
  });

  it('validates its options', () => {
    expect(() => createMachine(door, { guards: { ok: 'yes' as never } })).toThrow(
      /guards\.ok: must be a function/,
    );
    expect(() => createMachine(door, { clock: {} as never })).toThrow(/clock: must be a Clock/);
    expect(() => transition({} as never, 'a', { type: 'go' }, {})).toThrow(
      /must be a machine made by createMachine/,
    );
  });

  it('reports an unknown initial state', () => {
    expect(problemsOf({ ...door, initial: 'shut' })).toContainEqual({
      code: 'UNKNOWN_INITIAL',
      state: 'shut',
      event: undefined,
      timer: undefined,
      path: 'initial',
    });
  });

  it('reports an unknown target naming state and event', () => {
    const def = { ...door, states: { ...door.states, opened: { on: { close: { target: 'closd' } } } } };
    expect(problemsOf(def)).toEqual([
      {
        code: 'UNKNOWN_TARGET',
        state: 'opened',
        event: 'close',
        timer: undefined,
        path: 'states.opened.on.close.target',
      },
      // with the only way back broken, opened is also a dead end
      { code: 'DEAD_END_STATE', state: 'opened', event: undefined, timer: undefined, path: 'states.opened' },
    ]);
  });

  it('reports an undeclared event', () => {
    const def = { ...door, states: { ...door.states, opened: { on: { slam: { target: 'closed' } } } } };
    expect(problemsOf(def)).toEqual([
      {
        code: 'UNKNOWN_EVENT',
        state: 'opened',
        event: 'slam',
        timer: undefined,
        path: 'states.opened.on.slam',
      },
    ]);
  });

  it('reports an undeclared effect in entry, exit and transitions', () => {
    const def = {
      ...door,
      states: {
        closed: { exit: ['bang'], on: { open: { target: 'opened', effects: [{ type: 'squeak' }] } } },
        opened: { entry: ['light'], on: { close: { target: 'closed' }, lock: { target: 'locked' } } },
        locked: { final: true },
      },
    };
    expect(problemsOf(def).map((p) => [p.code, p.state, p.event, p.path])).toEqual([
      ['UNKNOWN_EFFECT', 'closed', undefined, 'states.closed.exit.0'],
      ['UNKNOWN_EFFECT', 'closed', 'open', 'states.closed.on.open.effects.0.type'],
      ['UNKNOWN_EFFECT', 'opened', undefined, 'states.opened.entry.0'],
    ]);
  });

  it('reports a function guard that was not given', () => {
    const def = {
      ...door,
      states: { ...door.states, opened: { on: { close: { target: 'closed', guard: 'isEmpty' } } } },
    };
    expect(problemsOf(def)).toEqual([
      {
        code: 'UNKNOWN_GUARD',
        state: 'opened',
        event: 'close',
        timer: undefined,
        path: 'states.opened.on.close.guard',
      },
    ]);
    expect(() => createMachine(def, { guards: { isEmpty: () => true } })).not.toThrow();
  });

  it('reports a condition that does not compile, with the rules issues', () => {
    const def = {
      ...door,
      states: {
        ...door.states,
        opened: { on: { close: { target: 'closed', when: { fact: 'context.wind', op: 'gtee', value: 3 } } } },
      },
    };
    try {
      createMachine(def as never);
      expect.unreachable();
    } catch (e) {
      const [problem] = (e as MachineDefinitionError).problems;
      expect(problem).toMatchObject({ code: 'INVALID_GUARD', state: 'opened', event: 'close' });
      expect(problem?.path).toEqual(['states', 'opened', 'on', 'close', 'when']);
      expect(problem?.issues?.[0]?.path).toEqual(['op']);
      expect(problem?.message).toMatch(/unknown operator "gtee"/);
    }
    // an unknown param is caught too
    const param = {
      ...door,
      states: {
        ...door.states,
        opened: {
          on: {
            close: { target: 'closed', when: { fact: 'context.wind', op: 'lt', value: { param: 'max' } } },
          },
        },
      },
    } as const;
    expect(problemsOf(param).map((p) => p.code)).toEqual(['INVALID_GUARD']);
    expect(() => createMachine({ ...param, params: { max: 3 } })).not.toThrow();
  });

  it('reports unreachable states', () => {
    const def = { ...door, states: { ...door.states, attic: { on: { open: { target: 'closed' } } } } };
    expect(problemsOf(def)).toEqual([
      { code: 'UNREACHABLE_STATE', state: 'attic', event: undefined, timer: undefined, path: 'states.attic' },
    ]);
  });

  it('reports non-final states with no way out, including ones whose transitions all stay', () => {
    const def = {
      ...door,
      states: {
        closed: { on: { open: { target: 'opened' }, lock: { target: 'locked' } } },
        opened: { on: { close: { effects: ['creak'] }, open: { target: 'opened' } } },
        locked: {},
      },
    };
    expect(problemsOf(def).map((p) => [p.code, p.state])).toEqual([
      ['DEAD_END_STATE', 'opened'],
      ['DEAD_END_STATE', 'locked'],
    ]);
  });

  it('reports final states that have transitions', () => {
    const def = {
      ...door,
      states: { ...door.states, locked: { final: true, on: { open: { target: 'opened' } } } },
    };
    expect(problemsOf(def).map((p) => [p.code, p.state, p.path])).toEqual([
      ['FINAL_STATE_EXITS', 'locked', 'states.locked.final'],
    ]);
  });

  it('reports ambiguous transitions: two unguarded for one event, or an unguarded one shadowing later ones', () => {
    const two = {
      ...door,
      states: { ...door.states, opened: { on: { close: [{ target: 'closed' }, { target: 'locked' }] } } },
    };
    expect(problemsOf(two)).toEqual([
      {
        code: 'AMBIGUOUS_TRANSITION',
        state: 'opened',
        event: 'close',
        timer: undefined,
        path: 'states.opened.on.close.0',
      },
    ]);
    const shadowing = {
      ...door,
      states: {
        ...door.states,
        opened: {
          on: {
            close: [{ target: 'closed' }, { target: 'locked', when: { fact: 'context.key', op: 'exists' } }],
          },
        },
      },
    } as const;
    expect(problemsOf(shadowing).map((p) => [p.code, p.event])).toEqual([['AMBIGUOUS_TRANSITION', 'close']]);
    // a guarded first transition with an unguarded fallback is fine
    const fallback = {
      ...door,
      states: {
        ...door.states,
        opened: {
          on: {
            close: [{ target: 'locked', when: { fact: 'context.key', op: 'exists' } }, { target: 'closed' }],
          },
        },
      },
    } as const;
    expect(() => createMachine(fallback)).not.toThrow();
  });

  it('reports ambiguous and duplicate timers', () => {
    const def = {
      ...door,
      states: {
        ...door.states,
        opened: {
          on: { close: { target: 'closed' } },
          after: [
            { id: 'draught', after: { minutes: 5 }, target: 'closed' },
            { id: 'wind', after: { seconds: 300 }, target: 'locked' },
            { id: 'draught', after: { hours: 1 }, target: 'locked' },
          ],
        },
      },
    };
    expect(problemsOf(def)).toEqual([
      {
        code: 'AMBIGUOUS_TRANSITION',
        state: 'opened',
        event: 'after:wind',
        timer: 'wind',
        path: 'states.opened.after.1',
      },
      {
        code: 'DUPLICATE_TIMER',
        state: 'opened',
        event: 'after:draught',
        timer: 'draught',
        path: 'states.opened.after.2.id',
      },
    ]);
  });

  it('reports timers measured from facts that cycle back', () => {
    const def = {
      id: 'loop',
      initial: 'a',
      events: {},
      states: {
        a: { after: [{ id: 'toB', after: { days: 1 }, from: 'context.at', target: 'b' }] },
        b: { after: [{ id: 'toA', after: { days: 2 }, from: 'context.at', target: 'a' }] },
      },
    };
    expect(problemsOf(def).map((p) => [p.code, p.state, p.timer])).toEqual([
      ['TIMER_CYCLE', 'a', 'toA'],
      ['TIMER_CYCLE', 'b', 'toB'],
    ]);
    // the same cycle measured from entering the state is fine: time moves on every step
    const entered = {
      ...def,
      states: {
        a: { after: [{ id: 'toB', after: { days: 1 }, target: 'b' }] },
        b: { after: [{ id: 'toA', after: { days: 2 }, target: 'a' }] },
      },
    };
    expect(() => createMachine(entered)).not.toThrow();
  });

  it('lists every problem at once', () => {
    const def = {
      id: 'broken',
      initial: 'a',
      events: { go: {} },
      states: {
        a: { on: { go: { target: 'nowhere' } } },
        b: { final: true },
      },
    };
    const error = (() => {
      try {
        createMachine(def);
      } catch (e) {
        return e as MachineDefinitionError;
      }
    })();
    expect(error?.problems.map((p) => p.code)).toEqual([
      'UNKNOWN_TARGET',
      'DEAD_END_STATE',
      'UNREACHABLE_STATE',
    ]);
    expect(error?.message).toMatch(/^invalid machine "broken": UNKNOWN_TARGET states\.a\.on\.go\.target/);
  });
});
