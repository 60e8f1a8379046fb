import { stat } from 'node:fs/promises';
import type { Storage } from '@crmkit/core';
import { type AnalysisInput, type AnalysisResult, analyzeStorage } from '../analysis';
import { shapeAnalysis } from '../analysis-report';
import { analyzeOrderColumns } from '../analyze-columns';
import { columnarParts } from '../columnar-parts';
import { CliError } from '../errors';
import { type ImportSummary, importOrdersCsv, type RejectedRow } from '../import-orders';
import type { CliIo } from '../io';
import { importOrderColumns, type OrderColumns } from '../order-columns';
import { normaliseDate, readOrdersCsv } from '../orders-csv';
import { createProgress } from '../progress';
import { writeReportFiles } from '../report/files';
import type { ParsedArgs } from '../run';
import { openStorage, parseDbOption } from '../storage';
import { ordersCsvOptions } from './csv-options';

const DAY = 86_400_000;

/**
 * Runs `crmkit analyze`: reads the orders CSV, analyses it and prints a
 * terminal summary, or the JSON document with `--json`, and writes the
 * report files with `--out`. Returns the exit code: 0, or 3 when rows were
 * rejected.
 *
 * In memory (no `--db`) the file is read once into columns
 * ({@link importOrderColumns}) and analysed as {@link analyzeOrderColumns}
 * does, letting the per-order columns go once grouped by customer;
 * a file whose amounts do not fit exact columns (finer than a cent, or sums
 * beyond 2⁵³ cents) takes the storage route instead. With `--db` the orders
 * are imported into that database and analysed by {@link analyzeStorage}.
 * Both routes give the same report.
 *
 * `--as-of` defaults to the UTC day after the last order. With `--strict`
 * nothing is imported or analysed if any row is bad.
 *
 * @example
 * ```ts
 * await analyzeCommand({ values: { json: true }, positionals: ['orders.csv'] }, processIo);
 * ```
 */
export async function analyzeCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const [file, extra] = args.positionals;
  if (file === undefined)
    throw new CliError('CLI_USAGE', 'analyze needs an orders CSV file: crmkit analyze <orders.csv>');
  if (extra !== undefined) throw new CliError('CLI_USAGE', `unexpected argument ${JSON.stringify(extra)}`);
  const options = ordersCsvOptions(args);
  const asOfOption = parseAsOf(args.values['as-of']);
  const target = parseDbOption(stringOption(args, 'db'));
  const out = stringOption(args, 'out');
  const strict = args.values['strict'] === true;
  const size = (await stat(file).catch(() => undefined))?.size;
  const reported = new Set<number>();
  const onReject = (r: RejectedRow) => {
    if (reported.has(r.line)) return;
    reported.add(r.line);
    io.stderr(`line ${r.line}: ${r.reason}\n`);
  };
  const finish = async (
    imported: ImportSummary,
    analyse: (input: AnalysisInput) => Promise<AnalysisResult>,
  ) => {
    const { currencies, lastOrderAt } = imported;
    const currency = mainCurrency(currencies);
    if (currency === undefined || lastOrderAt === undefined) {
      throw new CliError(
        'CLI_INPUT',
        `no valid orders to analyse in ${file} (${imported.rejects.length} rows rejected)`,
      );
    }
    const result = await analyse({
      file,
      asOf: asOfOption ?? new Date(Math.floor(lastOrderAt.getTime() / DAY) * DAY + DAY),
      currency,
      rows: { accepted: imported.acceptedRows, rejected: imported.rejects.length },
      otherCurrencyOrders: [...currencies].reduce((n, [c, k]) => (c === currency ? n : n + k), 0),
    });
    if (args.values['json'] === true) io.stdout(`${JSON.stringify(result.report, null, 2)}\n`);
    else io.stdout(formatSummary(result, imported, out));
    if (out !== undefined) await writeReportFiles(out, result, imported.rejects);
    return imported.rejects.length > 0 ? 3 : 0;
  };

  if (target.kind === 'memory') {
    const progress = createProgress(io, size === undefined ? {} : { totalBytes: size });
    // The per-order columns are let go once grouped by customer: the analysis holds only the groups.
    const held: { columns?: OrderColumns | undefined } = {};
    try {
      held.columns = await importOrderColumns(file, {
        ...options,
        strict,
        onReject,
        onProgress: (rows, bytes) => progress.update(rows, bytes),
      });
      progress.done();
      const { acceptedRows, orders, rejects, currencies, firstOrderAt, lastOrderAt } = held.columns;
      const imported = { acceptedRows, orders, rejects, currencies, firstOrderAt, lastOrderAt };
      return await finish(imported, async (input) => shapeAnalysis(columnarParts(held, input)));
    } catch (e) {
      if (!(e instanceof CliError && e.code === 'CLI_NOT_COLUMNAR')) throw e;
    } finally {
      progress.done();
    }
  }

  if (strict) {
    for await (const row of readOrdersCsv(file, options)) {
      if (!row.ok) {
        onReject(row);
        throw new CliError('CLI_INPUT', `line ${row.line} rejected and --strict is set; nothing imported`);
      }
    }
  }
  const progress = createProgress(io, size === undefined ? {} : { totalBytes: size });
  const { storage } = await openStorage(target);
  try {
    const imported = await importOrdersCsv(file, storage, {
      ...options,
      onReject,
      onProgress: (rows, bytes) => progress.update(rows, bytes),
    });
    progress.done();
    const stored = await storedOrders(storage, imported);
    return await finish({ ...imported, ...stored }, (input) => analyzeStorage(storage, input));
  } finally {
    progress.done();
    await storage.close();
  }
}

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
}

