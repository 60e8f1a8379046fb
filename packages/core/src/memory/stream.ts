import type { Entry, TableView } from './table';

/**
 * A contiguous part of one sort order of a table, with a filter: what a
 * query reads.
 */
export interface Range<V> {
  /** Which sort order of the table. */
  readonly order: number;
  /** The key where the range starts (inclusive); the beginning of the order when absent. */
  readonly from?: unknown;
  /** True for the first value past the end of the range; the range runs to the end when absent. */
  readonly past?: (value: V) => boolean;
  /** Which values in the range the query keeps. */
  readonly keep: (value: V) => boolean;
}

/** The entries of a range in order, from its start or strictly after the key `cursor`. */
function* entriesOf<V>(view: TableView<V>, range: Range<V>, cursor: unknown): Generator<Entry<V>> {
  const from = cursor ?? range.from;
  for (const entry of view.scan(range.order, from, cursor !== undefined)) {
    if (range.past?.(entry.value)) return;
    yield entry;
  }
}

/** How many values of a range the query keeps. */
export function countRange<V>(view: TableView<V>, range: Range<V>): number {
  let count = 0;
  for (const entry of entriesOf(view, range, undefined)) if (range.keep(entry.value)) count++;
  return count;
}

/**
 * Streams a range in pages of up to `batchSize` values. Each page is read
 * afresh from the current view (`open` also checks that the storage or
 * transaction may still be used), after the last entry seen, so memory
 * beyond the stored data stays bounded by the page and writes between pages
 * are fine: the stream skips entries stamped after it started (rows inserted
 * or moved in the order since), so it never yields a row twice.
 */
export async function* streamPages<V, Out>(
  open: () => TableView<V>,
  range: Range<V>,
  batchSize: number,
  since: number,
  output: (value: V) => Out,
): AsyncGenerator<readonly Out[]> {
  let cursor: unknown;
  for (;;) {
    const page: Out[] = [];
    let more = false;
    for (const entry of entriesOf(open(), range, cursor)) {
      cursor = entry.key;
      if (entry.stamp > since || !range.keep(entry.value)) continue;
      page.push(output(entry.value));
      if (page.length === batchSize) {
        more = true;
        break;
      }
    }
    if (page.length > 0) yield page;
    if (!more) return;
  }
}

/** {@link streamPages}, one value at a time. */
export async function* streamRange<V, Out>(
  open: () => TableView<V>,
  range: Range<V>,
  batchSize: number,
  since: number,
  output: (value: V) => Out,
): AsyncGenerator<Out> {
  for await (const page of streamPages(open, range, batchSize, since, output)) yield* page;
}
