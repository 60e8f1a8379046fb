import { z } from 'zod';

const Score = z.number().int('must be a whole score').min(1, 'scores run 1–5').max(5, 'scores run 1–5');

/**
 * A score or an inclusive range of scores (`4` or `[4, 5]`), on the 1–5 scale.
 *
 * @example
 * ```ts
 * ScoreRangeSchema.parse([4, 5]); // [4, 5]
 * ScoreRangeSchema.parse(3); // [3, 3]
 * ```
 */
export const ScoreRangeSchema = z
  .union([Score, z.tuple([Score, Score])])
  .transform((v): readonly [number, number] => (typeof v === 'number' ? [v, v] : v))
  .refine(([low, high]) => low <= high, 'a range needs low <= high');

/**
 * One named RFM segment: the score ranges it takes, on any of `r`, `f`, `m`
 * and `fm` (the rounded mean of F and M, halves up). A missing dimension
 * takes any score.
 *
 * @example
 * ```ts
 * RfmSegmentRuleSchema.parse({ name: 'Champions', r: 5, fm: [4, 5] });
 * ```
 */
export const RfmSegmentRuleSchema = z
  .object({
    name: z.string().min(1, 'must not be empty'),
    r: ScoreRangeSchema.optional(),
    f: ScoreRangeSchema.optional(),
    m: ScoreRangeSchema.optional(),
    fm: ScoreRangeSchema.optional(),
  })
  .strict();

/**
 * A map from RFM score patterns to named segments: rules tried in order, the
 * first that matches names the segment; a score pattern no rule matches
 * gets `fallback`. Without a fallback, every one of the 125 patterns must be
 * matched by some rule (otherwise the map is rejected, naming the first
 * patterns left out). Segment names are unique.
 *
 * @example
 * ```ts
 * RfmSegmentMapSchema.parse({ segments: [{ name: 'Best', r: 5, f: 5, m: 5 }], fallback: 'Others' });
 * ```
 */
export const RfmSegmentMapSchema = z
  .object({
    segments: z.array(RfmSegmentRuleSchema).min(1, 'needs at least one segment'),
    fallback: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((map, ctx) => {
    const names = new Set<string>();
    map.segments.forEach((rule, i) => {
      if (names.has(rule.name) || rule.name === map.fallback) {
        ctx.addIssue({ code: 'custom', path: ['segments', i, 'name'], message: 'duplicate segment name' });
      }
      names.add(rule.name);
    });
    if (map.fallback !== undefined) return;
    const table = segmentTable(map);
    const missing: string[] = [];
    table.forEach((segment, cell) => {
      if (segment < 0) missing.push(patternOf(cell));
    });
    if (missing.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['segments'],
        message: `${missing.length} score patterns match no segment (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}); add segments or a fallback`,
      });
    }
  });

/**
 * What {@link RfmSegmentMapSchema} accepts.
 *
 * @example
 * ```ts
 * const map: RfmSegmentMapInput = { segments: [{ name: 'Active', r: [3, 5] }], fallback: 'Inactive' };
 * ```
 */
export type RfmSegmentMapInput = z.input<typeof RfmSegmentMapSchema>;

/**
 * A validated segment map (the output of {@link RfmSegmentMapSchema}).
 *
 * @example
 * ```ts
 * const map: RfmSegmentMap = RfmSegmentMapSchema.parse(DEFAULT_RFM_SEGMENTS);
 * ```
 */
export type RfmSegmentMap = z.output<typeof RfmSegmentMapSchema>;

/**
 * The default segments, over R and FM (the rounded mean of F and M). The
 * rules cover all 125 score patterns exactly once, except that `Lost` (R 1,
 * FM 1) is tried before `Hibernating`:
 *
 * | R \ FM | 1 | 2 | 3 | 4 | 5 |
 * |---|---|---|---|---|---|
 * | 5 | New | Potential loyalists | Potential loyalists | Champions | Champions |
 * | 4 | Promising | Potential loyalists | Potential loyalists | Loyal | Loyal |
 * | 3 | About to sleep | About to sleep | Need attention | Loyal | Loyal |
 * | 2 | Hibernating | Hibernating | At risk | At risk | Cannot lose them |
 * | 1 | Lost | Hibernating | At risk | At risk | Cannot lose them |
 *
 * @example
 * ```ts
 * const scored = scoreRfm(summaries); // uses DEFAULT_RFM_SEGMENTS
 * ```
 */
export const DEFAULT_RFM_SEGMENTS: RfmSegmentMapInput = {
  segments: [
    { name: 'Champions', r: 5, fm: [4, 5] },
    { name: 'Loyal', r: [3, 4], fm: [4, 5] },
    { name: 'Potential loyalists', r: [4, 5], fm: [2, 3] },
    { name: 'New', r: 5, fm: 1 },
    { name: 'Promising', r: 4, fm: 1 },
    { name: 'Need attention', r: 3, fm: 3 },
    { name: 'About to sleep', r: 3, fm: [1, 2] },
    { name: 'Cannot lose them', r: [1, 2], fm: 5 },
    { name: 'At risk', r: [1, 2], fm: [3, 4] },
    { name: 'Lost', r: 1, fm: 1 },
    { name: 'Hibernating', r: [1, 2], fm: [1, 2] },
  ],
};

/** The FM score: the mean of F and M rounded half up. */
export function fmScore(f: number, m: number): number {
  return Math.floor((f + m + 1) / 2);
}

/**
 * For each of the 125 patterns (index `(r-1)·25 + (f-1)·5 + (m-1)`), the
 * index of the first rule that matches, or -1.
 */
export function segmentTable(map: {
  readonly segments: readonly z.output<typeof RfmSegmentRuleSchema>[];
}): Int16Array {
  const table = new Int16Array(125).fill(-1);
  for (let cell = 0; cell < 125; cell++) {
    const r = Math.floor(cell / 25) + 1;
    const f = (Math.floor(cell / 5) % 5) + 1;
    const m = (cell % 5) + 1;
    const fm = fmScore(f, m);
    table[cell] = map.segments.findIndex(
      (rule) => within(rule.r, r) && within(rule.f, f) && within(rule.m, m) && within(rule.fm, fm),
    );
  }
  return table;
}

/** The cell of a pattern in {@link segmentTable}. */
export function patternCell(r: number, f: number, m: number): number {
  return (r - 1) * 25 + (f - 1) * 5 + (m - 1);
}

function patternOf(cell: number): string {
  return `${Math.floor(cell / 25) + 1}${(Math.floor(cell / 5) % 5) + 1}${(cell % 5) + 1}`;
}

function within(range: readonly [number, number] | undefined, score: number): boolean {
  return range === undefined || (score >= range[0] && score <= range[1]);
}
