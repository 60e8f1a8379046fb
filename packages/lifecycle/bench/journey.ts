// The side-by-side workload shared by transition.bench.ts (`npm run bench`) and run.ts (plain Node): one
// seeded sequence of steps on the customer-journey machine, run by crmkit's transition(), by XState v5's
// pure transition() on an equivalent machine, and by a hand-written switch (the floor).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createSeededRandom } from '@crmkit/core';
import type * as XState from 'xstate';
import { customerJourney, customerJourneyDefinition, transition } from '../src/index';

// XState's production build, as an application gets it, loaded by path: vitest runs with the
// `development` condition, which would pick XState's slower development build (extra checks, warnings).
const nodeRequire = createRequire(import.meta.url);
const xstateDir = dirname(nodeRequire.resolve('xstate/package.json'));
const { createMachine: createXMachine, transition: xTransition } = nodeRequire(
  join(xstateDir, 'dist/xstate.cjs.js'),
) as typeof XState;
const XSTATE_VERSION = (nodeRequire('xstate/package.json') as { version: string }).version;

export const journey = customerJourney();
type State = (typeof journey.states)[number];
type EventType = (typeof journey.events)[number];
interface Figures {
  readonly orderCount: number;
  readonly totalSpend: number;
}

// The preset's defaults (2 orders to be active; 5 orders and a spend of 500 to be mature), read from its
// definition so that the machines below cannot drift from it.
const params = customerJourneyDefinition().params;
const ACTIVE_ORDERS = params.activeAfterOrders;
const MATURE_ORDERS = params.matureAfterOrders;
const MATURE_SPEND = Number(params.matureMinimumSpend);

// XState has no per-call context argument: the customer's figures travel on the event, and the guards
// (plain functions) compute the same conditions as the preset's @crmkit/rules conditions.
type XEvent = { readonly type: EventType } & Figures;
const isActive = ({ event }: { event: XEvent }) => event.orderCount >= ACTIVE_ORDERS;
const isMature = ({ event }: { event: XEvent }) =>
  event.orderCount >= MATURE_ORDERS && event.totalSpend >= MATURE_SPEND;

/**
 * The customer journey in XState v5: the same states, events, guards (in the same order) and entry
 * actions. The preset's timers (inactivity windows) are left out of both sides: crmkit fires them through
 * `advance`/`dueTimers`, not `transition()`.
 */
export const xJourney = createXMachine({
  types: {} as { events: XEvent },
  id: 'customer-journey',
  initial: 'prospect',
  states: {
    prospect: { on: { 'lead.captured': { target: 'intent' }, 'order.placed': { target: 'new' } } },
    intent: { entry: { type: 'journey.nurture' }, on: { 'order.placed': { target: 'new' } } },
    new: {
      entry: { type: 'journey.welcome' },
      on: { 'order.placed': { target: 'active', guard: isActive } },
    },
    active: {
      entry: { type: 'journey.becameActive' },
      on: { 'order.placed': { target: 'mature', guard: isMature } },
    },
    mature: { entry: { type: 'journey.loyaltyInvite' } },
    atRisk: {
      entry: { type: 'journey.retentionOffer' },
      on: { 'order.placed': [{ target: 'mature', guard: isMature }, { target: 'active' }] },
    },
    churned: { entry: { type: 'journey.churned' }, on: { 'order.placed': { target: 'reactivated' } } },
    reactivated: { entry: { type: 'journey.welcomeBack' }, on: { 'order.placed': { target: 'active' } } },
  },
});
const xSnapshots = new Map(journey.states.map((s) => [s, xJourney.resolveState({ value: s, context: {} })]));

