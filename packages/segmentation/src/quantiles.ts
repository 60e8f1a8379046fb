import type { ValidationIssue } from '@crmkit/core';
import { sortedCopy } from './sort';

/**
 * How values are scored by quantile. A value's score is
 * `1 + floor(bins × p)`, where `p` is its mid-rank percentile
 * `(below + equal / 2) / n`: `below` counts the values strictly worse, and
 * `equal` the values tied with it (itself included). Without ties the bins
 * have equal sizes (±1).
 *
 * - `share` (default): ties share one score, so a tie never splits; a single
 *   customer, or a population where everyone is equal, scores the middle (3
 *   of 5) rather than the bottom; a large tie (most customers with one
 *   order) lands on one score and leaves neighbouring scores empty.
 * - `split-by-id`: ties are ordered by id (code-unit order) and scored as if
 *   distinct (`below` = position, `equal` = 1): equal-sized bins, equal
 *   values possibly split, deterministically.
 *
 * @example
 * ```ts
 * const ties: TieRule = 'share';
 * ```
 */
export type TieRule = 'share' | 'split-by-id';

/**
 * Scores values 1…bins by their mid-rank percentile (1 = worst, `bins` =
 * best) under a {@link TieRule}. `higherIsBetter: false` ranks small values
 * best (recency).
 */
export function quantileScores(
  values: Float64Array,
  bins: number,
  ties: TieRule,
  higherIsBetter: boolean,
  ids?: readonly string[],
): Uint8Array {
  const n = values.length;
  const scores = new Uint8Array(n);
  if (n === 0) return scores;
  const key = higherIsBetter ? values : values.map((v) => -v);
  const score = (below: number, equal: number) => 1 + Math.floor((bins * (below + equal / 2)) / n);
  if (ties === 'share') {
    // the score is a step function of the value: find where each step starts, then compare
    const sorted = sortedCopy(key);
    const steps = new Float64Array(bins - 1).fill(Number.POSITIVE_INFINITY);
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && sorted[end] === sorted[start]) end++;
      const reached = score(start, end - start);
      for (let s = reached - 1; s >= 1 && steps[s - 1] === Number.POSITIVE_INFINITY; s--)
        steps[s - 1] = sorted[start]!;
      start = end;
    }
    for (let i = 0; i < n; i++) {
      let reached = 1;
      while (reached < bins && key[i]! >= steps[reached - 1]!) reached++;
      scores[i] = reached;
    }
    return scores;
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => key[a]! - key[b]! || compareIds(ids?.[a] ?? '', ids?.[b] ?? '') || a - b);
  for (let p = 0; p < n; p++) scores[order[p]!] = score(p, 1);
  return scores;
}

/**
 * Scores values by fixed edges: `edges` ascending, one fewer than the number
 * of bins; an edge belongs to the bin above it (`value >= edge`). With
 * `higherIsBetter: false` the order is reversed (below the first edge scores
 * best).
 */
export function edgeScores(
  values: Float64Array,
  edges: readonly number[],
  higherIsBetter: boolean,
): Uint8Array {
  const bins = edges.length + 1;
  const scores = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let reached = 0;
    while (reached < edges.length && values[i]! >= edges[reached]!) reached++;
    scores[i] = higherIsBetter ? 1 + reached : bins - reached;
  }
  return scores;
}

/**
 * What one score covers: how many customers got it and the smallest and
 * largest value among them (`null` when nobody did).
 *
 * @example
 * ```ts
 * const band: ScoreBand = { score: 5, count: 120, min: 0, max: 6 };
 * ```
 */
export interface ScoreBand {
  /** The score, 1 (worst) … bins (best). */
  readonly score: number;
  /** How many values got it. */
  readonly count: number;
  /** Smallest value with this score, `null` if none. */
  readonly min: number | null;
  /** Largest value with this score, `null` if none. */
  readonly max: number | null;
}

/** The {@link ScoreBand} of every score 1…bins. */
export function scoreBands(values: Float64Array, scores: Uint8Array, bins: number): ScoreBand[] {
  const count = new Array<number>(bins + 1).fill(0);
  const min = new Array<number>(bins + 1).fill(Number.POSITIVE_INFINITY);
  const max = new Array<number>(bins + 1).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < values.length; i++) {
    const s = scores[i]!;
    const v = values[i]!;
    count[s]!++;
    if (v < min[s]!) min[s] = v;
    if (v > max[s]!) max[s] = v;
  }
  return Array.from({ length: bins }, (_, i) => ({
    score: i + 1,
    count: count[i + 1]!,
    min: count[i + 1]! > 0 ? min[i + 1]! : null,
    max: count[i + 1]! > 0 ? max[i + 1]! : null,
  }));
}

/** Issues for edges that are not strictly increasing finite numbers. */
export function edgeIssues(edges: readonly number[], path: readonly (string | number)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) {
      issues.push({ path: [...path, i], message: 'edges must be strictly increasing', code: 'custom' });
    }
  }
  return issues;
}

/** Code-unit order of ids, the order storage ports use. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
