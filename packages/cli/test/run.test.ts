import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnalysisReportSchema, type CliIo, EXIT, run } from '../src/index';

function capture(isTTY = false) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function csv(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'crmkit-cli-'));
  const file = join(dir, 'orders.csv');
  await writeFile(file, text);
  return { dir, file };
}

describe('crmkit run', () => {
  it('prints help and version', async () => {
    const c = capture();
    expect(await run(['--help'], c.io)).toBe(EXIT.OK);
    expect(c.out()).toMatch(/crmkit analyze <orders.csv>/);
    expect(await run([], capture().io)).toBe(EXIT.USAGE);
    const v = capture();
    expect(await run(['--version'], v.io)).toBe(EXIT.OK);
    expect(v.out()).toMatch(/^crmkit \d+\.\d+\.\d+\n$/);
  });

  it('reports usage errors in one line', async () => {
    const c = capture();
    expect(await run(['analyse'], c.io)).toBe(EXIT.USAGE);
    expect(c.err()).toBe('crmkit: unknown command "analyse"; run crmkit --help\n');
    const d = capture();
    expect(await run(['analyze', 'x.csv', '--bogus'], d.io)).toBe(EXIT.USAGE);
    expect(d.err()).toMatch(/^crmkit: Unknown option '--bogus'.*; run crmkit --help\n$/);
    const e = capture();
    expect(await run(['analyze'], e.io)).toBe(EXIT.USAGE);
    const f = capture();
    expect(await run(['analyze', 'x.csv', '--columns', 'who=cust'], f.io)).toBe(EXIT.USAGE);
    expect(f.err()).toMatch(/--columns expects column=name pairs/);
  });

  it('fails in one line on a missing file', async () => {
    const c = capture();
    expect(await run(['analyze', '/nonexistent/orders.csv'], c.io)).toBe(EXIT.ERROR);
    expect(c.err()).toBe('crmkit: cannot read /nonexistent/orders.csv: no such file\n');
  });

  it('analyzes valid rows, reports rejected ones and says so in the exit code', async () => {
    const { dir, file } = await csv(
      'customer_id,date,amount\nc1,2026-01-01,10.50\nc1,2026-02-01,4.50\nc2,2026-01-15,abc\nc2,2026-01-20,20\n',
    );
    const c = capture();
    const out = join(dir, 'out');
    expect(await run(['analyze', file, '--json', '--out', out], c.io)).toBe(EXIT.REJECTED_ROWS);
    const report = AnalysisReportSchema.parse(JSON.parse(c.out()));
    expect(report.input.rows).toEqual({ accepted: 3, rejected: 1 });
    expect(report.asOf).toBe('2026-02-02T00:00:00.000Z');
    expect(report.summary).toEqual({
      customers: 2,
      orders: 3,
      revenue: [{ amount: '35.00', currency: 'EUR' }],
      averageOrderValue: '11.67',
      repeatCustomerRate: 0.5,
      firstOrderAt: '2026-01-01T00:00:00.000Z',
      lastOrderAt: '2026-02-01T00:00:00.000Z',
    });
    expect(c.err()).toBe('line 4: amount: must be a finite decimal amount (a number or a decimal string)\n');
    expect(await readFile(join(out, 'rejects.csv'), 'utf8')).toBe(
      'line,reason\n4,amount: must be a finite decimal amount (a number or a decimal string)\n',
    );
    expect(JSON.parse(await readFile(join(out, 'report.json'), 'utf8'))).toEqual(report);
  });

  it('--strict stops at the first rejected row', async () => {
    const { file } = await csv('customer_id,date,amount\nc1,2026-01-01,x\nc1,2026-01-02,1\n');
    const c = capture();
    expect(await run(['analyze', file, '--strict'], c.io)).toBe(EXIT.ERROR);
    expect(c.err()).toMatch(/line 2 rejected and --strict is set; nothing imported/);
    expect(c.out()).toBe('');
  });
});

describe('crmkit generate', () => {
  it('writes a reproducible orders CSV that analyze reads without rejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crmkit-gen-'));
    const file = join(dir, 'orders.csv');
    const c = capture();
    expect(await run(['generate', '--customers', '40', '--seed', '9', '--out', file], c.io)).toBe(EXIT.OK);
    const text = await readFile(file, 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('order_id,customer_id,date,amount,currency,channel,category');
    expect(lines.length).toBeGreaterThan(40);
    expect(c.err()).toBe(`wrote ${lines.length - 1} orders of 40 customers to ${file}\n`);
    const again = capture();
    expect(await run(['generate', '--customers', '40', '--seed', '9'], again.io)).toBe(EXIT.OK);
    expect(again.out()).toBe(text);
    const analysis = capture();
    expect(await run(['analyze', file, '--json'], analysis.io)).toBe(EXIT.OK);
    const report = AnalysisReportSchema.parse(JSON.parse(analysis.out()));
    expect(report.input.rows).toEqual({ accepted: lines.length - 1, rejected: 0 });
    const revenue = lines
      .slice(1)
      .reduce((sum, line) => sum + Math.round(Number(line.split(',')[3]) * 100), 0);
    expect(report.summary.revenue).toEqual([{ amount: (revenue / 100).toFixed(2), currency: 'EUR' }]);
  });

  it('rejects a bad customer count in one line', async () => {
    const c = capture();
    expect(await run(['generate', '--customers', 'many'], c.io)).toBe(EXIT.USAGE);
    expect(c.err()).toBe('crmkit: --customers must be a whole number >= 1, got many\n');
  });
});

describe('the bundled sample data', () => {
  it('is analysed without a rejected row (the README main-job command)', async () => {
    const c = capture();
    const file = join(import.meta.dirname, '../../../examples/data/orders.csv');
    expect(await run(['analyze', file, '--json'], c.io)).toBe(EXIT.OK);
    const report = AnalysisReportSchema.parse(JSON.parse(c.out()));
    expect(report.input.rows).toEqual({ accepted: 17_579, rejected: 0 });
    expect(report.summary).toMatchObject({
      customers: 4961,
      orders: 17_579,
      revenue: [{ amount: '1069749.19', currency: 'EUR' }],
    });
  }, 60_000);
});
