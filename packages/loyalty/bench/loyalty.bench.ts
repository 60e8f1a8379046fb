import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  createManualClock,
  createMemoryStorage,
  createSeededRandom,
  type Order,
  OrderSchema,
  type Storage,
} from '@crmkit/core';
import { bench, describe } from 'vitest';
import {
  compileEarningRules,
  createLoyaltyProgram,
  type LoyaltyProgram,
  type ProgramDefinitionInput,
  parseProgramDefinition,
} from '../src/index';

// Earning evaluation and ledger appends over seeded orders, each side by side with a named baseline:
// - evaluation: the compiled programme against a hand-coded TypeScript function computing the same
//   points (the ceiling: no conditions, no explanation, no validation); both must agree on every order;
// - ledger (issue #4's target: evaluation + ledger append on the memory adapter, 1,000,000 orders,
//   at least 200,000 orders/s): `recordOrders` in batches of 1,000 (every order checked, earning rules,
//   cached account, a ledger event and an idempotency key per order, optimistic concurrency, one
//   transaction per batch) against a bare event log on the same adapter: the hand-coded points and one
//   `events.append` per order with the balance kept in a Map (no account, no idempotency, no
//   transaction): the floor of what any ledger on these ports costs. On the first 20,000 orders,
//   `recordOrders` and `recordOrder` (one call per order) also run on fresh stores, side by side.
// Two member counts: ORDERS / 10 members (1,000,000 orders: 100,000 members with 10 orders each, a
// realistic shop, where most customers order a few times a year), and 500 members (2,000 orders
// each: long ledgers whose every account write carries thousands of open lots, the worst case of a
// cached account).
// LOYALTY_BENCH_ORDERS scales the ledger runs (default 20,000; the target run is 1,000,000,
// whose ledgers, keys and accounts take about 3 GB of heap: `npm run bench` gives the worker 8 GB).
// Orders are already-parsed `Order`s (the shape `OrderSchema` returns), as a store's event handler has
// them; they are made per batch from 10,000 seeded templates, so that 1,000,000 of them never sit in
// memory at once.
const ORDERS = Number(process.env['LOYALTY_BENCH_ORDERS'] ?? 20_000);
const BATCH = 1_000;
const SINGLE = Math.min(ORDERS, 20_000);
const EVALUATIONS = 20_000;
const TEMPLATES = 10_000;
const TARGET = 200_000;
const START = Date.UTC(2026, 0, 1);

const definition: ProgramDefinitionInput = {
  id: 'bench',
  earning: {
    rates: [{ currency: 'EUR', points: 1 }],
    rules: [
      { id: 'tea', label: 'tea ×2', multiplier: 2, categories: ['tea'] },
      { id: 'app', label: 'app bonus', bonus: 10, when: { fact: 'order.channel', op: 'eq', value: 'app' } },
      {
        id: 'member-day',
        label: 'member day',
        bonus: 8,
        when: { fact: 'order.placedAt', op: 'dayOfMonth', value: 8 },
      },
    ],
    caps: { perOrder: 2000 },
  },
};

const random = createSeededRandom('loyalty-bench');
const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)]!;
const templates: Order[] = Array.from({ length: TEMPLATES }, (_, i) =>
  OrderSchema.parse({
    id: `t${i}`,
    customerId: 'm0',
    placedAt: new Date(START).toISOString(),
    currency: 'EUR',
    channel: pick(['web', 'app', 'store']),
    lines: [
      {
        sku: 'sencha',
        category: pick(['tea', 'cups', 'snacks']),
        quantity: 1 + Math.floor(random.next() * 3),
        unitPrice: (1 + Math.floor(random.next() * 5000) / 100).toFixed(2),
      },
    ],
  }),
);

/** Order `i` of a run over `members` members: a template with its own id, member and minute. */
function orderAt(i: number, members: number): Order {
  return {
    ...templates[i % TEMPLATES]!,
    id: `o${i}`,
    customerId: `m${i % members}`,
    placedAt: new Date(START + i * 60_000),
  };
}

