import { CurrencySchema, InstantSchema, type Order, parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';
import type { CustomerFacts } from './facts';
import { type RfmOptions, RfmOptionsSchema, type RfmResult, scoreRfmColumns } from './rfm';
import {
  type CompiledSegments,
  type CompileSegmentsOptions,
  compileSegments,
  type SegmentManifest,
} from './rule-segments';
import { forEachRow, isSource, notASource, type Source } from './source';
import { SummaryAccumulator } from './summaries';
import { type TierResult, type TierSpec, TierSpecSchema, tierColumns } from './tiers';
import { amountToNumber } from './values';

/**
 * Metrics computed elsewhere (CLV, predicted CLV, satisfaction, lifecycle
 * stage…) per customer id: a Map or a lookup function. They become the
 * `metrics.*` facts of rule segments and the criteria a `shares` tier can
 * rank by (`by: 'predictedClv'`).
 *
 * @example
 * ```ts
 * const metrics: CustomerMetrics = new Map([['c1', { predictedClv: 950, satisfaction: 8, lifecycleStage: 'active' }]]);
 * ```
 */
export type CustomerMetrics =
  | ReadonlyMap<string, Readonly<Record<string, unknown>>>
  | ((customerId: string) => Readonly<Record<string, unknown>> | undefined);

/**
 * What {@link runSegmentation} reads and computes.
 *
 * @example
 * ```ts
 * const input: SegmentationRunInput = { orders: storage.orders.list(), customers: storage.customers.list(), asOf: '2026-01-01', tiers: PORTFOLIO_TIERS };
 * ```
 */
export interface SegmentationRunInput {
  /** Every order, read once (array or stream, any order). */
  readonly orders: Source<Order>;
  /** The instant segmented: later orders and refunds are not counted. */
  readonly asOf: Date | string;
  /** The orders' currency (default: the first order's). */
  readonly currency?: string;
  /** The customers, read once, for `customer.*` facts; also segments customers without orders. */
  readonly customers?: Source<{ readonly id: string; readonly [field: string]: unknown }>;
  /** Per-customer metrics for `metrics.*` facts and `shares` tiers. */
  readonly metrics?: CustomerMetrics;
  /** RFM options (defaults: quantiles, the default segments). */
  readonly rfm?: RfmOptions;
  /** Value tiers over net spend (and metrics, for `by` criteria). */
  readonly tiers?: TierSpec;
  /** Rule segments: compiled, or definitions to compile with `segmentOptions`. */
  readonly segments?: CompiledSegments | readonly unknown[];
  /** Options for compiling `segments` definitions. */
  readonly segmentOptions?: CompileSegmentsOptions;
}

/**
 * One customer's segments in a run.
 *
 * @example
 * ```ts
 * const c: CustomerSegmentation = { customerId: 'c1', rfmSegment: 'Loyal', tier: 'important', segments: ['newsletter-fans'] };
 * ```
 */
export interface CustomerSegmentation {
  /** The customer. */
  readonly customerId: string;
  /** Their RFM segment (absent without orders). */
  readonly rfmSegment?: string;
  /** Their value tier (absent without orders or without `tiers`). */
  readonly tier?: string;
  /** The rule segments they belong to, in definition order. */
  readonly segments: readonly string[];
}

/**
 * The result of {@link runSegmentation}.
 *
 * @example
 * ```ts
 * const run: SegmentationRun = await runSegmentation(input);
 * run.segmentCounts; // { 'vip-at-risk': 412, … }
 * ```
 */
export interface SegmentationRun {
  /** The instant segmented. */
  readonly asOf: Date;
  /** The currency of every amount. */
  readonly currency: string | undefined;
  /** RFM of every customer with orders. */
  readonly rfm: RfmResult;
  /** Tiers of every customer with orders, when asked for. */
  readonly tiers?: TierResult;
  /** The rule segments' manifest, when there were any. */
  readonly manifest?: SegmentManifest;
  /** Every customer (from `customers`, then those only seen in orders). */
  readonly customers: readonly CustomerSegmentation[];
  /** Members per rule segment id. */
  readonly segmentCounts: Readonly<Record<string, number>>;
  /** Orders read (counted or not). */
  readonly ordersRead: number;
}

const RunOptionsSchema = z.object({ asOf: InstantSchema, currency: CurrencySchema.optional() });

/**
 * A full segmentation run: reads the orders once (memory bounded by the
 * number of customers, never by orders), scores RFM, assigns value tiers
 * by net spend, then streams the customers once through the rule segments,
 * compiled once. Every option is validated before the first order is read,
 * so a bad definition fails fast with `ValidationError` paths from the
 * input's root (`['segments', 2, 'when', 'op']`, `['tiers', 'tiers', 1]`,
 * `['metrics', 'c7', 'clv']`).
 *
 * @example
 * ```ts
 * const run = await runSegmentation({
 *   orders: storage.orders.list(),
 *   customers: storage.customers.list(),
 *   asOf: new Date('2026-01-01T00:00:00Z'),
 *   tiers: PORTFOLIO_TIERS,
 *   metrics: predictedClvById, // Map id → { predictedValue }
 *   segments: [{ id: 'champions-retail', name: 'Retail champions', version: 1,
 *     when: { all: [{ fact: 'rfm.segment', op: 'eq', value: 'Champions' }, { fact: 'customer.attributes.industry', op: 'eq', value: 'retail' }] } }],
 * });
 * run.customers[0]; // { customerId, rfmSegment, tier, segments }
 * ```
 */
export async function runSegmentation(input: SegmentationRunInput): Promise<SegmentationRun> {
  if (typeof input !== 'object' || input === null) {
    throw new ValidationError('segmentation run', [
      { path: [], message: 'must be an object', code: 'invalid_type' },
    ]);
  }
  const { asOf, currency } = parseWith(RunOptionsSchema, 'segmentation run', {
    asOf: input.asOf,
    currency: input.currency,
  });
  const rfmOptions = within('rfm', () => parseWith(RfmOptionsSchema, 'RFM options', input.rfm ?? {}));
  const tierSpec =
    input.tiers === undefined
      ? undefined
      : within('tiers', () => parseWith(TierSpecSchema, 'tier spec', input.tiers));
  const segments = Array.isArray(input.segments)
    ? within('segments', () => compileSegments(input.segments as readonly unknown[], input.segmentOptions))
    : (input.segments as CompiledSegments | undefined);
  if (segments !== undefined && typeof segments.evaluate !== 'function') {
    throw new ValidationError('segmentation run', [
      { path: ['segments'], message: 'must be definitions or compileSegments(...)', code: 'invalid_type' },
    ]);
  }
  const metrics = metricsLookup(input.metrics);
  if (!isSource(input.orders)) throw notASource('segmentation run', ['orders']);
  if (input.customers !== undefined && !isSource(input.customers)) {
    throw notASource('segmentation run', ['customers']);
  }

  const accumulator = new SummaryAccumulator(asOf.getTime(), currency);
  let ordersRead = 0;
  await forEachRow(input.orders, 'orders', (order, i) => {
    accumulator.add(order, i);
    ordersRead = i + 1;
  });
  const columns = accumulator.columns(asOf);
  const rfm = scoreRfmColumns(columns, rfmOptions);
  const tiers =
    tierSpec === undefined
      ? undefined
      : tierColumns(
          columns.ids,
          columns.monetary,
          (name) => metricColumn(columns.ids, metrics, name),
          tierSpec,
          (i, name) => ['metrics', columns.ids[i]!, name],
          (i) => rfm.customers[i]!.monetary,
        );

  const counts = new Map<string, number>((segments?.definitions ?? []).map((d) => [d.id, 0]));
  const customers: CustomerSegmentation[] = [];
  const seen = new Uint8Array(columns.ids.length);
  // one facts object, refilled per customer: evaluation is synchronous and keeps nothing
  const facts: { -readonly [K in keyof CustomerFacts]: CustomerFacts[K] } = { customer: { id: '' } };
  const segment = (customer: { readonly id: string }, index: number | undefined) => {
    const rfmCustomer = index === undefined ? undefined : rfm.customers[index];
    const tier = index === undefined ? undefined : tiers?.assignments[index]?.tier;
    facts.customer = customer;
    facts.rfm = rfmCustomer;
    facts.tier = tier;
    facts.metrics = metrics(customer.id);
    const members = segments === undefined ? NONE : segments.evaluate(facts);
    for (const id of members) counts.set(id, counts.get(id)! + 1);
    customers.push(customerSegmentation(customer.id, rfmCustomer?.segment, tier, members));
  };
  if (input.customers !== undefined) {
    // customers usually stream in the order their orders were first seen (both by id): try that first
    let cursor = 0;
    await forEachRow(input.customers, 'customers', (customer, i) => {
      if (typeof customer?.id !== 'string') {
        throw new ValidationError('customers', [
          { path: [i, 'id'], message: 'must be a string', code: 'invalid_type' },
        ]);
      }
      const index = columns.ids[cursor] === customer.id ? cursor : accumulator.indexOf(customer.id);
      if (index !== undefined) {
        seen[index] = 1;
        cursor = index + 1;
      }
      segment(customer, index);
    });
  }
  for (let index = 0; index < columns.ids.length; index++) {
    if (seen[index] === 0) segment({ id: columns.ids[index]! }, index);
  }
  return {
    asOf,
    currency: columns.currency,
    rfm,
    ...(tiers === undefined ? {} : { tiers }),
    ...(segments === undefined ? {} : { manifest: segments.manifest }),
    customers,
    segmentCounts: Object.fromEntries(counts),
    ordersRead,
  };
}

/** Runs `parse`, moving the paths of a `ValidationError` under `key` of the run's input. */
function within<T>(key: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const first = error.issues[0]?.path[0];
    // compileSegments roots a definition's problems at its index, and the options' (refs…) at their name
    const root = key === 'segments' && typeof first === 'string' ? 'segmentOptions' : key;
    throw new ValidationError(
      'segmentation run',
      error.issues.map((issue) => ({ ...issue, path: [root, ...issue.path] })),
    );
  }
}

