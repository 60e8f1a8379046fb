import { createSeededRandom, Money, type Order } from '@crmkit/core';
import { bench, describe } from 'vitest';
import { PORTFOLIO_TIERS, runSegmentation } from '../src/index';

// The full run of the issue — RFM + portfolio tiers (potential by a predicted value) + 4 rule segments —
// over 1,000,000 customers and ~10,000,000 orders, both streamed as AsyncIterables generated lazily
// (nothing is materialised: the run holds customers, never orders). Printed: seconds, peak RSS, and the
// time the streams alone take to produce (so the run's own cost is the difference). Then, on a
// 100k-customer subset, the same run against its peer: a naive implementation that materialises every
// order, sorts them by customer and sums Money order by order — both must give the same RFM code to
// every customer before anything is timed. Printed with each figure: its ratio to the issue's targets
// (10 s, 1.5 GB) and to the baseline. BENCH_CUSTOMERS overrides the size of the full run.
const CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 1_000_000);
const SUBSET = Math.min(100_000, CUSTOMERS);
const AS_OF = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;
const START = AS_OF.getTime() - 730 * DAY;

// Cheap lazy orders, by customer as `orders.list({ orderBy: 'customer' })` streams them: 1–19 orders per
// customer (10 on average) placed over two years, totals from a pool of Money amounts (so producing the
// stream costs little next to the run), one shared line, a full refund on 2 % of orders.
const POOL = Array.from({ length: 4096 }, (_, i) =>
  Money.of(((5 + ((i * 7919) % 49_500)) / 100).toFixed(2), 'EUR'),
);
const LINES = Object.freeze([{ sku: 'tea', quantity: 1, unitPrice: POOL[0]! }]) as unknown as Order['lines'];
const NO_REFUNDS = Object.freeze([]) as unknown as Order['refunds'];
const customerId = (n: number) => `c${String(n).padStart(7, '0')}`;

async function* orders(customers: number): AsyncGenerator<Order> {
  const random = createSeededRandom(7);
  for (let n = 1; n <= customers; n++) {
    const id = customerId(n);
    const count = 1 + Math.floor(random.next() * 19);
    for (let k = 0; k < count; k++) {
      const placedAt = new Date(START + Math.floor(random.next() * 730 * DAY));
      const total = POOL[Math.floor(random.next() * POOL.length)]!;
      yield {
        id: `${id}-${k}`,
        customerId: id,
        placedAt,
        currency: 'EUR',
        lines: LINES,
        total,
        status: 'fulfilled',
        refunds:
          random.next() < 0.02
            ? [{ id: `${id}-${k}-r`, refundedAt: new Date(placedAt.getTime() + DAY), amount: total }]
            : NO_REFUNDS,
      };
    }
  }
}

const INDUSTRIES = ['retail', 'software', 'finance', 'health'];
async function* customers(
  count: number,
): AsyncGenerator<{ id: string; attributes: { industry: string }; tags: string[] }> {
  for (let n = 1; n <= count; n++) {
    yield {
      id: customerId(n),
      attributes: { industry: INDUSTRIES[n % 4]! },
      tags: n % 50 === 0 ? ['vip'] : [],
    };
  }
}

const predicted = (id: string) => ({ predictedValue: (Number(id.slice(1)) * 2654435761) % 100_000 });

const SEGMENTS = [
  {
    id: 'champions',
    name: 'Champions',
    version: 1,
    when: { fact: 'rfm.segment', op: 'eq', value: 'Champions' },
  },
  {
    id: 'vip-at-risk',
    name: 'VIPs at risk',
    version: 1,
    when: {
      all: [
        { fact: 'tier', op: 'in', value: ['strategic', 'important'] },
        { fact: 'rfm.r', op: 'lte', value: 2 },
      ],
    },
  },
  {
    id: 'retail-regulars',
    name: 'Retail regulars',
    version: 1,
    when: {
      all: [
        { fact: 'customer.attributes.industry', op: 'eq', value: 'retail' },
        { fact: 'rfm.f', op: 'gte', value: 4 },
      ],
    },
  },
  {
    id: 'tagged-vip',
    name: 'Tagged VIP',
    version: 1,
    when: { fact: 'customer.tags', op: 'contains', value: 'vip' },
  },
];

const crmkitRun = (count: number) =>
  runSegmentation({
    orders: orders(count),
    customers: customers(count),
    asOf: AS_OF,
    tiers: PORTFOLIO_TIERS,
    metrics: predicted,
    segments: SEGMENTS,
  });

/** The peer: materialise every order, sort by customer, sum Money per order, rank by sorting (RFM only). */
async function naiveRfm(count: number): Promise<Map<string, string>> {
  const all: Order[] = [];
  for await (const order of orders(count)) all.push(order);
  all.sort((a, b) =>
    a.customerId < b.customerId
      ? -1
      : a.customerId > b.customerId
        ? 1
        : a.placedAt.getTime() - b.placedAt.getTime(),
  );
  const rows: { id: string; recency: number; frequency: number; monetary: number }[] = [];
  for (let i = 0; i < all.length; ) {
    const id = all[i]!.customerId;
    let total = Money.zero('EUR');
    let frequency = 0;
    let last = 0;
    for (; i < all.length && all[i]!.customerId === id; i++) {
      const order = all[i]!;
      total = total.plus(
        order.refunds.reduce((net, r) => (r.refundedAt <= AS_OF ? net.minus(r.amount) : net), order.total),
      );
      frequency++;
      last = order.placedAt.getTime();
    }
    rows.push({
      id,
      recency: Math.floor((AS_OF.getTime() - last) / DAY),
      frequency,
      monetary: total.amount.toNumber(),
    });
  }
  // mid-rank percentile scores with shared ties, as documented for crmkit's quantiles
  const scorer = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const first = new Map<number, number>();
    const end = new Map<number, number>();
    sorted.forEach((v, i) => {
      if (!first.has(v)) first.set(v, i);
      end.set(v, i + 1);
    });
    return (v: number) =>
      1 + Math.floor((5 * (first.get(v)! + (end.get(v)! - first.get(v)!) / 2)) / values.length);
  };
  const r = scorer(rows.map((x) => -x.recency));
  const f = scorer(rows.map((x) => x.frequency));
  const m = scorer(rows.map((x) => x.monetary));
  return new Map(rows.map((x) => [x.id, `${r(-x.recency)}${f(x.frequency)}${m(x.monetary)}`]));
}

