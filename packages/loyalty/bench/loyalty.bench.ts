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
  type ProgramDefinitionInput,
  parseProgramDefinition,
} from '../src/index';

// Earning evaluation and ledger appends over seeded orders, each side by side with a named baseline:
// - evaluation: the compiled programme against a hand-coded TypeScript function computing the same
//   points (the ceiling: no conditions, no explanation, no validation); both must agree on every order;
// - ledger: `recordOrder` (cached account document, idempotency-key document, optimistic concurrency,
//   one transaction) against a bare event-sourced ledger on the same memory adapter that replays the
//   member's stream to find the balance and appends one event (no cache, no idempotency, no
//   transaction): the floor of what any ledger on these ports costs. The gap is the price of the
//   guarantees; most of it is the adapter validating and freezing the two documents each write puts.
// LOYALTY_BENCH_ORDERS scales the ledger run (default 5,000; the target run is 1,000,000).
const ORDERS = Number(process.env['LOYALTY_BENCH_ORDERS'] ?? 5_000);
const EVALUATIONS = 20_000;
const MEMBERS = 500;

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
const orders: Order[] = Array.from({ length: Math.max(ORDERS, EVALUATIONS) }, (_, i) =>
  OrderSchema.parse({
    id: `o${i}`,
    customerId: `m${i % MEMBERS}`,
    placedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
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

for (const order of orders.slice(0, EVALUATIONS)) {
  const [ours, theirs] = [crmkitPoints(order), handCoded(order)];
  if (ours !== theirs)
    throw new Error(`points differ on ${order.id}: crmkit ${ours} vs hand-coded ${theirs}`);
}

async function crmkitLedger(storage: Storage, count: number) {
  const program = createLoyaltyProgram({
    storage,
    clock: createManualClock('2026-06-01T00:00:00Z'),
    definition,
  });
  for (let i = 0; i < count; i++) await program.recordOrder({ order: orders[i]! });
  return program;
}

/** The baseline ledger: replays the member's stream to find its balance before each append. */
async function replayLedger(storage: Storage, count: number) {
  const occurredAt = new Date('2026-06-01T00:00:00Z');
  for (let i = 0; i < count; i++) {
    const order = orders[i]!;
    const stream = `naive:${order.customerId}`;
    let balance = 0;
    let sequence = 0;
    for await (const e of storage.events.read(stream)) {
      balance += (e.data as { points: number }).points;
      sequence = e.sequence;
    }
    const points = handCoded(order);
    await storage.events.append(
      stream,
      [{ id: `naive-${order.id}`, type: 'earn', data: { points, balance: balance + points }, occurredAt }],
      { expectedSequence: sequence },
    );
  }
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');
async function measure(run: () => Promise<unknown> | unknown): Promise<{ ms: number; heapMb: number }> {
  globalThis.gc?.();
  const heap = process.memoryUsage().heapUsed;
  const start = performance.now();
  await run();
  const ms = performance.now() - start;
  return { ms, heapMb: (process.memoryUsage().heapUsed - heap) / 1e6 };
}

const evalOurs = await measure(() => orders.slice(0, EVALUATIONS).forEach(crmkitPoints));
const evalBase = await measure(() => orders.slice(0, EVALUATIONS).forEach(handCoded));
let program: Awaited<ReturnType<typeof crmkitLedger>> | undefined;
const naive = createMemoryStorage();
const ledgerOurs = await measure(async () => {
  program = await crmkitLedger(createMemoryStorage(), ORDERS);
});
const ledgerBase = await measure(() => replayLedger(naive, ORDERS));
for (const id of ['m0', `m${MEMBERS - 1}`]) {
  let last = 0;
  for await (const e of naive.events.read(`naive:${id}`)) last = (e.data as { balance: number }).balance;
  const ours = (await program!.balance(id)).balance;
  if (ours !== last) throw new Error(`balances differ for ${id}: crmkit ${ours} vs baseline ${last}`);
}
console.log(
  [
    `earning evaluation, ${fmt(EVALUATIONS)} orders (same points on every order):`,
    `  crmkit compiled programme:  ${fmt(rate(EVALUATIONS, evalOurs.ms))} orders/s`,
    `  hand-coded (baseline):      ${fmt(rate(EVALUATIONS, evalBase.ms))} orders/s`,
    `  ratio:                      ${(evalOurs.ms / evalBase.ms).toFixed(1)}× slower than hand-coded`,
    `evaluation + ledger append on the memory adapter, ${fmt(ORDERS)} orders over ${MEMBERS} members:`,
    `  crmkit recordOrder:         ${fmt(rate(ORDERS, ledgerOurs.ms))} orders/s, heap +${ledgerOurs.heapMb.toFixed(0)} MB`,
    `  bare append (baseline):     ${fmt(rate(ORDERS, ledgerBase.ms))} orders/s, heap +${ledgerBase.heapMb.toFixed(0)} MB`,
    `  ratio:                      ${(ledgerBase.ms / ledgerOurs.ms).toFixed(2)}× (crmkit vs baseline speed)`,
  ].join('\n'),
);

describe(`earning evaluation, ${fmt(EVALUATIONS)} orders`, () => {
  bench(
    'crmkit compileEarningRules + evaluateParsed',
    () => orders.slice(0, EVALUATIONS).forEach(crmkitPoints),
    { iterations: 3, time: 0 },
  );
  bench('hand-coded earning function (baseline)', () => orders.slice(0, EVALUATIONS).forEach(handCoded), {
    iterations: 3,
    time: 0,
  });
});

describe('ledger append on the memory adapter, 1,000 orders', () => {
  bench(
    'crmkit recordOrder (cached account)',
    () => crmkitLedger(createMemoryStorage(), 1_000).then(() => undefined),
    { iterations: 2, time: 0 },
  );
  bench('bare replay + append, no guarantees (baseline)', () => replayLedger(createMemoryStorage(), 1_000), {
    iterations: 2,
    time: 0,
  });
});
