import {
  crmkitRun,
  generateOrders,
  MemoryPeak,
  naiveRfm,
  type OrderColumns,
  PAGE_SIZE,
  streamOnly,
} from './fixture';

// The segmentation benchmark, shared by the vitest bench and the plain-Node run (run.ts). The full run of
// the issue — RFM + portfolio tiers (potential by a predicted value) + 4 rule segments — over 1,000,000
// customers and ~10,000,000 orders (BENCH_CUSTOMERS overrides the size).
//
// The data is generated once, before anything is timed, into compact columns (see fixture.ts). The timed
// run reads both streams as async generators that build each `Order` / customer record from those columns
// and deliver them in pages, as a storage port's `pages()` does, so the run holds customers, never orders. Printed: wall and CPU seconds end to
// end, the same for the streams alone (building and iterating the rows, no segmentation), the library's
// own time (the difference), and peak memory (process RSS, and RSS / heap sampled every 65,536 rows).
// CPU time is the figure to trust on a shared machine: the wall clock counts the neighbours too.
//
// Then, on a 100k-customer subset, the same run side by side with its baseline, a naive plain-JS RFM
// (materialise every order, sort by customer, sum Money order by order, rank by sorting; RFM only). Both
// must give every customer the same RFM code before anything is timed.

/** The full run and the side-by-side with the baseline, as printed lines. */
export async function fullRun(
  CUSTOMERS = Number(process.env['BENCH_CUSTOMERS'] ?? 1_000_000),
): Promise<string> {
  const SUBSET = Math.min(100_000, CUSTOMERS);
  const TARGET_SECONDS = 10;
  const TARGET_BYTES = 1.5 * 1024 ** 3;

  const mb = (bytes: number) => `${Math.round(bytes / 1_048_576).toLocaleString('en-US')} MB`;
  const n = (x: number) => x.toLocaleString('en-US');
  const verdict = (ratio: number, target: string) =>
    `${ratio.toFixed(2)}× the ${target} target: ${ratio < 1 ? 'met' : 'NOT met'}`;
  /** Wall and CPU (user + system) seconds of `run`. */
  async function timed<T>(run: () => Promise<T>): Promise<{ result: T; wall: number; cpu: number }> {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await run();
    const wall = (performance.now() - t0) / 1000;
    const used = process.cpuUsage(cpu0);
    return { result, wall, cpu: (used.user + used.system) / 1e6 };
  }

  // 0. the data, untimed
  const data: OrderColumns = generateOrders(CUSTOMERS);
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;

  // 1. the full run, first, so that the process's peak RSS is the run's
  const peak = new MemoryPeak();
  const full = await timed(() => crmkitRun(data, peak));
  peak.sample();
  const maxRss = process.resourceUsage().maxRSS * 1024;

  // 2. what building and iterating the two streams alone costs (no segmentation)
  const streams = await timed(() => streamOnly(data));

  // 3. agreement with the baseline (which also warms both up), then one timed run each, on the subset
  const subset = generateOrders(SUBSET);
  const ours = await crmkitRun(subset);
  const theirs = await naiveRfm(subset);
  const mismatches = ours.rfm.customers.filter((c) => theirs.get(c.customerId) !== c.code).length;
  if (mismatches > 0 || theirs.size !== ours.rfm.customers.length) {
    throw new Error(`crmkit and the naive peer disagree on ${mismatches} of ${theirs.size} RFM codes`);
  }
  const oursSubset = await timed(() => crmkitRun(subset));
  const theirsSubset = await timed(() => naiveRfm(subset));

  const own = { wall: Math.max(0, full.wall - streams.wall), cpu: Math.max(0, full.cpu - streams.cpu) };
  const run = full.result;
  return [
    `full run: ${n(CUSTOMERS)} customers, ${n(run.ordersRead)} orders (RFM + portfolio tiers + 4 rule segments; both streams async, in pages of ${PAGE_SIZE || 1}, over pre-generated columns)`,
    `  end to end:          ${full.wall.toFixed(2)} s wall, ${full.cpu.toFixed(2)} s CPU (${n(Math.round(run.ordersRead / full.cpu))} orders per CPU-second) — CPU ${verdict(full.cpu / TARGET_SECONDS, `${TARGET_SECONDS} s`)}`,
    `  the streams alone:   ${streams.wall.toFixed(2)} s wall, ${streams.cpu.toFixed(2)} s CPU (building and iterating the rows, no segmentation)`,
    `  segmentation's own:  ${own.wall.toFixed(2)} s wall, ${own.cpu.toFixed(2)} s CPU (end to end less the streams) — CPU ${verdict(own.cpu / TARGET_SECONDS, `${TARGET_SECONDS} s`)}`,
    `  peak RSS:            ${mb(maxRss)} (process, vitest and the generated columns included; ${mb(rssBefore)} before the run) — ${verdict(maxRss / TARGET_BYTES, '1.5 GB')}`,
    `  sampled in the run:  RSS ${mb(peak.rss)}, heap ${mb(peak.heapUsed)} (${mb(peak.heapUsed - heapBefore)} more than before the run)`,
    `  segments: ${JSON.stringify(run.segmentCounts)}; tiers ${JSON.stringify(run.tiers?.tiers.map((t) => [t.name, t.count]))}`,
    `baseline, on a ${n(SUBSET)}-customer subset (${n(ours.ordersRead)} orders; both give every customer the same RFM code):`,
    `  crmkit runSegmentation (RFM + tiers + segments, streamed): ${oursSubset.wall.toFixed(2)} s wall, ${oursSubset.cpu.toFixed(2)} s CPU`,
    `  naive RFM (materialise, sort, Money per order; RFM only):  ${theirsSubset.wall.toFixed(2)} s wall, ${theirsSubset.cpu.toFixed(2)} s CPU`,
    `  ratio: crmkit takes ${(oursSubset.cpu / theirsSubset.cpu).toFixed(2)}× the baseline's CPU time (${(theirsSubset.cpu / oursSubset.cpu).toFixed(1)}× as fast), doing more`,
  ].join('\n');
}
