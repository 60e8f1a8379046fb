import { createSeededRandom, Money } from '@crmkit/core';
import { afterAll, bench, describe } from 'vitest';
import { type ChurnSetup, type OrderRecord, scanChurn } from '../src/index';

// Churn early warning over a whole customer base, streamed: every indicator and level for each customer,
// against a named baseline — a hand-written plain loop computing only the three indicators the rules use,
// with float arithmetic and if/else thresholds (no decimals, no rules engine, no explanations, no
// hysteresis). Both read the same seeded, lazily generated order stream (about 10 orders per customer,
// sorted by customer), and before timing they must agree on every level count.
//
// Size: CHURN_BENCH_CUSTOMERS (default 100,000 customers ≈ 1M orders, so `npm run bench` stays short).
// The target is CHURN_BENCH_CUSTOMERS=1000000 (≈ 10M orders): under 10 s and under 1.5 GB.
const CUSTOMERS = Number(process.env['CHURN_BENCH_CUSTOMERS'] ?? 100_000);
const DAY = 86_400_000;
const AS_OF = Date.UTC(2026, 0, 1);
const START = Date.UTC(2024, 0, 1);
const PRICES = Array.from({ length: 512 }, (_, i) => Money.of((4.99 + i * 0.37).toFixed(2), 'EUR'));

function* orderStream(): Generator<OrderRecord> {
  const random = createSeededRandom('churn-bench');
  for (let n = 1; n <= CUSTOMERS; n++) {
    const customerId = `c${String(n).padStart(7, '0')}`;
    const count = 1 + Math.floor(-Math.log(1 - random.next()) * 19);
    const gap = 3 + random.next() * 40;
    let t = START + (AS_OF - START) * (0.3 + 0.65 * random.next());
    for (let k = 0; k < count && t < AS_OF; k++) {
      yield { customerId, placedAt: new Date(Math.floor(t)), total: PRICES[(n * 31 + k) & 511]! };
      t += -Math.log(1 - random.next()) * gap * DAY;
    }
  }
}

const setup: ChurnSetup = {
  indicators: { asOf: new Date(AS_OF), recentDays: 90, baselineDays: 180 },
  thresholds: {
    rules: [
      { id: 'slipping', level: 'watch', when: { fact: 'frequencyDropPct', op: 'gte', value: 50 } },
      {
        id: 'late',
        level: 'warning',
        when: { fact: 'recencyRatio', op: 'gte', value: 3 },
        exit: { fact: 'recencyRatio', op: 'lt', value: 2 },
      },
      { id: 'silent', level: 'critical', when: { fact: 'recencyDays', op: 'gte', value: 180 } },
    ],
  },
};

async function crmkit(explain: boolean): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for await (const a of scanChurn({ orders: orderStream() }, { ...setup, explain })) {
    const key = a.level ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
    if (explain && a.indicators.explanations.length === 0) throw new Error('no explanations');
  }
  return counts;
}

function baseline(): Record<string, number> {
  const counts: Record<string, number> = {};
  const recentStart = AS_OF - 90 * DAY;
  const baselineStart = recentStart - 180 * DAY;
  let current: string | undefined;
  let times: number[] = [];
  const flush = () => {
    if (current === undefined) return;
    let recent = 0;
    let base = 0;
    for (const t of times) {
      if (t >= recentStart) recent++;
      else if (t >= baselineStart) base++;
    }
    const recency = Math.round(((AS_OF - times[times.length - 1]!) / DAY) * 1e4) / 1e4;
    let level = 'none';
    if (recency >= 180) level = 'critical';
    else {
      if (times.length >= 2) {
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        gaps.sort((a, b) => a - b);
        const m = gaps.length >> 1;
        const median =
          Math.round(((gaps.length % 2 ? gaps[m]! : (gaps[m - 1]! + gaps[m]!) / 2) / DAY) * 1e4) / 1e4;
        if (median > 0 && Math.round((recency / median) * 1e4) / 1e4 >= 3) level = 'warning';
      }
      if (
        level === 'none' &&
        base > 0 &&
        Math.round((1 - (recent * 180) / (base * 90)) * 100 * 1e4) / 1e4 >= 50
      )
        level = 'watch';
    }
    counts[level] = (counts[level] ?? 0) + 1;
  };
  for (const o of orderStream()) {
    if (o.customerId !== current) {
      flush();
      current = o.customerId;
      times = [];
    }
    times.push(o.placedAt.getTime());
  }
  flush();
  return counts;
}

function sourceOnly(): number {
  let n = 0;
  for (const _ of orderStream()) n++;
  return n;
}

const ORDERS = sourceOnly();
const expected = JSON.stringify(Object.entries(baseline()).sort());
const actual = JSON.stringify(Object.entries(await crmkit(false)).sort());
if (actual !== expected) throw new Error(`crmkit and the baseline disagree: ${actual} vs ${expected}`);

// Best wall time and its CPU time (the machine may be shared), and the largest resident set seen.
const figures = new Map<string, { ms: number; cpuMs: number; rssMb: number }>();
async function timed(name: string, run: () => unknown) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await run();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const best = figures.get(name);
  const peak = Math.max(rssMb, best?.rssMb ?? 0);
  if (best === undefined || ms < best.ms) figures.set(name, { ms, cpuMs, rssMb: peak });
  else figures.set(name, { ...best, rssMb: peak });
}

const options = { iterations: 1, warmupIterations: 0, time: 0 };
describe(`churn scan: ${CUSTOMERS.toLocaleString('en')} customers, ${ORDERS.toLocaleString('en')} orders, streamed`, () => {
  bench(
    'crmkit scanChurn (explain: false)',
    () => timed('crmkit scanChurn (explain: false)', () => crmkit(false)),
    options,
  );
  bench(
    'crmkit scanChurn (explained)',
    () => timed('crmkit scanChurn (explained)', () => crmkit(true)),
    options,
  );
  bench(
    'plain-loop baseline (floats, if/else)',
    () => timed('plain-loop baseline (floats, if/else)', baseline),
    options,
  );
  bench(
    'order stream alone (generation cost)',
    () => timed('order stream alone (generation cost)', sourceOnly),
    options,
  );
});

afterAll(() => {
  const base = figures.get('plain-loop baseline (floats, if/else)');
  console.log(
    `\nchurn scan, ${CUSTOMERS.toLocaleString('en')} customers / ${ORDERS.toLocaleString('en')} orders (best run):`,
  );
  for (const [name, f] of figures) {
    const ratio = base === undefined ? '' : `  ${(f.cpuMs / base.cpuMs).toFixed(2)}× the baseline's CPU time`;
    const rate = Math.round(ORDERS / (f.cpuMs / 1000)).toLocaleString('en');
    console.log(
      `  ${name.padEnd(40)} ${(f.ms / 1000).toFixed(2)} s wall, ${(f.cpuMs / 1000).toFixed(2)} s CPU, ${rate} orders per CPU-second, rss ${Math.round(f.rssMb)} MB${ratio}`,
    );
  }
});
