import { ValidationError, type ValidationIssue } from '@crmkit/core';

/**
 * One run's segment per customer: a Map from customer id to segment, or a
 * list of `{ id, segment }` (an RFM result's customers mapped, a tier
 * result's assignments, a cluster result's assignments).
 *
 * @example
 * ```ts
 * const before: SegmentAssignments = new Map([['c1', 'Loyal'], ['c2', 'New']]);
 * const after: SegmentAssignments = run.customers.map((c) => ({ id: c.customerId, segment: c.segment }));
 * ```
 */
export type SegmentAssignments =
  | ReadonlyMap<string, string>
  | readonly { readonly id: string; readonly segment: string }[];

/**
 * Who moved where between two runs: the transition matrix over customers
 * present in both (rows: segment before, columns: segment after), its row
 * shares, each mover, and the customers who entered or left.
 *
 * @example
 * ```ts
 * const t: SegmentTransitions = segmentTransitions(lastMonth, thisMonth);
 * t.counts['Loyal']?.['At risk']; // customers who slipped from Loyal to At risk
 * ```
 */
export interface SegmentTransitions {
  /** Segments seen before, in order of first appearance. */
  readonly from: readonly string[];
  /** Segments seen after, in order of first appearance. */
  readonly to: readonly string[];
  /** `matrix[i][j]`: customers in `from[i]` before and `to[j]` after. */
  readonly matrix: readonly (readonly number[])[];
  /** The same counts by name: `counts[from][to]` (only non-zero cells). */
  readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** `matrix` with each row divided by its total: where each segment's customers went. */
  readonly rates: readonly (readonly number[])[];
  /** Customers whose segment changed. */
  readonly moved: readonly { readonly id: string; readonly from: string; readonly to: string }[];
  /** Customers in the same segment in both runs. */
  readonly stayed: number;
  /** Customers only in the later run, with their segment. */
  readonly entered: readonly { readonly id: string; readonly segment: string }[];
  /** Customers only in the earlier run, with their segment. */
  readonly left: readonly { readonly id: string; readonly segment: string }[];
}

/**
 * Compares two runs of one segmentation: who moved from which segment to
 * which (see {@link SegmentTransitions}). Compare runs made with the same
 * definitions: a changed definition moves customers as much as their
 * behaviour does (rule segments carry versions for this; see
 * `compileSegments`). A customer listed twice in one run throws
 * `ValidationError`.
 *
 * @example
 * ```ts
 * const t = segmentTransitions(
 *   new Map([['a', 'New'], ['b', 'Loyal'], ['c', 'Loyal']]),
 *   new Map([['a', 'Loyal'], ['b', 'Loyal'], ['d', 'New']]),
 * );
 * t.counts; // { New: { Loyal: 1 }, Loyal: { Loyal: 1 } }
 * t.moved; // [{ id: 'a', from: 'New', to: 'Loyal' }]
 * t.left; // [{ id: 'c', segment: 'Loyal' }]
 * ```
 */
export function segmentTransitions(
  before: SegmentAssignments,
  after: SegmentAssignments,
): SegmentTransitions {
  const earlier = toMap('earlier run', before);
  const later = toMap('later run', after);
  const from = labels(earlier);
  const to = labels(later);
  const fromIndex = new Map(from.map((s, i) => [s, i]));
  const toIndex = new Map(to.map((s, i) => [s, i]));
  const matrix = from.map(() => new Array<number>(to.length).fill(0));
  const moved: { id: string; from: string; to: string }[] = [];
  const left: { id: string; segment: string }[] = [];
  let stayed = 0;
  for (const [id, segment] of earlier) {
    const next = later.get(id);
    if (next === undefined) {
      left.push({ id, segment });
      continue;
    }
    matrix[fromIndex.get(segment)!]![toIndex.get(next)!]!++;
    if (next === segment) stayed++;
    else moved.push({ id, from: segment, to: next });
  }
  const entered: { id: string; segment: string }[] = [];
  for (const [id, segment] of later) if (!earlier.has(id)) entered.push({ id, segment });
  const counts: Record<string, Record<string, number>> = {};
  from.forEach((f, i) => {
    const row: Record<string, number> = {};
    to.forEach((t, j) => {
      if (matrix[i]![j]! > 0) row[t] = matrix[i]![j]!;
    });
    counts[f] = row;
  });
  const rates = matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (total === 0 ? 0 : count / total));
  });
  return { from, to, matrix, counts, rates, moved, stayed, entered, left };
}

function toMap(what: string, assignments: SegmentAssignments): ReadonlyMap<string, string> {
  const issues: ValidationIssue[] = [];
  if (assignments instanceof Map) {
    for (const [id, segment] of assignments) {
      if (typeof segment !== 'string')
        issues.push({ path: [id], message: 'segment must be a string', code: 'invalid_type' });
    }
    if (issues.length > 0) throw new ValidationError(what, issues.slice(0, 20));
    return assignments;
  }
  if (!Array.isArray(assignments)) {
    throw new ValidationError(what, [
      { path: [], message: 'must be a Map or an array of { id, segment }', code: 'invalid_type' },
    ]);
  }
  const map = new Map<string, string>();
  (assignments as readonly { id: string; segment: string }[]).forEach((row, i) => {
    if (issues.length >= 20) return;
    if (typeof row?.id !== 'string')
      issues.push({ path: [i, 'id'], message: 'must be a string', code: 'invalid_type' });
    else if (map.has(row.id))
      issues.push({ path: [i, 'id'], message: 'customer listed twice', code: 'custom' });
    if (typeof row?.segment !== 'string') {
      issues.push({ path: [i, 'segment'], message: 'must be a string', code: 'invalid_type' });
    }
    map.set(row?.id, row?.segment);
  });
  if (issues.length > 0) throw new ValidationError(what, issues);
  return map;
}

function labels(assignments: ReadonlyMap<string, string>): string[] {
  return [...new Set(assignments.values())];
}
