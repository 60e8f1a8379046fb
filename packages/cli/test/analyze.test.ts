import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStorage, ValidationError } from '@crmkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type AnalysisReport,
  AnalysisReportSchema,
  analyzeStorage,
  type CliIo,
  EXIT,
  importOrdersCsv,
  REPORT_FILES,
  run,
} from '../src/index';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function tempDir() {
  return mkdtemp(join(tmpdir(), 'crmkit-analyze-'));
}

async function csv(text: string) {
  const file = join(await tempDir(), 'orders.csv');
  await writeFile(file, text);
  return file;
}

const SAMPLE = join(import.meta.dirname, '../../../examples/data/orders.csv');
const sum = (ns: readonly number[]) => ns.reduce((a, b) => a + b, 0);

describe('importOrdersCsv', () => {
  it('joins consecutive rows of one order into a multi-line order and rejects a repeated order id', async () => {
    const file = await csv(
      [
        'order_id,customer_id,date,amount,category',
        'o1,c1,2026-01-01,10.00,tea',
        'o1,c1,2026-01-01,2.50,cups',
        'o2,c2,2026-01-02,7',
        'o1,c3,2026-01-03,99',
        'o3,c1,2026-01-04,-1',
        '',
      ].join('\n'),
    );
    const storage = createMemoryStorage();
    const rejected: number[] = [];
    const summary = await importOrdersCsv(file, storage, { onReject: (r) => rejected.push(r.line) });
    expect(summary.orders).toBe(2);
    expect(summary.acceptedRows).toBe(3);
    expect(summary.rejects).toEqual([
      { line: 6, reason: 'amount: must not be negative' },
      { line: 5, reason: 'order_id: "o1" already exists' },
    ]);
    expect(rejected).toEqual([6, 5]);
    const o1 = (await storage.orders.get('o1'))?.value;
    expect(o1?.customerId).toBe('c1');
    expect(o1?.lines.map((l) => `${l.sku} ${l.unitPrice}`)).toEqual(['tea 10 EUR', 'cups 2.5 EUR']);
    expect(o1?.total.toString()).toBe('12.5 EUR');
    expect(await storage.orders.count()).toBe(2);
    expect(Object.fromEntries(summary.currencies)).toEqual({ EUR: 2 });
  });

  it('stores every valid row across batch boundaries', async () => {
    const rows = Array.from(
      { length: 23 },
      (_, i) => `c${i % 5},2026-01-${String((i % 28) + 1).padStart(2, '0')},${i + 1}`,
    );
    const file = await csv(`customer_id,date,amount\n${rows.join('\n')}\n`);
    const storage = createMemoryStorage();
    const summary = await importOrdersCsv(file, storage, { batchSize: 4 });
    expect(summary.orders).toBe(23);
    expect(await storage.orders.count()).toBe(23);
    expect(summary.firstOrderAt?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(summary.lastOrderAt?.toISOString()).toBe('2026-01-23T00:00:00.000Z');
  });
});

describe('analyzeStorage', () => {
  it('rejects bad input with a ValidationError naming the field, before reading anything', async () => {
    const storage = createMemoryStorage();
    const input = {
      file: 'x.csv',
      asOf: new Date('2026-01-01T00:00:00Z'),
      currency: 'EUR',
      rows: { accepted: 0, rejected: 0 },
      otherCurrencyOrders: 0,
    };
    await expect(analyzeStorage(storage, { ...input, asOf: new Date('soon') })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['asOf'] })],
    });
    await expect(analyzeStorage(storage, { ...input, currency: 'EURO' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(analyzeStorage(storage, { ...input, horizonMonths: 0 })).rejects.toThrow(/horizonMonths/);
  });
});

