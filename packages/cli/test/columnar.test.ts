import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStorage, decimalToMinorUnits, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYZE_CHURN_RULES,
  type AnalysisInput,
  type AnalysisResult,
  analyzeOrderColumns,
  analyzeStorage,
  type CliIo,
  COLUMNAR_CHURN_FACTS,
  EXIT,
  importOrderColumns,
  importOrdersCsv,
  type RejectedRow,
  run,
} from '../src/index';

const SAMPLE = join(import.meta.dirname, '../../../examples/data/orders.csv');

async function csv(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'crmkit-columnar-')), 'orders.csv');
  await writeFile(file, text);
  return file;
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), isTTY: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

const byLine = (rows: readonly RejectedRow[]) => [...rows].sort((a, b) => a.line - b.line);

/** Both routes over one file, with the same input: the storage route's import, then the columnar one. */
async function bothRoutes(file: string, asOf?: Date) {
  const storage = createMemoryStorage();
  const imported = await importOrdersCsv(file, storage);
  const columns = await importOrderColumns(file);
  const currency = [...imported.currencies].sort((a, b) => b[1] - a[1])[0]![0];
  const input: AnalysisInput = {
    file,
    asOf: asOf ?? new Date(Math.floor(imported.lastOrderAt!.getTime() / 86_400_000 + 1) * 86_400_000),
    currency,
    rows: { accepted: imported.acceptedRows, rejected: imported.rejects.length },
    otherCurrencyOrders: imported.orders - (imported.currencies.get(currency) ?? 0),
  };
  return {
    imported,
    columns,
    storageResult: await analyzeStorage(storage, input),
    columnarResult: analyzeOrderColumns(columns, input),
  };
}

function expectSameAnalysis(a: AnalysisResult, b: AnalysisResult): void {
  expect(JSON.stringify(b.report, null, 2)).toBe(JSON.stringify(a.report, null, 2));
  expect(b.customers).toEqual(a.customers);
}

const EDGES = [
  'order_id,customer_id,date,amount,currency,channel,category',
  'o1,c1,2025-01-05,10.00,EUR,web,tea', // o1 has two lines
  'o1,c1,2025-01-05,2.5,EUR,web,cups',
  'o2,c2,20250106,7,,,', // compact date, default currency
  'o1,c3,2025-01-07,99,EUR,,', // a repeated order id
  'o3,c1,2025-02-01,-1,EUR,,', // negative
  'o4,c1,2025-02-02T10:30:00Z,5.5,EUR,app,', // a date-time (schema route)
  'o5, c2 ,2025-03-01,+4.25,EUR,,', // trimmed id, a signed amount (schema route)
  'o6,c2,2025-03-01,1e1,EUR,,', // an exponent (schema route)
  'o7,c4,2025-02-30,3,EUR,,', // no such day
  'o8,c4,2025-04-01,3,EURO,,', // no such currency
  'o9,c4,2025-04-01,3,USD,,', // another currency
  'o10,c5,2024-02-29,120.1,EUR,,', // a leap day
  ',c5,2025-05-01,0,EUR,,', // no order id: L14; zero amount
  'L14,c5,2025-05-01,1,EUR,,', // continues the order L14 of the line above
  'o11,,2025-05-02,1,EUR,,', // missing customer
  'o12,c6,2025-12-31,8,EUR,,',
  'o13,c6,2026-01-01,9,EUR,,', // on the as-of date below
  'o14,c7,2026-01-02,9,EUR,,', // after it
  'o12,c6,2025-12-31,1,EUR,,', // o12 again, not next to its first line: rejected
  '',
  'o15,c8,2025-06-01,0.1,EUR,,',
].join('\n');

