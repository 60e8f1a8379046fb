import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalysisResult } from '../analysis';
import type { RejectedRow } from '../import-orders';
import { renderReportHtml } from './html';

/**
 * The files `crmkit analyze --out DIR` writes, by name.
 *
 * @example
 * ```ts
 * REPORT_FILES.includes('report.html'); // true
 * ```
 */
export const REPORT_FILES = [
  'report.html',
  'report.json',
  'segments.csv',
  'tiers.csv',
  'customers.csv',
  'rejects.csv',
] as const;

/**
 * Writes the report files into `dir` (created if needed): the HTML page,
 * the JSON document, the segment and tier tables, one row per customer and
 * the rejected rows, as CSV (RFC 4180 quoting).
 *
 * @example
 * ```ts
 * const result = await analyzeStorage(storage, input);
 * await writeReportFiles('report', result, summary.rejects);
 * ```
 */
export async function writeReportFiles(
  dir: string,
  result: AnalysisResult,
  rejects: readonly RejectedRow[],
): Promise<void> {
  const { report } = result;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'report.html'), renderReportHtml(report));
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const table = (header: string[], rows: readonly (readonly unknown[])[]) =>
    [header, ...rows]
      .map((row) => row.map(csvField).join(','))
      .join('\n')
      .concat('\n');
  await writeFile(
    join(dir, 'segments.csv'),
    table(
      ['segment', 'customers', 'share', `revenue_${report.currency}`],
      report.rfm.segments.map((s) => [s.name, s.customers, s.share, s.revenue]),
    ),
  );
  await writeFile(
    join(dir, 'tiers.csv'),
    table(
      ['tier', 'customers', 'share', `revenue_${report.currency}`],
      report.tiers.map((t) => [t.name, t.customers, t.share, t.revenue]),
    ),
  );
  await writeFile(
    join(dir, 'rejects.csv'),
    table(
      ['line', 'reason'],
      rejects.map((r) => [r.line, r.reason]),
    ),
  );
  await writeLines(
    join(dir, 'customers.csv'),
    [
      'customer_id,orders,revenue,first_order_at,last_order_at,recency_days,rfm,segment,tier,expected_purchases,p_alive,clv,churn_level',
    ],
    result.customers,
    (c) =>
      [
        c.customerId,
        c.orders,
        c.revenue,
        c.firstOrderAt,
        c.lastOrderAt,
        c.recencyDays,
        c.rfm,
        c.segment,
        c.tier,
        c.expectedPurchases === null ? '' : c.expectedPurchases.toFixed(4),
        c.pAlive === null ? '' : c.pAlive.toFixed(4),
        c.clv ?? '',
        c.churnLevel,
      ]
        .map(csvField)
        .join(','),
  );
}

function csvField(value: unknown): string {
  if (typeof value === 'number') return String(value);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Streams lines to a file in chunks of about 64 kB, waiting for the stream
 * to drain (a million customers fit in bounded memory).
 */
async function writeLines<T>(
  path: string,
  head: readonly string[],
  items: Iterable<T>,
  format: (item: T) => string,
): Promise<void> {
  const out = createWriteStream(path);
  let chunk = head.map((line) => `${line}\n`).join('');
  for (const item of items) {
    chunk += `${format(item)}\n`;
    if (chunk.length >= 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
