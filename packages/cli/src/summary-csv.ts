import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { CliError } from './errors';

/**
 * A column of a per-customer summary CSV, as `crmkit clv fit --summary`
 * reads it (the names lifetimes and CLVTools use).
 *
 * @example
 * ```ts
 * const needed: SummaryColumn[] = ['frequency', 'recency', 'T'];
 * ```
 */
export type SummaryColumn = 'frequency' | 'recency' | 'T' | 'monetary_value' | 'n' | 'weight';

/**
 * One row of a summary CSV: the numbers of the columns asked for (`weight`
 * defaults to 1).
 *
 * @example
 * ```ts
 * const row: SummaryRow = { frequency: 2, recency: 30.43, T: 38.86, weight: 1 };
 * ```
 */
export type SummaryRow = Partial<Record<SummaryColumn, number>> & { readonly weight: number };

/**
 * Reads a summary CSV with a header, keeping the `columns` asked for (and
 * `weight` when present). Every value must be a finite number ≥ 0 (`weight`
 * > 0); the first bad value stops the read with a one-line error naming the
 * line and the column, since a model fitted on part of a summary would be
 * silently wrong.
 *
 * @example
 * ```ts
 * const rows = await readSummaryCsv('cdnow_summary.csv', ['frequency', 'recency', 'T']);
 * ```
 */
export async function readSummaryCsv(file: string, columns: readonly SummaryColumn[]): Promise<SummaryRow[]> {
  const info = await stat(file).catch(() => undefined);
  if (info === undefined || !info.isFile())
    throw new CliError('CLI_INPUT', `cannot read ${file}: no such file`);
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }),
  );
  let header: string[] | undefined;
  let index: Map<SummaryColumn, number> | undefined;
  let line = 0;
  const rows: SummaryRow[] = [];
  for await (const record of parser as AsyncIterable<string[]>) {
    line++;
    if (header === undefined) {
      header = record;
      const missing = columns.filter((c) => !header?.includes(c));
      if (missing.length > 0) {
        throw new CliError(
          'CLI_INPUT',
          `${file}: the header needs the column(s) ${missing.join(', ')} (found ${header.join(', ')})`,
        );
      }
      const wanted = header.includes('weight') ? [...new Set([...columns, 'weight' as const])] : columns;
      index = new Map(wanted.map((c) => [c, header?.indexOf(c) ?? -1]));
      continue;
    }
    const row: Record<string, number> = { weight: 1 };
    for (const [column, at] of index ?? []) {
      const text = record[at] ?? '';
      const value = text === '' ? Number.NaN : Number(text);
      const ok = Number.isFinite(value) && (column === 'weight' ? value > 0 : value >= 0);
      if (!ok) {
        throw new CliError(
          'CLI_INPUT',
          `${file} line ${line}: ${column} must be a ${column === 'weight' ? 'positive' : 'non-negative'} number, got ${JSON.stringify(text)}`,
        );
      }
      row[column] = value;
    }
    rows.push(row as SummaryRow);
  }
  if (header === undefined) throw new CliError('CLI_INPUT', `${file} is empty`);
  if (rows.length === 0) throw new CliError('CLI_INPUT', `${file} has a header but no rows`);
  return rows;
}
