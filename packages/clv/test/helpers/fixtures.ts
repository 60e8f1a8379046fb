import { readFileSync } from 'node:fs';

function readCsv(name: string): Record<string, number>[] {
  const text = readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8').trim();
  const [header, ...lines] = text.split(/\r?\n/);
  const columns = header!.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, Number(cells[i])]));
  });
}

/** The 2,357 CDNOW customers (weeks): frequency, recency, T and mean repeat spend (lifetimes' dataset). */
export function cdnowSummary() {
  return readCsv('cdnow_customers_summary_with_transactions.csv').map((row) => ({
    id: row.ID!,
    frequency: row.x!,
    recency: row.t_x!,
    T: row.T!,
    monetaryValue: row.zbar!,
  }));
}

/** The donations dataset (Fader, Hardie & Shang 2010): 11,104 donors in 22 weighted rows. */
export function donations() {
  return readCsv('donations.csv').map((row) => ({
    frequency: row.frequency!,
    recency: row.recency!,
    n: row.n!,
    weight: row.n_custs!,
  }));
}
