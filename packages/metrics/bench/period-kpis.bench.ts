import type { Order } from '@crmkit/core';
import { afterAll, bench, describe } from 'vitest';
import { periodKpis } from '../src/index';
import { asStream, naivePeriodKpis, sampled, syntheticOrders } from './synthetic';

// METRICS_BENCH_ORDERS=10000000 npm run bench (in this package) runs the full size, 10 M orders of
// 1 M customers; the naive baseline is skipped above 2 M orders (it holds every order in memory).
const ORDERS = Number(process.env.METRICS_BENCH_ORDERS ?? 1_000_000);
const PER_CUSTOMER = 10;
const CUSTOMERS = Math.round(ORDERS / PER_CUSTOMER);
const options = {
  period: { start: '2025-07-01', end: '2025-10-01' },
  lost: { inactivityDays: 60 },
  currency: 'EUR',
} as const;
const once = { iterations: 1, warmupIterations: 0, time: 0, warmupTime: 0 };

interface Figures {
  wall: number;
  cpu: number;
  peak: number;
}
const figures: Record<string, Figures> = {};
let purchases = 0;

/** Runs `work`, recording wall seconds, CPU seconds (this process; the machine may be shared) and peak RSS. */
async function measure(name: string, work: (items: Iterable<Order>) => unknown): Promise<void> {
  const source = sampled(syntheticOrders(CUSTOMERS, PER_CUSTOMER));
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work(source.items);
  const used = process.cpuUsage(cpu);
  figures[name] = {
    wall: (performance.now() - started) / 1000,
    cpu: (used.user + used.system) / 1e6,
    peak: source.peak(),
  };
}

describe(`period KPIs over ~${ORDERS.toLocaleString('en')} orders of ${CUSTOMERS.toLocaleString('en')} customers`, () => {
  bench(
    'data generation alone (stream read, no KPI)',
    async () =>
      measure('generation', async (items) => {
        for await (const _ of asStream(items));
      }),
    once,
  );

  bench(
    '@crmkit/metrics periodKpis (one streaming pass)',
    async () =>
      measure('streaming', async (items) => {
        const kpis = await periodKpis(asStream(items), options);
        purchases = kpis.averageOrderValue.orders;
      }),
    once,
  );

  bench.skipIf(ORDERS > 2_000_000)(
    'naive baseline (materialise all orders, group in a Map, one pass per KPI with Money)',
    async () =>
      measure('naive', (items) =>
        naivePeriodKpis([...items], Date.parse(options.period.start), Date.parse(options.period.end), 60),
      ),
    once,
  );
});

afterAll(() => {
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const row = (label: string, f: Figures | undefined) =>
    f &&
    `  ${label.padEnd(26)} ${f.wall.toFixed(2)} s wall, ${f.cpu.toFixed(2)} s CPU, peak RSS ${mb(f.peak)}`;
  const { generation, streaming, naive } = figures;
  const lines = [
    `period KPIs: ${CUSTOMERS.toLocaleString('en')} customers, ${purchases.toLocaleString('en')} purchases in the period`,
    row('data generation alone', generation),
    row('streaming periodKpis', streaming),
    row('naive baseline', naive),
  ];
  if (streaming && generation)
    lines.push(`  periodKpis CPU net of generation: ${(streaming.cpu - generation.cpu).toFixed(2)} s`);
  if (streaming && naive && generation)
    lines.push(
      `  ratio naive / streaming (CPU net of generation): ${((naive.cpu - generation.cpu) / (streaming.cpu - generation.cpu)).toFixed(2)}x`,
      `  ratio naive / streaming (peak RSS): ${(naive.peak / streaming.peak).toFixed(2)}x`,
    );
  lines.push('  issue target for 10 M orders: < 15 s and < 1.5 GB');
  console.log(lines.filter(Boolean).join('\n'));
});
