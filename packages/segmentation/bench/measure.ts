// The full run of the benchmark as a plain script, for several runs in one process and for profiling:
//
//   npx tsx packages/segmentation/bench/measure.ts [customers=1000000] [runs=1]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx packages/segmentation/bench/measure.ts 100000
//
// (from the repository root, so that tsconfig's paths resolve @crmkit/* to the sources). Prints, per run,
// wall and CPU seconds of the run and of the stream alone, and the peak RSS / heap sampled during the run.
import { crmkitRun, generateOrders, MemoryPeak, streamOnly } from './fixture';

const customers = Number(process.argv[2] ?? 1_000_000);
const runs = Number(process.argv[3] ?? 1);
// 'run-only': skip timing the stream alone (for profiles)
const runOnly = process.argv[4] === 'run-only';
const mb = (bytes: number) => `${Math.round(bytes / 1_048_576)} MB`;
const cpu = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

const data = generateOrders(customers);
console.log(
  `${customers.toLocaleString('en')} customers, ${data.orders.toLocaleString('en')} orders generated; rss ${mb(process.memoryUsage().rss)}`,
);
/** One measured run; the result is dropped on return, so that the next run starts from the same heap. */
async function measure(run: number): Promise<void> {
  const peak = new MemoryPeak();
  const heapBefore = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await crmkitRun(data, peak);
  const wall = (performance.now() - t0) / 1000;
  const runCpu = cpu(c0);
  peak.sample();
  const c1 = process.cpuUsage();
  const t1 = performance.now();
  if (!runOnly) await streamOnly(data);
  const streamWall = (performance.now() - t1) / 1000;
  const streamCpu = cpu(c1);
  console.log(
    `run ${run}: ${wall.toFixed(2)} s wall, ${runCpu.toFixed(2)} s CPU; stream alone ${streamWall.toFixed(2)} s wall, ${streamCpu.toFixed(2)} s CPU; ` +
      `own ${(wall - streamWall).toFixed(2)} s wall, ${(runCpu - streamCpu).toFixed(2)} s CPU; ` +
      `peak rss ${mb(peak.rss)}, peak heap ${mb(peak.heapUsed)} (+${mb(peak.heapUsed - heapBefore)}); ${result.customers.length} customers`,
  );
}
for (let run = 1; run <= runs; run++) await measure(run);
console.log(`process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