function parseAsOf(value: string | boolean | undefined): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const text = normaliseDate(value);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime())) {
    throw new CliError(
      'CLI_USAGE',
      `--as-of expects a date such as 2026-01-31, got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

/** The currency with the most orders (ties: alphabetical); the analysis is in it. */
function mainCurrency(currencies: ReadonlyMap<string, number>): string | undefined {
  return [...currencies].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Orders by currency and the last order date of all stored orders: a `--db` may hold earlier imports. */
async function storedOrders(
  storage: Storage,
  imported: ImportSummary,
): Promise<{ currencies: ReadonlyMap<string, number>; lastOrderAt: Date | undefined }> {
  if ((await storage.orders.count()) === imported.orders)
    return { currencies: imported.currencies, lastOrderAt: imported.lastOrderAt };
  const currencies = new Map<string, number>();
  let lastOrderAt: Date | undefined;
  for await (const order of storage.orders.list()) {
    currencies.set(order.currency, (currencies.get(order.currency) ?? 0) + 1);
    lastOrderAt = order.placedAt;
  }
  return { currencies, lastOrderAt };
}

const integer = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
const amount = (text: string) =>
  Number(text).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function formatSummary(result: AnalysisResult, imported: ImportSummary, out: string | undefined): string {
  const { report } = result;
  const { summary, currency } = report;
  const lines = [
    `crmkit analyze ${report.input.file} — as of ${report.asOf.slice(0, 10)}, in ${currency}`,
    `  ${integer(summary.orders)} orders from ${integer(summary.customers)} customers · revenue ${amount(summary.revenue[0]?.amount ?? '0')} ${currency}` +
      ` · AOV ${amount(summary.averageOrderValue)} · repeat customers ${percent(summary.repeatCustomerRate)}`,
  ];
  if (report.input.otherCurrencyOrders > 0)
    lines.push(`  ${integer(report.input.otherCurrencyOrders)} orders in other currencies left out`);
  lines.push(
    imported.rejects.length > 0
      ? `  Rejected rows: ${integer(imported.rejects.length)} (listed on stderr${out ? ` and in ${out}/rejects.csv` : ''})`
      : '  Rejected rows: none',
    '',
    table(
      ['RFM segment', 'customers', 'share', `revenue ${currency}`],
      [...report.rfm.segments]
        .sort((a, b) => b.customers - a.customers)
        .map((s) => [s.name, integer(s.customers), percent(s.share), amount(s.revenue)]),
    ),
    '',
    table(
      ['Value tier', 'customers', 'share', `revenue ${currency}`],
      report.tiers.map((t) => [t.name, integer(t.customers), percent(t.share), amount(t.revenue)]),
    ),
    '',
  );
  const { clv } = report;
  if (clv.purchaseModel && clv.spendModel) {
    const params = (p: Record<string, number>) =>
      Object.entries(p)
        .map(([k, v]) => `${k}=${v.toPrecision(4)}`)
        .join(' ');
    lines.push(
      `CLV, next ${clv.horizonMonths} months (BG/NBD ${params(clv.purchaseModel.params)}; Gamma-Gamma ${params(clv.spendModel.params)}):`,
      `  total ${amount(clv.total)} ${currency}, ${amount(String(Number(clv.total) / Math.max(summary.customers, 1)))} per customer`,
    );
  } else lines.push(`CLV: ${clv.note ?? 'not estimated'}`);
  lines.push(
    `Churn: ${report.churn.levels.map((l) => `${l.level} ${integer(l.customers)} (${percent(l.share)})`).join(' · ')}`,
    `Top 20% of customers bring ${percent(report.pareto.top20Share)} of revenue`,
  );
  if (out !== undefined) lines.push('', `Report written to ${out}/report.html (and report.json, CSV tables)`);
  return `${lines.join('\n')}\n`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  return [line(header), ...rows.map(line)].join('\n');
}
