// The benchmark's scan as a plain script, for several runs in one process and for profiling:
//
//   npx tsx packages/churn/bench/measure.ts [customers=1000000] [runs=1] [modes=async,async-explained]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx packages/churn/bench/measure.ts 100000 1 async
//
// (from the repository root, so that tsconfig's paths resolve @crmkit/* to the sources). Modes: `sync` /
// `async` / `paged` (the orders as a plain iterable, an async one row by row, or async pages of 500),
// `-explained` for `explain: true`. Prints, per run,
// wall and CPU seconds of the scan and of the stream alone, the peak RSS / heap sampled during the scan,
// and the level counts.
import { type ChurnSetup, scanChurn } from '../src/index';
import {
  asyncOrderStream,
  generateOrders,
  MemoryPeak,
  type OrderColumns,
  orderStream,
  pagedOrderStream,
  SETUP,
  streamAlone,
} from './fixture';

const customers = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 1);
const modes = (process.argv[4] ?? 'paged,async,paged-explained').split(',');
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const cpu = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

async function scan(data: OrderColumns, mode: string, peak: MemoryPeak): Promise<Record<string, number>> {
  const setup: ChurnSetup = { ...SETUP, explain: mode.endsWith('-explained') };
  const orders = mode.startsWith('paged')
    ? pagedOrderStream(data, peak)
    : mode.startsWith('async')
      ? asyncOrderStream(data, peak)
      : orderStream(data, peak);
  const counts: Record<string, number> = {};
  for await (const a of scanChurn({ orders }, setup)) {
    const key = a.level ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const data = generateOrders(customers);
console.log(
  `${customers.toLocaleString('en')} customers, ${data.orders.toLocaleString('en')} orders generated; rss ${mb(process.memoryUsage().rss)}`,
);
for (let run = 1; run <= runs; run++) {
  for (const mode of modes) {
    const peak = new MemoryPeak();
    const heapBefore = process.memoryUsage().heapUsed;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const counts = await scan(data, mode, peak);
    const wall = (performance.now() - t0) / 1000;
    const scanCpu = cpu(c0);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    await streamAlone(
      mode.startsWith('paged')
        ? pagedOrderStream(data)
        : mode.startsWith('async')
          ? asyncOrderStream(data)
          : orderStream(data),
    );
    const streamWall = (performance.now() - t1) / 1000;
    const streamCpu = cpu(c1);
    console.log(
      `run ${run} ${mode}: ${wall.toFixed(2)} s wall, ${scanCpu.toFixed(2)} s CPU; stream alone ${streamWall.toFixed(2)} s wall, ${streamCpu.toFixed(2)} s CPU; ` +
        `peak rss ${mb(peak.rss)}, peak heap ${mb(peak.heapUsed)} (+${mb(peak.heapUsed - heapBefore)}); ${JSON.stringify(counts)}`,
    );
  }
}
console.log(`process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
