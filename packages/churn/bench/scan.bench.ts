import { bench, describe } from 'vitest';
import { type ChurnSetup, scanChurn } from '../src/index';
import {
  asyncOrderStream,
  baseline,
  generateOrders,
  MemoryPeak,
  type OrderColumns,
  orderStream,
  pagedOrderStream,
  SETUP,
  streamAlone,
} from './fixture';

// Churn early warning over a whole customer base, streamed: every indicator and level for each customer,
// against a named baseline — a hand-written plain loop computing only the three indicators the rules use,
// with float arithmetic and if/else thresholds (no decimals, no rules engine, no explanations, no
// hysteresis). Before timing, both must agree on every level count.
//
// The orders (about 10 per customer, sorted by customer) are generated once, untimed, into compact columns
// (see fixture.ts); each timed run reads them through a stream that builds every order record as a storage
// adapter would — in pages, like `storage.orders.pages({ orderBy: 'customer' })` (the main figure), row by
// row like `storage.orders.list(...)`, or as a plain iterable.
// Printed per run: wall and CPU seconds (CPU is the figure to trust on a shared machine), the same for the
// stream alone and the difference (the scan's own time), peak RSS / heap sampled every 65,536 orders, and
// the ratio to the baseline's CPU time.
//
// Size: CHURN_BENCH_CUSTOMERS (default 100,000 customers ≈ 1M orders, so `npm run bench` stays short).
// The target is CHURN_BENCH_CUSTOMERS=1000000 (≈ 10M orders): under 10 s and under 1.5 GB.
const CUSTOMERS = Number(process.env['CHURN_BENCH_CUSTOMERS'] ?? 100_000);
const TARGET_SECONDS = 10;
const TARGET_BYTES = 1.5 * 1024 ** 3;

interface Figures {
  wall: number;
  cpu: number;
  rss: number;
  heap: number;
}
async function timed(run: (peak: MemoryPeak) => unknown): Promise<Figures> {
  const peak = new MemoryPeak();
  peak.sample();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(peak);
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  peak.sample();
  return { wall, cpu: (used.user + used.system) / 1e6, rss: peak.rss, heap: peak.heapUsed };
}

type StreamKind = 'paged' | 'async' | 'sync';
const streamOf = (kind: StreamKind, data: OrderColumns, peak?: MemoryPeak) =>
  kind === 'paged'
    ? pagedOrderStream(data, peak)
    : kind === 'async'
      ? asyncOrderStream(data, peak)
      : orderStream(data, peak);

async function crmkit(
  data: OrderColumns,
  kind: StreamKind,
  explain: boolean,
  peak?: MemoryPeak,
): Promise<string> {
  const setup: ChurnSetup = { ...SETUP, explain };
  const orders = streamOf(kind, data, peak);
  const counts: Record<string, number> = {};
  for await (const a of scanChurn({ orders }, setup)) {
    const key = a.level ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
    if (explain && a.indicators.explanations.length === 0) throw new Error('no explanations');
  }
  return JSON.stringify(Object.entries(counts).sort());
}

const data = generateOrders(CUSTOMERS);
const heapBefore = process.memoryUsage().heapUsed;
const expected = JSON.stringify(Object.entries(baseline(orderStream(data))).sort());
const actual = await crmkit(data, 'sync', false);
if (actual !== expected) throw new Error(`crmkit and the baseline disagree: ${actual} vs ${expected}`);

const runs: [name: string, stream: StreamKind, run: (peak: MemoryPeak) => unknown][] = [
  ['crmkit scanChurn, paged async stream (explain: false)', 'paged', (p) => crmkit(data, 'paged', false, p)],
  ['crmkit scanChurn, async stream row by row', 'async', (p) => crmkit(data, 'async', false, p)],
  ['crmkit scanChurn, plain stream (explain: false)', 'sync', (p) => crmkit(data, 'sync', false, p)],
  ['crmkit scanChurn, paged, explained + texts', 'paged', (p) => crmkit(data, 'paged', true, p)],
  ['plain-loop baseline, plain stream', 'sync', () => baseline(orderStream(data))],
];
const streams = {
  sync: await timed(() => streamAlone(orderStream(data))),
  async: await timed(() => streamAlone(asyncOrderStream(data))),
  paged: await timed(() => streamAlone(pagedOrderStream(data))),
};
const figures = new Map<string, Figures & { stream: StreamKind }>();
for (const [name, stream, run] of runs) figures.set(name, { ...(await timed(run)), stream });

const base = figures.get('plain-loop baseline, plain stream')!;
const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => `${n(Math.round(bytes / 2 ** 20))} MB`;
const lines = [
  `churn scan, ${n(CUSTOMERS)} customers / ${n(data.orders)} orders (one run each, after a warm-up run):`,
  `  stream alone, plain: ${streams.sync.cpu.toFixed(2)} s CPU; async row by row: ${streams.async.cpu.toFixed(2)} s CPU; paged async (pages of 500, as storage.orders.pages()): ${streams.paged.cpu.toFixed(2)} s CPU`,
];
for (const [name, f] of figures) {
  const own = Math.max(0, f.cpu - streams[f.stream].cpu);
  lines.push(
    `  ${name.padEnd(54)} ${f.wall.toFixed(2)} s wall, ${f.cpu.toFixed(2)} s CPU (own ${own.toFixed(2)} s), ` +
      `${(f.cpu / base.cpu).toFixed(2)}× the baseline's CPU; rss ${mb(f.rss)}, heap ${mb(f.heap)}`,
  );
}
const main = figures.get(runs[0]![0])!;
const rss = process.resourceUsage().maxRSS * 1024;
lines.push(
  `  target (${runs[0]![0]}): CPU ${(main.cpu / TARGET_SECONDS).toFixed(2)}× the ${TARGET_SECONDS} s target (${main.cpu < TARGET_SECONDS ? 'met' : 'NOT met'}); ` +
    `process peak RSS ${mb(rss)}, ${(rss / TARGET_BYTES).toFixed(2)}× the 1.5 GB target (${rss < TARGET_BYTES ? 'met' : 'NOT met'}); ` +
    `heap grew at most ${mb(Math.max(...[...figures.values()].map((f) => f.heap)) - heapBefore)}`,
);
console.log(lines.join('\n'));

// vitest's own table, on a smaller sample so that the bench stays short
const SAMPLE = 10_000;
const sample = generateOrders(SAMPLE);
describe(`churn scan, ${n(SAMPLE)} customers`, () => {
  const options = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 };
  bench(
    'crmkit scanChurn (explain: false)',
    async () => void (await crmkit(sample, 'paged', false)),
    options,
  );
  bench('plain-loop baseline (floats, if/else)', () => void baseline(orderStream(sample)), options);
});
