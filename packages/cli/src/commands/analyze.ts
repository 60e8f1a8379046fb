import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Decimal, Money } from '@crmkit/core';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import { readOrdersCsv } from '../orders-csv';
import { createProgress } from '../progress';
import type { ParsedArgs } from '../run';
import { ordersCsvOptions } from './csv-options';

/**
 * Runs `crmkit analyze`: reads the orders CSV and prints the analysis, or
 * writes it to `--out`. Returns the exit code.
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
  const strict = args.values['strict'] === true;
  const size = (await stat(file).catch(() => undefined))?.size;
  const progress = createProgress(io, size === undefined ? {} : { totalBytes: size });
  const rejects: { line: number; reason: string }[] = [];
  const totals = new Map<string, Decimal>();
  const customers = new Set<string>();
  let orders = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  for await (const row of readOrdersCsv(file, options)) {
    if (!row.ok) {
      rejects.push({ line: row.line, reason: row.reason });
      io.stderr(`line ${row.line}: ${row.reason}\n`);
      if (strict)
        throw new CliError('CLI_INPUT', `line ${row.line} rejected and --strict is set; nothing analysed`);
      continue;
    }
    const { order } = row;
    orders++;
    customers.add(order.customerId);
    totals.set(
      order.currency,
      (totals.get(order.currency) ?? order.total.amount.times(0)).plus(order.total.amount),
    );
    if (first === undefined || order.placedAt < first) first = order.placedAt;
    if (last === undefined || order.placedAt > last) last = order.placedAt;
    progress.update(orders + rejects.length, 0);
  }
  progress.done();
  const report = {
    rows: { accepted: orders, rejected: rejects.length },
    customers: customers.size,
    orders,
    revenue: [...totals].map(([currency, amount]) => Money.of(amount, currency).toJSON()),
    period: { firstOrderAt: first?.toISOString() ?? null, lastOrderAt: last?.toISOString() ?? null },
  };
  if (args.values['json'] === true) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    io.stdout(
      [
        `Orders: ${orders.toLocaleString('en-US')} from ${customers.size.toLocaleString('en-US')} customers`,
        `Revenue: ${report.revenue.map((m) => `${m.amount} ${m.currency}`).join(', ') || 'none'}`,
        `Period: ${report.period.firstOrderAt ?? '-'} … ${report.period.lastOrderAt ?? '-'}`,
        rejects.length > 0 ? `Rejected rows: ${rejects.length} (see stderr)` : 'Rejected rows: none',
        '',
      ].join('\n'),
    );
  }
  if (typeof args.values['out'] === 'string') {
    const dir = args.values['out'];
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(
      join(dir, 'rejects.csv'),
      `line,reason\n${rejects.map((r) => `${r.line},"${r.reason.replaceAll('"', '""')}"`).join('\n')}\n`,
    );
  }
  return rejects.length > 0 ? 3 : 0;
}