const rules = compileEarningRules(parseProgramDefinition(definition));
const member = {
  id: 'm',
  tier: null,
  orderCount: 1,
  earnedToday: 0,
  earnedThisMonth: 0,
  earnedThisYear: 0,
  attributes: {},
};
const crmkitPoints = (order: Order) => rules.evaluateParsed({ order, member, discountedSkus: [] }).points;

/** The baseline: the same programme written by hand, in cents, for this one shape of order. */
function handCoded(order: Order): number {
  const line = order.lines[0]!;
  const cents = Math.round(Number(line.unitPrice.amount) * 100) * line.quantity;
  let points = Math.floor(cents / 100);
  if (line.category === 'tea') points += Math.floor(cents / 100);
  if (order.channel === 'app') points += 10;
  if (order.placedAt.getUTCDate() === 8) points += 8;
  return Math.min(points, 2000);
}

const sample = Array.from({ length: EVALUATIONS }, (_, i) => orderAt(i, 500));
for (const order of sample) {
  const [ours, theirs] = [crmkitPoints(order), handCoded(order)];
  if (ours !== theirs)
    throw new Error(`points differ on ${order.id}: crmkit ${ours} vs hand-coded ${theirs}`);
}

const newProgram = (storage: Storage) =>
  createLoyaltyProgram({ storage, clock: createManualClock('2026-06-01T00:00:00Z'), definition });

/** crmkit: `recordOrders` in batches. */
async function crmkitBatches(program: LoyaltyProgram, count: number, members: number) {
  for (let start = 0; start < count; start += BATCH) {
    const inputs = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) inputs.push({ order: orderAt(i, members) });
    await program.recordOrders(inputs);
  }
}

/** crmkit: `recordOrder`, one call per order. */
async function crmkitSingles(program: LoyaltyProgram, count: number, members: number) {
  for (let i = 0; i < count; i++) await program.recordOrder({ order: orderAt(i, members) });
}

/** The baseline ledger: the hand-coded points, one event per order, the balance kept in a Map. */
async function bareLedger(storage: Storage, count: number, members: number) {
  const balances = new Map<string, { balance: number; sequence: number }>();
  const occurredAt = new Date('2026-06-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const order = orderAt(i, members);
    const stream = `bare:${order.customerId}`;
    const last = balances.get(stream) ?? { balance: 0, sequence: 0 };
    const points = handCoded(order);
    const next = { balance: last.balance + points, sequence: last.sequence + 1 };
    await storage.events.append(
      stream,
      [{ id: `bare-${order.id}`, type: 'earn', data: { points, balance: next.balance }, occurredAt }],
      { expectedSequence: last.sequence },
    );
    balances.set(stream, next);
  }
  return balances;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Wall time of `run`, and the heap its storage holds (after a full collection, with the storage
 * `run` hands back still alive).
 */
async function measure<T>(
  run: () => Promise<{ result: T; storage?: Storage }> | { result: T; storage?: Storage },
): Promise<{ ms: number; heapMb: number; result: T }> {
  gc();
  const heap = process.memoryUsage().heapUsed;
  const start = performance.now();
  const { result, storage } = await run();
  const ms = performance.now() - start;
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heap) / 1e6;
  await storage?.close();
  return { ms, heapMb, result };
}

// steady state: a few passes first, so that both sides run optimised code
for (let pass = 0; pass < 5; pass++) {
  sample.forEach(crmkitPoints);
  sample.forEach(handCoded);
}
const evalOurs = await measure(() => ({ result: sample.forEach(crmkitPoints) }));
const evalBase = await measure(() => ({ result: sample.forEach(handCoded) }));
// each part is printed as soon as it is measured: the 1,000,000-order run takes minutes
console.log(
  [
    `earning evaluation, ${fmt(EVALUATIONS)} orders (same points on every order):`,
    `  crmkit compiled programme:  ${fmt(rate(EVALUATIONS, evalOurs.ms))} orders/s`,
    `  hand-coded (baseline):      ${fmt(rate(EVALUATIONS, evalBase.ms))} orders/s`,
    `  ratio:                      ${(evalOurs.ms / evalBase.ms).toFixed(1)}× slower than hand-coded`,
  ].join('\n'),
);