describe('the columnar route', () => {
  let sample: Awaited<ReturnType<typeof bothRoutes>>;
  let generated: Awaited<ReturnType<typeof bothRoutes>>;

  beforeAll(async () => {
    sample = await bothRoutes(SAMPLE);
    const file = join(await mkdtemp(join(tmpdir(), 'crmkit-columnar-')), 'generated.csv');
    expect(await run(['generate', '--customers', '400', '--seed', '11', '--out', file], capture().io)).toBe(
      EXIT.OK,
    );
    generated = await bothRoutes(file);
  }, 120_000);

  it('gives the storage route’s report and customer rows on the sample data', () => {
    expectSameAnalysis(sample.storageResult, sample.columnarResult);
    expect(sample.columnarResult.report.summary).toMatchObject({ customers: 4961, orders: 17_579 });
    expect(sample.columns.orders).toBe(17_579);
    expect(sample.columns.rejects).toEqual([]);
  });

  it('gives the storage route’s report and customer rows on a generated file', () => {
    expectSameAnalysis(generated.storageResult, generated.columnarResult);
    expect(generated.columnarResult.report.clv.purchaseModel).not.toBeNull();
  });

  it('lists customers by id, each with exact revenue', () => {
    const ids = sample.columnarResult.customers.map((c) => c.customerId);
    expect(ids).toEqual([...ids].sort());
    const cents = sample.columnarResult.customers.reduce(
      (n, c) => n + Math.round(Number(c.revenue) * 100),
      0,
    );
    expect(cents).toBe(106_974_919);
  });

  it('imports tricky rows as the storage route does: merged lines, repeated ids, rejects, currencies', async () => {
    const file = await csv(EDGES);
    const { imported, columns, storageResult, columnarResult } = await bothRoutes(
      file,
      new Date('2026-01-01T00:00:00Z'),
    );
    expectSameAnalysis(storageResult, columnarResult);
    const { customerIds, customerOf, placedAt, units, currencyOf, currencyCodes, ...summary } = columns;
    expect({ ...summary, rejects: byLine(summary.rejects) }).toEqual({
      ...imported,
      rejects: byLine(imported.rejects),
    });
    // Rejects in file order, worded as the schema words them.
    expect(columns.rejects).toEqual([
      { line: 5, reason: 'order_id: "o1" already exists' },
      { line: 6, reason: 'amount: must not be negative' },
      {
        line: 10,
        reason: 'date: must be an ISO 8601 date-time with Z or an offset, a YYYY-MM-DD date, or a valid Date',
      },
      { line: 11, reason: 'currency: must be an ISO 4217 currency code, got "EURO"' },
      { line: 16, reason: 'missing customer_id' },
      { line: 20, reason: 'order_id: "o12" already exists' },
    ]);
    // o1's two lines are one order of 12.50; L14 and its continuation one order of 1.00.
    const order = (customer: string, day: string) =>
      Array.from(customerOf.keys()).filter(
        (i) => customerIds[customerOf[i]!] === customer && placedAt[i] === Date.parse(day),
      );
    expect(order('c1', '2025-01-05').map((i) => units[i])).toEqual([1250]);
    expect(order('c5', '2025-05-01').map((i) => units[i])).toEqual([100]);
    expect(order('c2', '2025-03-01').map((i) => units[i])).toEqual([425, 1000]);
    expect(order('c4', '2025-04-01').map((i) => currencyCodes[currencyOf[i]!])).toEqual(['USD']);
    expect(columnarResult.report.summary).toMatchObject({ customers: 5, orders: 10 });
    expect(columnarResult.report.input.otherCurrencyOrders).toBe(1);
  });

  it('accepts and rejects exactly what the schema does, row by row', async () => {
    const pick = <T>(...xs: T[]) => fc.constantFrom(...xs);
    const row = fc.tuple(
      pick('', 'o1', 'o2', 'L3', ' o4', 'o\u00a0'),
      pick('c1', 'c2', '', 'c 3', '\u00a0c4', 'x'.repeat(201), 'é5'),
      pick('2025-03-01', '20250301', '2025-02-29', '2024-02-29', '2025-13-01', '2025-3-1', '0099-01-01'),
      pick('10', '10.5', '10.55', '10.', '.5', '-1', '-0', '+3', '1e2', 'ten', '0', '12345678901.25'),
      pick('EUR', '', 'USD', 'eur'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 1, maxLength: 12 }), async (rows) => {
        const file = await csv(
          `order_id,customer_id,date,amount,currency\n${rows.map((r) => r.join(',')).join('\n')}\n`,
        );
        const storage = createMemoryStorage();
        const imported = await importOrdersCsv(file, storage);
        const columns = await importOrderColumns(file);
        expect(byLine(columns.rejects)).toEqual(byLine(imported.rejects));
        const stored: string[] = [];
        for await (const o of storage.orders.list())
          stored.push(
            `${o.customerId} ${o.placedAt.getTime()} ${o.currency} ${decimalToMinorUnits(o.total.amount, o.total.minorDigits)}`,
          );
        const held = Array.from(
          columns.customerOf,
          (c, i) =>
            `${columns.customerIds[c]} ${columns.placedAt[i]} ${columns.currencyCodes[columns.currencyOf[i]!]} ${columns.units[i]}`,
        );
        expect(held.sort()).toEqual(stored.sort());
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('reads the churn facts its rules need', () => {
    const facts = ANALYZE_CHURN_RULES.rules.map((r) => r.when.fact);
    for (const fact of facts) expect(COLUMNAR_CHURN_FACTS).toContain(fact);
  });

  it('rejects bad input to analyzeOrderColumns with a ValidationError naming the field', () => {
    const input = {
      file: 'x.csv',
      asOf: new Date('2026-01-01T00:00:00Z'),
      currency: 'EUR',
      rows: { accepted: 0, rejected: 0 },
      otherCurrencyOrders: 0,
    };
    const columns = sample.columns;
    expect(() => analyzeOrderColumns(columns, { ...input, asOf: new Date('soon') })).toThrow(ValidationError);
    expect(() => analyzeOrderColumns(columns, { ...input, currency: 'EURO' })).toThrow(/currency/);
    expect(() => analyzeOrderColumns(columns, { ...input, horizonMonths: 0 })).toThrow(/horizonMonths/);
  });

  it('fails in one line on a missing file, an empty file or a header without the needed columns', async () => {
    await expect(importOrderColumns('/nonexistent/orders.csv')).rejects.toMatchObject({
      code: 'CLI_INPUT',
      message: 'cannot read /nonexistent/orders.csv: no such file',
    });
    await expect(importOrderColumns(await csv(''))).rejects.toThrow('the CSV file is empty (no header row)');
    await expect(importOrderColumns(await csv('customer,when,amount\nc1,2026-01-01,1\n'))).rejects.toThrow(
      /the CSV header lacks customer_id, date; found customer,when,amount/,
    );
  });

  it('stops at the first reject with strict, after reporting it', async () => {
    const file = await csv('customer_id,date,amount\nc1,2026-01-01,1\nc2,soon,1\nc3,never,1\n');
    const seen: number[] = [];
    await expect(
      importOrderColumns(file, { strict: true, onReject: (r) => seen.push(r.line) }),
    ).rejects.toThrow('line 3 rejected and --strict is set; nothing imported');
    expect(seen).toEqual([3]);
    const c = capture();
    expect(await run(['analyze', file, '--strict'], c.io)).toBe(EXIT.ERROR);
    expect(c.err()).toMatch(
      /^line 3: date: .*\ncrmkit: line 3 rejected and --strict is set; nothing imported\n$/,
    );
  });

  it('hands a file with amounts finer than a cent to the storage route, reporting each reject once', async () => {
    const file = await csv(
      'customer_id,date,amount\nc1,2025-01-01,-2\nc1,2025-02-01,10.005\nc2,2025-03-01,4\n',
    );
    await expect(importOrderColumns(file)).rejects.toMatchObject({ code: 'CLI_NOT_COLUMNAR' });
    const c = capture();
    expect(await run(['analyze', file, '--json'], c.io)).toBe(EXIT.REJECTED_ROWS);
    expect(c.err()).toBe('line 2: amount: must not be negative\n');
    const storage = createMemoryStorage();
    await importOrdersCsv(file, storage);
    const expected = await analyzeStorage(storage, {
      file,
      asOf: new Date('2025-03-02T00:00:00Z'),
      currency: 'EUR',
      rows: { accepted: 2, rejected: 1 },
      otherCurrencyOrders: 0,
    });
    expect(c.out()).toBe(`${JSON.stringify(expected.report, null, 2)}\n`);
    expect(expected.report.summary.revenue).toEqual([{ amount: '14.00', currency: 'EUR' }]);
  });
});