function metricsLookup(
  metrics: CustomerMetrics | undefined,
): (id: string) => Readonly<Record<string, unknown>> | undefined {
  if (metrics === undefined) return () => undefined;
  if (typeof metrics === 'function') return metrics;
  if (metrics instanceof Map) return (id) => metrics.get(id);
  throw new ValidationError('segmentation run', [
    { path: ['metrics'], message: 'must be a Map or a function of the customer id', code: 'invalid_type' },
  ]);
}

/** A metric of every customer as numbers (NaN when absent), for a `shares` tier's `by`. */
function metricColumn(
  ids: readonly string[],
  metrics: (id: string) => Readonly<Record<string, unknown>> | undefined,
  name: string,
): Float64Array {
  const column = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const raw = metrics(ids[i]!)?.[name];
    const value = raw === undefined || raw === null ? Number.NaN : amountToNumber(raw);
    if (value === undefined) {
      throw new ValidationError('segmentation run', [
        {
          path: ['metrics', ids[i]!, name],
          message: 'must be a finite number, Money or a decimal',
          code: 'invalid_type',
        },
      ]);
    }
    column[i] = value;
  }
  return column;
}

const NONE: readonly string[] = Object.freeze([]);

function customerSegmentation(
  customerId: string,
  rfmSegment: string | undefined,
  tier: string | undefined,
  segments: readonly string[],
): CustomerSegmentation {
  if (rfmSegment === undefined) return { customerId, segments };
  return tier === undefined
    ? { customerId, rfmSegment, segments }
    : { customerId, rfmSegment, tier, segments };
}
