import { IdSchema, InstantSchema } from '@crmkit/core';
import { z } from 'zod';
import { ChurnConfigError, parseConfig } from './errors';
import { type CustomerHistory, checkInteraction } from './history';

/**
 * The default churn reason taxonomy, from the CRM handbooks: product,
 * service, price, competitor, relocation, delivery, other, and unknown (for
 * passive churn nobody explained).
 *
 * @example
 * ```ts
 * DEFAULT_CHURN_REASONS.includes('price'); // true
 * ```
 */
export const DEFAULT_CHURN_REASONS: readonly string[] = Object.freeze([
  'product',
  'service',
  'price',
  'competitor',
  'relocation',
  'delivery',
  'other',
  'unknown',
]);

/**
 * Builds the schema of a churn record for a reason taxonomy (default
 * {@link DEFAULT_CHURN_REASONS}): who, when, `active` churn (the customer
 * chose to leave: cancelled, complained, switched) or `passive` (stopped
 * buying without a word), the reason from the taxonomy, free detail, and
 * where the record came from.
 *
 * @example
 * ```ts
 * const schema = churnRecordSchema(['price', 'quality', 'moved', 'unknown']);
 * schema.parse({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'active', reason: 'moved' });
 * ```
 */
export function churnRecordSchema(reasons: readonly string[] = DEFAULT_CHURN_REASONS) {
  const taxonomy = parseConfig(
    z.array(z.string().min(1, 'must not be empty')).min(1, 'a taxonomy needs at least one reason'),
    'churn reason taxonomy',
    reasons,
  );
  const known = new Set(taxonomy);
  return z
    .object({
      customerId: IdSchema,
      churnedAt: InstantSchema,
      kind: z.enum(['active', 'passive']),
      reason: z.string().refine((r) => known.has(r), {
        error: (issue) => `unknown reason ${JSON.stringify(issue.input)}; use one of ${taxonomy.join(', ')}`,
      }),
      detail: z.string().max(10_000).optional(),
      lastOrderAt: InstantSchema.optional(),
      source: z.enum(['manual', 'complaint', 'survey', 'inferred']).default('manual'),
    })
    .strict();
}

/**
 * The churn record schema with the default taxonomy.
 *
 * @example
 * ```ts
 * ChurnRecordSchema.parse({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'passive', reason: 'unknown' });
 * ```
 */
export const ChurnRecordSchema = churnRecordSchema();

/**
 * A validated churn record.
 *
 * @example
 * ```ts
 * const r: ChurnRecord = parseChurnRecord({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'active', reason: 'price' });
 * ```
 */
export type ChurnRecord = z.output<typeof ChurnRecordSchema>;

/**
 * What {@link ChurnRecordSchema} accepts.
 *
 * @example
 * ```ts
 * const input: ChurnRecordInput = { customerId: 'c1', churnedAt: '2026-06-01', kind: 'active', reason: 'competitor' };
 * ```
 */
export type ChurnRecordInput = z.input<typeof ChurnRecordSchema>;

/**
 * Validates a churn record against a taxonomy; throws `ChurnConfigError`
 * naming each bad field (`['reason']: unknown reason "weather"; use one of …`).
 *
 * @example
 * ```ts
 * parseChurnRecord({ customerId: 'c1', churnedAt: '2026-06-01', kind: 'active', reason: 'price' }).source; // 'manual'
 * ```
 */
export function parseChurnRecord(input: unknown, options: { reasons?: readonly string[] } = {}): ChurnRecord {
  return parseConfig(churnRecordSchema(options.reasons), 'churn record', input);
}

/**
 * Infers a churn record from a churned customer's history: the latest
 * complaint within `lookbackDays` before `asOf` makes it `active` churn with
 * the complaint's reason (`other` when the taxonomy lacks it); otherwise it
 * is `passive` with reason `unknown` (which the taxonomy must contain).
 *
 * @example
 * ```ts
 * inferChurnRecord(history, { asOf: new Date('2026-07-01') });
 * // { customerId: 'c1', churnedAt: 2026-07-01, kind: 'active', reason: 'price', source: 'complaint', lastOrderAt: … }
 * ```
 */
export function inferChurnRecord(
  history: CustomerHistory,
  options: { asOf: Date; lookbackDays?: number; reasons?: readonly string[] },
): ChurnRecord {
  const schema = churnRecordSchema(options.reasons);
  const taxonomy = new Set(options.reasons ?? DEFAULT_CHURN_REASONS);
  const asOf = options.asOf instanceof Date ? options.asOf.getTime() : Number.NaN;
  const lookback = options.lookbackDays ?? 180;
  const issues = [
    ...(Number.isFinite(asOf) ? [] : [{ path: ['asOf'], message: 'must be a valid Date', code: 'custom' }]),
    ...(typeof lookback === 'number' && lookback > 0
      ? []
      : [{ path: ['lookbackDays'], message: 'must be > 0', code: 'custom' }]),
  ];
  if (issues.length > 0) throw new ChurnConfigError('churn inference options', issues);
  let complaint: { t: number; reason: string } | undefined;
  history.interactions.forEach((x, i) => {
    checkInteraction(x, 'interactions', i);
    const t = x.occurredAt.getTime();
    if (x.type !== 'complaint' || t >= asOf || t < asOf - lookback * 86_400_000) return;
    if (complaint === undefined || t >= complaint.t) complaint = { t, reason: x.reason ?? 'other' };
  });
  let lastOrder: number | undefined;
  for (const o of history.orders) {
    const t = o.placedAt.getTime();
    if (t < asOf && o.status !== 'cancelled' && (lastOrder === undefined || t > lastOrder)) lastOrder = t;
  }
  const found = complaint as { t: number; reason: string } | undefined;
  return parseConfig(schema, 'churn record', {
    customerId: history.customerId,
    churnedAt: new Date(asOf),
    kind: found === undefined ? 'passive' : 'active',
    reason: found === undefined ? 'unknown' : taxonomy.has(found.reason) ? found.reason : 'other',
    source: found === undefined ? 'inferred' : 'complaint',
    ...(lastOrder === undefined ? {} : { lastOrderAt: new Date(lastOrder) }),
  });
}