/** The same machine as a hand-written switch: the fastest possible code for this one machine. */
export function switchJourney(state: State, type: EventType, c: Figures): State {
  const mature = c.orderCount >= MATURE_ORDERS && c.totalSpend >= MATURE_SPEND;
  switch (state) {
    case 'prospect':
      return type === 'lead.captured' ? 'intent' : 'new';
    case 'intent':
      return type === 'order.placed' ? 'new' : state;
    case 'new':
      return type === 'order.placed' && c.orderCount >= ACTIVE_ORDERS ? 'active' : state;
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

/** One step of the sequence: a customer in `state` receives `event`; `context` holds their figures. */
export interface Step {
  readonly state: State;
  readonly event: { readonly type: EventType };
  readonly context: Figures;
}

/**
 * The seeded sequence: customers spread evenly over the eight stages (as an imported customer base is, the
 * later stages reached by timers), 85 % `order.placed` and 15 % `lead.captured`, 1–8 orders and a spend of
 * 0–1000 with cents. About a third of the steps evaluate a guard.
 */
export function journeySteps(n: number, seed = 'lifecycle-bench'): Step[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    const state = journey.states[Math.floor(random.next() * journey.states.length)]!;
    const type: EventType = random.next() < 0.85 ? 'order.placed' : 'lead.captured';
    const orderCount = 1 + Math.floor(random.next() * 8);
    const totalSpend = Math.round(random.next() * 100_000) / 100;
    return { state, event: { type }, context: { orderCount, totalSpend } };
  });
}

function fail(step: Step, index: number, what: string): never {
  throw new Error(`decisions differ at step ${index} (${JSON.stringify(step)}): ${what}`);
}

/**
 * Checks crmkit against the switch on every step (the same next state, with and without an explanation);
 * returns how many steps evaluated a guard and how many changed state.
 */
export function checkAgainstSwitch(steps: readonly Step[]): { guarded: number; taken: number } {
  let guarded = 0;
  let taken = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const ours = transition(journey, s.state, s.event, s.context);
    const explained = transition(journey, s.state, s.event, s.context, { explain: true });
    const floor = switchJourney(s.state, s.event.type, s.context);
    if (ours.state !== floor) fail(s, i, `crmkit → ${ours.state}, switch → ${floor}`);
    if (explained.state !== ours.state) fail(s, i, `explained → ${explained.state}, not ${ours.state}`);
    if (explained.explanation!.candidates.some((c) => c.when !== undefined)) guarded++;
    if (ours.taken) taken++;
  }
  return { guarded, taken };
}

/**
 * Checks crmkit against what XState decided on steps `from…`: the same next state and the same named
 * effects (crmkit's exit/transition/entry effects, XState's actions) on every step.
 */
export function checkAgainstXState(
  steps: readonly Step[],
  from: number,
  next: readonly unknown[],
  effects: readonly string[],
): void {
  for (let k = 0; k < next.length; k++) {
    const s = steps[from + k]!;
    const ours = transition(journey, s.state, s.event, s.context);
    if (ours.state !== next[k]) fail(s, from + k, `crmkit → ${ours.state}, XState → ${String(next[k])}`);
    const names = ours.effects.map((e) => e.type).join();
    if (names !== effects[k]) fail(s, from + k, `crmkit effects [${names}], XState [${effects[k]}]`);
  }
}

let sink = 0;

/** crmkit over every step; returns transitions per second. */
export function runCrmkit(steps: readonly Step[], explain = false): number {
  const options = explain ? { explain: true } : undefined;
  const start = performance.now();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    sink += transition(journey, s.state, s.event, s.context, options).effects.length;
  }
  return steps.length / ((performance.now() - start) / 1000);
}

/** The switch over every step; returns transitions per second. */
export function runSwitch(steps: readonly Step[]): number {
  const start = performance.now();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    sink += switchJourney(s.state, s.event.type, s.context).length;
  }
  return steps.length / ((performance.now() - start) / 1000);
}

/**
 * XState over `count` steps from `from`: each step's snapshot (resolved once per state) and its event
 * carrying the figures are prepared before the timing. Keeps each next state and the names of its actions
 * for the check afterwards, not the snapshots and actions themselves (they hold on to a whole actor scope,
 * and that garbage would slow the next measurement). Returns transitions per second.
 */