const mb = (bytes: number) => `${Math.round(bytes / 1_048_576).toLocaleString('en-US')} MB`;
const seconds = async (run: () => Promise<unknown>) => {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
};

// 1. the full run, first, so that the process's peak RSS is the run's
// CPU seconds (user + system) are printed beside wall seconds: on a machine shared with other jobs the
// wall clock measures the neighbours too, the CPU time does not
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const rssBefore = process.memoryUsage().rss;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const full = await crmkitRun(CUSTOMERS);
const runSeconds = (performance.now() - started) / 1000;
const runCpu = cpuSeconds(cpuBefore);
const maxRss = process.resourceUsage().maxRSS * 1024;

// 2. what producing the two streams alone costs (no segmentation)
const streamCpuBefore = process.cpuUsage();
const streamSeconds = await seconds(async () => {
  for await (const _ of orders(CUSTOMERS));
  for await (const _ of customers(CUSTOMERS));
});
const streamCpu = cpuSeconds(streamCpuBefore);

// 3. agreement (which also warms both up), then one timed run each, on the subset
const ours = await crmkitRun(SUBSET);
const theirs = await naiveRfm(SUBSET);
const mismatches = ours.rfm.customers.filter((c) => theirs.get(c.customerId) !== c.code).length;
if (mismatches > 0 || theirs.size !== ours.rfm.customers.length) {
  throw new Error(`crmkit and the naive peer disagree on ${mismatches} of ${theirs.size} RFM codes`);
}
const oursSubset = await seconds(() => crmkitRun(SUBSET));
const theirsSubset = await seconds(() => naiveRfm(SUBSET));

const TARGET_SECONDS = 10;
const TARGET_BYTES = 1.5 * 1024 ** 3;
const n = (x: number) => x.toLocaleString('en-US');
const verdict = (ratio: number, target: string) =>
  `${ratio.toFixed(2)}× the ${target} target: ${ratio < 1 ? 'met' : 'NOT met'}`;
const ownSeconds = Math.max(0, runSeconds - streamSeconds);
const ownCpu = Math.max(0, runCpu - streamCpu);
console.log(
  [
    `full run: ${n(CUSTOMERS)} customers, ${n(full.ordersRead)} orders (RFM + portfolio tiers + ${SEGMENTS.length} rule segments; both streams async generators, generated lazily)`,
    `  time, end to end:   ${runSeconds.toFixed(2)} s (${n(Math.round(full.ordersRead / runSeconds))} orders/s) — ${verdict(runSeconds / TARGET_SECONDS, `${TARGET_SECONDS} s`)}`,
    `  CPU, end to end:    ${runCpu.toFixed(2)} s — ${verdict(runCpu / TARGET_SECONDS, `${TARGET_SECONDS} s`)}`,
    `  the streams alone:  ${streamSeconds.toFixed(2)} s, CPU ${streamCpu.toFixed(2)} s (generating and iterating them, no segmentation)`,
    `  segmentation's own: ${ownSeconds.toFixed(2)} s, CPU ${ownCpu.toFixed(2)} s (end to end less the streams) — ${verdict(ownSeconds / TARGET_SECONDS, `${TARGET_SECONDS} s`)}`,
    `  peak RSS:           ${mb(maxRss)} (process, vitest included; before the run ${mb(rssBefore)}) — ${verdict(maxRss / TARGET_BYTES, '1.5 GB')}`,
    `  segments: ${JSON.stringify(full.segmentCounts)}; tiers ${JSON.stringify(full.tiers?.tiers.map((t) => [t.name, t.count]))}`,
    `baseline, on a ${n(SUBSET)}-customer subset (${n(ours.ordersRead)} orders; both give every customer the same RFM code):`,
    `  crmkit runSegmentation (RFM + tiers + segments, streamed): ${oursSubset.toFixed(2)} s`,
    `  naive RFM (materialise, sort, Money per order; RFM only): ${theirsSubset.toFixed(2)} s`,
    `  ratio: crmkit takes ${(oursSubset / theirsSubset).toFixed(2)}× the baseline's time (${(theirsSubset / oursSubset).toFixed(1)}× as fast), doing more`,
  ].join('\n'),
);

// vitest's own table, on a smaller sample so that the bench stays short
const SAMPLE = 10_000;
describe(`segmentation run, ${n(SAMPLE)} customers`, () => {
  const options = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };
  bench('crmkit runSegmentation (streamed)', async () => void (await crmkitRun(SAMPLE)), options);
  bench('baseline: naive RFM (materialise + sort)', async () => void (await naiveRfm(SAMPLE)), options);
});
