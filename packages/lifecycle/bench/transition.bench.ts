import { createSeededRandom } from '@crmkit/core';
import { bench, describe } from 'vitest';
import { customerJourney, transition } from '../src/index';

// One million pure transitions on the customer-journey machine (guards are @crmkit/rules conditions,
// evaluated on the guarded transitions), side by side with two baselines on the same workload:
//  - a hand-written switch statement: the fastest possible code for this one machine (the floor);
//  - XState v5's pure `transition()` on an equivalent machine, when `xstate` is installed (the peer).
// Before timing, every implementation must reach the same next state on every input; the run fails
// loudly otherwise.
const N = 1_000_000;
const journey = customerJourney();
type State = (typeof journey.states)[number];
type EventType = (typeof journey.events)[number];

const random = createSeededRandom('lifecycle-bench');
const inputs = Array.from({ length: N }, () => {
  const state = journey.states[Math.floor(random.next() * journey.states.length)]!;
  const type: EventType = random.next() < 0.85 ? 'order.placed' : 'lead.captured';
  const orderCount = 1 + Math.floor(random.next() * 8);
  const totalSpend = Math.round(random.next() * 100_000) / 100;
  return { state, event: { type }, context: { orderCount, totalSpend } };
});

/** The same machine as a hand-written switch (defaults: active at 2 orders, mature at 5 orders and 500). */
function switchJourney(state: State, type: EventType, c: { orderCount: number; totalSpend: number }): State {
  const mature = c.orderCount >= 5 && c.totalSpend >= 500;
  switch (state) {
    case 'prospect':
      return type === 'lead.captured' ? 'intent' : 'new';
    case 'intent':
      return type === 'order.placed' ? 'new' : state;
    case 'new':
      return type === 'order.placed' && c.orderCount >= 2 ? 'active' : state;
    case 'active':
      return type === 'order.placed' && mature ? 'mature' : state;
    case 'atRisk':
      return type === 'order.placed' ? (mature ? 'mature' : 'active') : state;
    case 'churned':
      return type === 'order.placed' ? 'reactivated' : state;
    case 'reactivated':
      return type === 'order.placed' ? 'active' : state;
    default:
      return state;
  }
}

interface XState {
  createMachine(config: object): { resolveState(s: { value: string; context: object }): unknown };
  transition(machine: unknown, snapshot: unknown, event: object): [{ value: unknown }, unknown[]];
}
const xstateName = 'xstate';
const xstate = (await import(/* @vite-ignore */ xstateName).catch(() => undefined)) as XState | undefined;

type XEvent = { type: EventType; orderCount: number; totalSpend: number };
const xMachine = xstate?.createMachine({
  id: 'customer-journey',
  initial: 'prospect',
  states: {
    prospect: { on: { 'lead.captured': { target: 'intent' }, 'order.placed': { target: 'new' } } },
    intent: { entry: { type: 'journey.nurture' }, on: { 'order.placed': { target: 'new' } } },
    new: {
      entry: { type: 'journey.welcome' },
      on: {
        'order.placed': { target: 'active', guard: ({ event }: { event: XEvent }) => event.orderCount >= 2 },
      },
    },
    active: {
      entry: { type: 'journey.becameActive' },
      on: {
        'order.placed': {
          target: 'mature',
          guard: ({ event }: { event: XEvent }) => event.orderCount >= 5 && event.totalSpend >= 500,
        },
      },
    },
    mature: { entry: { type: 'journey.loyaltyInvite' } },
    atRisk: {
      entry: { type: 'journey.retentionOffer' },
      on: {
        'order.placed': [
          {
            target: 'mature',
            guard: ({ event }: { event: XEvent }) => event.orderCount >= 5 && event.totalSpend >= 500,
          },
          { target: 'active' },
        ],
      },
    },
    churned: { entry: { type: 'journey.churned' }, on: { 'order.placed': { target: 'reactivated' } } },
    reactivated: { entry: { type: 'journey.welcomeBack' }, on: { 'order.placed': { target: 'active' } } },
  },
});
const xSnapshots = new Map(journey.states.map((s) => [s, xMachine?.resolveState({ value: s, context: {} })]));
const xEvents = inputs.map(({ event, context }) => ({ type: event.type, ...context }));

for (let i = 0; i < N; i++) {
  const { state, event, context } = inputs[i]!;
  const ours = transition(journey, state, event, context).state;
  const floor = switchJourney(state, event.type, context);
  if (ours !== floor)
    throw new Error(`decisions differ on ${JSON.stringify(inputs[i])}: ${ours} vs switch ${floor}`);
  if (xstate !== undefined && i % 10 === 0) {
    const [next] = xstate.transition(xMachine, xSnapshots.get(state), xEvents[i]!);
    if (next.value !== ours)
      throw new Error(
        `decisions differ on ${JSON.stringify(inputs[i])}: ${ours} vs XState ${String(next.value)}`,
      );
  }
}

let sink = 0;
const crmkitRun = () => {
  for (let i = 0; i < N; i++) {
    const { state, event, context } = inputs[i]!;
    sink += transition(journey, state, event, context).effects.length;
  }
};
const explainRun = () => {
  for (let i = 0; i < N / 10; i++) {
    const { state, event, context } = inputs[i]!;
    sink += transition(journey, state, event, context, { explain: true }).effects.length;
  }
};
const switchRun = () => {
  for (let i = 0; i < N; i++) {
    const { state, event, context } = inputs[i]!;
    sink += switchJourney(state, event.type, context).length;
  }
};
const XSTATE_N = 50_000;
const xstateRun = () => {
  for (let i = 0; i < XSTATE_N; i++) {
    const { state } = inputs[i]!;
    sink += xstate!.transition(xMachine, xSnapshots.get(state), xEvents[i]!)[1].length;
  }
};

function rate(run: () => void, count: number, repeats = 3): number {
  run();
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    best = Math.max(best, count / ((performance.now() - start) / 1000));
  }
  return best;
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ours = rate(crmkitRun, N);
const explained = rate(explainRun, N / 10);
const floor = rate(switchRun, N);
const lines = [
  `same next state on all ${N.toLocaleString('en-US')} inputs${xstate ? ' (XState checked on every 10th)' : ''}`,
  `crmkit transition():          ${fmt(ours)} transitions/s`,
  `crmkit with explain: true:    ${fmt(explained)} transitions/s`,
  `hand-written switch (floor):  ${fmt(floor)} transitions/s   crmkit/switch = ${(ours / floor).toFixed(2)}×`,
];
if (xstate !== undefined) {
  const peer = rate(xstateRun, XSTATE_N, 1);
  lines.push(
    `XState v5 transition() (peer): ${fmt(peer)} transitions/s   crmkit/XState = ${(ours / peer).toFixed(0)}×`,
  );
} else {
  lines.push('XState v5 (peer): not installed — add `xstate` to devDependencies to include it');
}
console.log(`${lines.join('\n')}\n(checksum ${sink})`);

describe('customer journey, 1M pure transitions', () => {
  bench('crmkit transition()', crmkitRun, { iterations: 3, time: 0 });
  bench('hand-written switch (floor)', switchRun, { iterations: 3, time: 0 });
  if (xstate !== undefined)
    bench('XState v5 transition() (peer), 50k', xstateRun, { iterations: 1, time: 0 });
});