// the long-ledger case is capped at 100,000 orders: every write of an account copies its open lots, so
// 1,000,000 orders over 500 members (2,000 open lots each) take far longer without saying more
for (const [count, members] of [
  [ORDERS, Math.max(1, Math.round(ORDERS / 10))],
  [Math.min(ORDERS, 100_000), 500],
] as const) {
  const checked = ['m0', `m${members - 1}`];
  // each run's storage is dropped before the next starts, so the heap figures are each run's own
  const ours = await measure(async () => {
    const storage = createMemoryStorage();
    const program = newProgram(storage);
    await crmkitBatches(program, count, members);
    return {
      result: await Promise.all(checked.map(async (id) => (await program.balance(id)).balance)),
      storage,
    };
  });
  // the first 20,000 orders both ways, on equally small stores: what batching itself gains
  const firstBatches = await measure(async () => {
    const storage = createMemoryStorage();
    return { result: await crmkitBatches(newProgram(storage), SINGLE, members), storage };
  });
  const single = await measure(async () => {
    const storage = createMemoryStorage();
    return { result: await crmkitSingles(newProgram(storage), SINGLE, members), storage };
  });
  const bare = await measure(async () => {
    const storage = createMemoryStorage();
    return { result: await bareLedger(storage, count, members), storage };
  });
  checked.forEach((id, i) => {
    const [mine, theirs] = [ours.result[i], bare.result.get(`bare:${id}`)?.balance ?? 0];
    if (mine !== theirs) throw new Error(`balances differ for ${id}: crmkit ${mine} vs baseline ${theirs}`);
  });
  const perSecond = rate(count, ours.ms);
  console.log(
    [
      `evaluation + ledger append on the memory adapter, ${fmt(count)} orders over ${fmt(members)} members:`,
      `  crmkit recordOrders (batches of ${fmt(BATCH)}): ${fmt(perSecond)} orders/s, heap +${ours.heapMb.toFixed(0)} MB`,
      `  first ${fmt(SINGLE)} orders: recordOrders ${fmt(rate(SINGLE, firstBatches.ms))} orders/s, recordOrder (one call per order) ${fmt(rate(SINGLE, single.ms))} orders/s`,
      `  bare event append (baseline):        ${fmt(rate(count, bare.ms))} orders/s, heap +${bare.heapMb.toFixed(0)} MB`,
      `  ratio:                               ${(bare.ms / ours.ms).toFixed(2)}× (crmkit recordOrders vs baseline speed)`,
      `  target ${fmt(TARGET)} orders/s:            ${perSecond >= TARGET ? 'met' : 'not met'}`,
    ].join('\n'),
  );
}

describe(`earning evaluation, ${fmt(EVALUATIONS)} orders`, () => {
  bench('crmkit compileEarningRules + evaluateParsed', () => sample.forEach(crmkitPoints), {
    iterations: 3,
    time: 0,
  });
  bench('hand-coded earning function (baseline)', () => sample.forEach(handCoded), {
    iterations: 3,
    time: 0,
  });
});

describe('ledger append on the memory adapter, 2,000 orders over 200 members', () => {
  bench(
    'crmkit recordOrders (batches of 1,000)',
    () => crmkitBatches(newProgram(createMemoryStorage()), 2_000, 200),
    { iterations: 3, time: 0 },
  );
  bench(
    'crmkit recordOrder (one call per order)',
    () => crmkitSingles(newProgram(createMemoryStorage()), 2_000, 200),
    { iterations: 3, time: 0 },
  );
  bench(
    'bare event append, no guarantees (baseline)',
    () => bareLedger(createMemoryStorage(), 2_000, 200).then(() => undefined),
    { iterations: 3, time: 0 },
  );
});