export function runXState(
  steps: readonly Step[],
  from: number,
  count: number,
): { rate: number; next: unknown[]; effects: string[] } {
  const window = steps.slice(from, from + count);
  const snapshots = window.map((s) => xSnapshots.get(s.state)!);
  const events = window.map((s): XEvent => ({ type: s.event.type, ...s.context }));
  const next: unknown[] = new Array(count);
  const effects: string[] = new Array(count);
  const start = performance.now();
  for (let k = 0; k < count; k++) {
    const [snapshot, actions] = xTransition(xJourney, snapshots[k]!, events[k]!);
    next[k] = snapshot.value;
    effects[k] = actions.length === 0 ? '' : actions.map((a) => a.type).join();
  }
  return { rate: count / ((performance.now() - start) / 1000), next, effects };
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Options of {@link sideBySide}. */
export interface SideBySideOptions {
  /** Steps XState runs each round, a different slice of the same sequence each time (default 20,000). */
  readonly xstateSteps?: number;
  /** Timed rounds, each running crmkit, XState, the switch and crmkit with explanations (default 7). */
  readonly rounds?: number;
}

/**
 * Checks every implementation's decisions on the sequence (crmkit and the switch run all of it each
 * round, XState a different slice each round), then times them in interleaved rounds
 * (a busy machine slows all of them alike) and returns the report: best and median rates, and the
 * crmkit/XState ratio of each round.
 */
export function sideBySide(steps: readonly Step[], options: SideBySideOptions = {}): string {
  const n = steps.length;
  const xn = options.xstateSteps ?? 20_000;
  const rounds = options.rounds ?? 7;
  const { guarded, taken } = checkAgainstSwitch(steps);
  const explainSteps = steps.slice(0, n / 10);

  // Warm-up: every implementation once, untimed; XState's first slice checked.
  runCrmkit(steps);
  runCrmkit(explainSteps, true);
  runSwitch(steps);
  const warm = runXState(steps, 0, xn);
  checkAgainstXState(steps, 0, warm.next, warm.effects);

  const ours: number[] = [];
  const peer: number[] = [];
  const floor: number[] = [];
  const explained: number[] = [];
  const ratios: number[] = [];
  let checked = xn;
  for (let r = 0; r < rounds; r++) {
    ours.push(runCrmkit(steps));
    const from = ((r + 1) * xn) % (n - xn + 1);
    const x = runXState(steps, from, xn);
    checkAgainstXState(steps, from, x.next, x.effects);
    checked += xn;
    peer.push(x.rate);
    floor.push(runSwitch(steps));
    explained.push(runCrmkit(explainSteps, true));
    ratios.push(ours[r]! / x.rate);
  }
  const count = (k: number) => k.toLocaleString('en-US');
  const pct = (k: number) => `${((100 * k) / n).toFixed(1)} %`;
  const row = (name: string, xs: readonly number[]) =>
    `${name.padEnd(36)}${fmt(Math.max(...xs)).padStart(12)}${fmt(median(xs)).padStart(13)}`;
  return [
    `customer journey, ${count(n)} seeded steps: ${pct(guarded)} evaluate a rules guard, ${pct(taken)} change state (Node ${process.version}, XState ${XSTATE_VERSION})`,
    `same decisions on every step: crmkit = switch on all ${count(n)}; crmkit = XState (next state and effects) on the ${count(checked)} XState ran`,
    `${rounds} interleaved rounds, transitions per second:`,
    `${''.padEnd(36)}${'best'.padStart(12)}${'median'.padStart(13)}`,
    row(`crmkit transition() (${count(n)}/round)`, ours),
    row(`crmkit, explain: true (${count(n / 10)}/round)`, explained),
    row(`XState v5 transition() (${count(xn)}/round)`, peer),
    row(`hand-written switch (${count(n)}/round)`, floor),
    `crmkit/XState by round: ${ratios.map((x) => `${x.toFixed(0)}×`).join(' ')}; median ${median(ratios).toFixed(0)}×, best ${Math.max(...ratios).toFixed(0)}×`,
    `crmkit/switch (medians): ${(median(ours) / median(floor)).toFixed(2)}   (checksum ${sink})`,
  ].join('\n');
}