describe('crmkit analyze', () => {
  let report: AnalysisReport;
  let out: string;
  let terminal: string;

  beforeAll(async () => {
    out = join(await tempDir(), 'report');
    const json = capture();
    expect(await run(['analyze', SAMPLE, '--json', '--out', out], json.io)).toBe(EXIT.OK);
    report = AnalysisReportSchema.parse(JSON.parse(json.out()));
    const text = capture();
    expect(await run(['analyze', SAMPLE], text.io)).toBe(EXIT.OK);
    terminal = text.out();
  }, 120_000);

  it('summarises the sample data as of the day after its last order', () => {
    expect(report.asOf).toBe('2026-01-01T00:00:00.000Z');
    expect(report.currency).toBe('EUR');
    expect(report.summary).toMatchObject({
      customers: 4961,
      orders: 17_579,
      revenue: [{ amount: '1069749.19', currency: 'EUR' }],
      averageOrderValue: '60.85',
    });
  });

  it('puts every customer in exactly one segment, tier, grid cell, churn level and cohort', () => {
    const n = report.summary.customers;
    expect(sum(report.rfm.segments.map((s) => s.customers))).toBe(n);
    expect(sum(report.rfm.grid.flat())).toBe(n);
    expect(sum(report.tiers.map((t) => t.customers))).toBe(n);
    expect(sum(report.churn.levels.map((l) => l.customers))).toBe(n);
    expect(sum(report.churn.bySegment.flatMap((s) => Object.values(s.levels)))).toBe(n);
    expect(sum(report.cohorts.rows.map((r) => r.customers))).toBe(n);
    const revenue = (xs: readonly { revenue: string }[]) =>
      sum(xs.map((x) => Math.round(Number(x.revenue) * 100)));
    expect(revenue(report.rfm.segments)).toBe(106_974_919);
    expect(revenue(report.tiers)).toBe(106_974_919);
    // Target shares 10 / 20 / 60 / 10 %.
    expect(report.tiers.map((t) => [t.name, t.customers])).toEqual([
      ['strategic', 496],
      ['important', 992],
      ['potential', 496],
      ['general', 2977],
    ]);
  });

  it('fits BG/NBD and Gamma-Gamma on the data and sums discounted CLV', () => {
    const { purchaseModel, spendModel } = report.clv;
    expect(purchaseModel?.params['r']).toBeCloseTo(0.9586, 3);
    expect(purchaseModel?.params['alpha']).toBeCloseTo(6.386, 2);
    expect(spendModel?.params['p']).toBeCloseTo(2.641, 2);
    expect(Number(report.clv.total)).toBeGreaterThan(500_000);
    expect(Number(report.clv.total)).toBeLessThan(1_500_000);
    expect(sum(report.clv.distribution.map((b) => b.customers))).toBe(report.summary.customers);
    expect(report.pareto.top20Share).toBeCloseTo(0.58, 2);
  });

  it('prints a concise terminal summary', () => {
    expect(terminal).toMatch(/17,579 orders from 4,961 customers · revenue 1,069,749\.19 EUR/);
    expect(terminal).toMatch(/Champions\s+610\s+12%/);
    expect(terminal).toMatch(/strategic\s+496\s+10%/);
    expect(terminal).toMatch(/CLV, next 12 months \(BG\/NBD r=0\.95/);
    expect(terminal).toMatch(/^Churn: none [\d,]+ \(\d+%\) · watch/m);
    expect(terminal).toMatch(/Top 20% of customers bring 58% of revenue/);
    expect(terminal.split('\n').length).toBeLessThan(40);
  });

  it('writes the report files: page, JSON and CSV tables', async () => {
    for (const name of REPORT_FILES)
      expect((await readFile(join(out, name), 'utf8')).length).toBeGreaterThan(0);
    expect(AnalysisReportSchema.parse(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')))).toEqual(
      report,
    );
    const customers = (await readFile(join(out, 'customers.csv'), 'utf8')).trim().split('\n');
    expect(customers[0]).toBe(
      'customer_id,orders,revenue,first_order_at,last_order_at,recency_days,rfm,segment,tier,expected_purchases,p_alive,clv,churn_level',
    );
    expect(customers).toHaveLength(4962);
    const rows = customers.slice(1).map((line) => line.split(','));
    expect(sum(rows.map((r) => Number(r[1])))).toBe(17_579);
    expect(sum(rows.map((r) => Math.round(Number(r[2]) * 100)))).toBe(106_974_919);
    for (const r of rows) {
      expect(Number(r[10])).toBeGreaterThanOrEqual(0);
      expect(Number(r[10])).toBeLessThanOrEqual(1);
    }
    const segments = await readFile(join(out, 'segments.csv'), 'utf8');
    expect(segments).toMatch(/^segment,customers,share,revenue_EUR\nChampions,610,/);
    expect(await readFile(join(out, 'rejects.csv'), 'utf8')).toBe('line,reason\n');
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<title>RFM segment sizes</title>');
  });

  it('respects --as-of and rejects a bad one in one line', async () => {
    const file = await csv('customer_id,date,amount\nc1,20260101,10\nc1,20260201,5\nc2,20260110,7\n');
    const c = capture();
    expect(await run(['analyze', file, '--json', '--as-of', '2026-03-01'], c.io)).toBe(EXIT.OK);
    const r = AnalysisReportSchema.parse(JSON.parse(c.out()));
    expect(r.asOf).toBe('2026-03-01T00:00:00.000Z');
    expect(r.summary.orders).toBe(3);
    const bad = capture();
    expect(await run(['analyze', file, '--as-of', 'soon'], bad.io)).toBe(EXIT.USAGE);
    expect(bad.err()).toBe('crmkit: --as-of expects a date such as 2026-01-31, got "soon"\n');
  });

  it('analyses the most used currency and counts the others', async () => {
    const file = await csv(
      'customer_id,date,amount,currency\nc1,2026-01-01,10,EUR\nc2,2026-01-02,20,EUR\nc3,2026-01-03,30,USD\n',
    );
    const c = capture();
    expect(await run(['analyze', file, '--json'], c.io)).toBe(EXIT.OK);
    const r = AnalysisReportSchema.parse(JSON.parse(c.out()));
    expect(r.currency).toBe('EUR');
    expect(r.input.otherCurrencyOrders).toBe(1);
    expect(r.summary).toMatchObject({
      customers: 2,
      orders: 2,
      revenue: [{ amount: '30.00', currency: 'EUR' }],
    });
  });

  it('says in one line when nothing can be analysed', async () => {
    const header = capture();
    expect(await run(['analyze', await csv('customer_id,date,amount\n')], header.io)).toBe(EXIT.ERROR);
    expect(header.err()).toMatch(
      /^crmkit: no valid orders to analyse in .*orders\.csv \(0 rows rejected\)\n$/,
    );
    const allBad = capture();
    expect(await run(['analyze', await csv('customer_id,date,amount\nc1,never,1\n')], allBad.io)).toBe(
      EXIT.ERROR,
    );
    expect(allBad.err()).toMatch(
      /^line 2: date: .*\ncrmkit: no valid orders to analyse in .* \(1 rows rejected\)\n$/,
    );
    const bad = capture();
    expect(await run(['analyze', SAMPLE, '--db', 'mysql://x'], bad.io)).toBe(EXIT.USAGE);
    expect(bad.err()).toBe('crmkit: --db expects memory, postgres://… or pglite:DIR, got "mysql://x"\n');
  });
});

describe('crmkit analyze --db', () => {
  let file: string;
  let inMemory: AnalysisReport;

  beforeAll(async () => {
    file = join(await tempDir(), 'orders.csv');
    expect(await run(['generate', '--customers', '300', '--seed', '5', '--out', file], capture().io)).toBe(
      EXIT.OK,
    );
    const c = capture();
    expect(await run(['analyze', file, '--json'], c.io)).toBe(EXIT.OK);
    inMemory = AnalysisReportSchema.parse(JSON.parse(c.out()));
  }, 60_000);

  it('gives the same analysis on embedded PostgreSQL (PGlite), and a second import adds nothing', async () => {
    const db = `pglite:${join(await tempDir(), 'db')}`;
    const first = capture();
    expect(await run(['analyze', file, '--json', '--db', db], first.io)).toBe(EXIT.OK);
    expect(AnalysisReportSchema.parse(JSON.parse(first.out()))).toEqual(inMemory);
    const again = capture();
    expect(await run(['analyze', file, '--json', '--db', db], again.io)).toBe(EXIT.REJECTED_ROWS);
    const second = AnalysisReportSchema.parse(JSON.parse(again.out()));
    expect(second.input.rows).toEqual({ accepted: 0, rejected: inMemory.input.rows.accepted });
    expect(second.summary).toEqual(inMemory.summary);
    expect(again.err().split('\n')[0]).toMatch(/^line 2: order_id: ".+" already exists$/);
  }, 120_000);

  // The PostgreSQL server comes from scripts/with-postgres.sh (as in CI); without it there is no server to test.
  it.skipIf(!process.env['CRMKIT_PG_URL'])(
    'gives the same analysis on a PostgreSQL server',
    async () => {
      const url = process.env['CRMKIT_PG_URL'] as string;
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      const name = `crmkit_cli_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const c = capture();
        const dbUrl = url.replace(/\/[^/]*$/, `/${name}`);
        expect(await run(['analyze', file, '--json', '--db', dbUrl], c.io)).toBe(EXIT.OK);
        expect(AnalysisReportSchema.parse(JSON.parse(c.out()))).toEqual(inMemory);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
    120_000,
  );
});
