import type { Clock, DomainEvent, IdGenerator } from '@crmkit/core';
import { ChurnConfigError } from './errors';
import { levelChangeEvent } from './events';
import type { CustomerHistory, PurchaseModel } from './history';
import {
  type CustomerIndicators,
  checkHistory,
  type IndicatorOptions,
  indicatorsOf,
  resolveIndicatorOptions,
} from './indicators';
import { type ChurnSource, mergeSteps } from './source';
import {
  assessLevel,
  compileThresholds,
  type FiredThreshold,
  type LevelState,
  type ThresholdConfig,
  type Thresholds,
} from './thresholds';

/**
 * What an assessment needs: indicator options (with the as-of date),
 * thresholds (JSON or compiled), and optionally how to find a customer's
 * segment, a purchase model for P(alive), and whether to explain (default
 * `true`; `false` computes the same values and levels faster, without texts
 * and condition trees).
 *
 * @example
 * ```ts
 * const setup: ChurnSetup = {
 *   indicators: { asOf: '2026-07-01' },
 *   thresholds: { rules: [{ id: 'late', level: 'warning', when: { fact: 'recencyRatio', op: 'gte', value: 3 } }] },
 *   segmentOf: (h) => (h.customer as Customer | undefined)?.tags.includes('vip') ? 'vip' : undefined,
 * };
 * ```
 */
export interface ChurnSetup<C = unknown> {
  /** Indicator options, including `asOf`. */
  readonly indicators: IndicatorOptions;
  /** Threshold rules, as JSON or from `compileThresholds`. */
  readonly thresholds: ThresholdConfig | Thresholds;
  /** The customer's segment (selects per-segment rules; a `segment` fact for conditions). */
  readonly segmentOf?: (history: CustomerHistory<C>) => string | undefined;
  /** A fitted purchase model for `pAlive` and `expectedPurchases`. */
  readonly model?: PurchaseModel;
  /** Explain indicators and fired rules (default `true`). */
  readonly explain?: boolean;
}

/**
 * One customer's churn assessment: indicators, level, the level before
 * (from the previous state), whether it changed, and every rule that holds.
 *
 * @example
 * ```ts
 * const a: ChurnAssessment = assessCustomer(history, setup);
 * if (a.changed) console.log(a.customerId, a.previousLevel, '→', a.level);
 * ```
 */
export interface ChurnAssessment {
  /** The customer. */
  readonly customerId: string;
  /** Their segment, if any. */
  readonly segment?: string;
  /** The as-of date. */
  readonly asOf: Date;
  /** The indicators and their explanations. */
  readonly indicators: CustomerIndicators;
  /** The level now (`null`: none). */
  readonly level: string | null;
  /** The level in the previous state (`null` when none was given). */
  readonly previousLevel: string | null;
  /** Whether the level differs from the previous one. */
  readonly changed: boolean;
  /** Every rule that holds, highest level first. */
  readonly rules: readonly FiredThreshold[];
  /** The level names, lowest first (to compare levels). */
  readonly levels: readonly string[];
}

/**
 * A compiled assessor: validates the setup once, then assesses histories.
 *
 * @example
 * ```ts
 * const assess: ChurnAssessor = createChurnAssessor(setup);
 * const a = assess(history, { level: 'watch', rules: ['slipping'] });
 * ```
 */
export type ChurnAssessor<C = unknown> = (
  history: CustomerHistory<C>,
  previous?: LevelState,
) => ChurnAssessment;

/**
 * Validates a {@link ChurnSetup} once (throwing `ChurnConfigError` with paths
 * such as `['indicators', 'recentDays']` or `['thresholds', 'rules', 0, 'when', 'op']`)
 * and returns a function that assesses one history. The facts the conditions
 * see are the indicator values plus `segment`.
 *
 * @example
 * ```ts
 * const assess = createChurnAssessor(setup);
 * for (const h of histories) console.log(assess(h).level);
 * ```
 */
export function createChurnAssessor<C = unknown>(setup: ChurnSetup<C>): ChurnAssessor<C> {
  if (setup === null || typeof setup !== 'object')
    throw new ChurnConfigError('churn setup', [{ path: [], message: 'must be an object', code: 'custom' }]);
  const indicators = nested('indicators', () => resolveIndicatorOptions(setup.indicators));
  const thresholds = nested('thresholds', () =>
    isCompiled(setup.thresholds) ? setup.thresholds : compileThresholds(setup.thresholds),
  );
  const explain = setup.explain ?? true;
  const { model, segmentOf } = setup;
  return (history, previous) => {
    const values = indicatorsOf(history, indicators, model, explain);
    const segment = segmentOf?.(history);
    const facts = segment === undefined ? values.values : { ...values.values, segment };
    const { level, rules } = assessLevel(thresholds, facts, { segment, previous, explain });
    const previousLevel = previous?.level ?? null;
    const changed = level !== previousLevel;
    const { asOf } = indicators;
    const { levels } = thresholds;
    const { customerId } = history;
    return segment === undefined
      ? { customerId, asOf, indicators: values, level, previousLevel, changed, rules, levels }
      : { customerId, segment, asOf, indicators: values, level, previousLevel, changed, rules, levels };
  };
}

/**
 * Assesses one customer: indicators as of the date, then the level, with
 * hysteresis from `previous`. Validates the setup and the history.
 *
 * @example
 * ```ts
 * const { level, rules, indicators } = assessCustomer(history, setup, { level: 'warning', rules: ['late'] });
 * ```
 */
export function assessCustomer<C = unknown>(
  history: CustomerHistory<C>,
  setup: ChurnSetup<C>,
  previous?: LevelState,
): ChurnAssessment {
  const assess = createChurnAssessor(setup);
  checkHistory(history);
  return assess(history, previous);
}

/**
 * Options of {@link scanChurn}: the previous level states (for hysteresis and
 * `changed`), and where to send `churn.level_changed` events.
 *
 * @example
 * ```ts
 * const options: ScanOptions = { previous: (id) => states.get(id), events: { clock, ids, emit: (e) => host.emit(e) } };
 * ```
 */
export interface ScanOptions {
  /** The state after the previous run, by customer id. */
  readonly previous?: (customerId: string) => LevelState | undefined | Promise<LevelState | undefined>;
  /** Emit a `churn.level_changed` event for every change. */
  readonly events?: {
    /** Where event times come from. */
    readonly clock: Clock;
    /** Where event ids come from. */
    readonly ids: IdGenerator;
    /** Receives each event (the plugin host's emitter, a queue, …); awaited. */
    readonly emit: (event: DomainEvent<'churn.level_changed'>) => void | Promise<void>;
  };
}

/**
 * Streams churn assessments over a whole customer base in one pass: groups
 * the sorted streams of the source by customer (one customer in memory at a
 * time), assesses each, emits level-change events, and yields the
 * assessments in customer-id order. Consume with `for await`; keep only what
 * you need to keep memory bounded.
 *
 * @example
 * ```ts
 * const counts = new Map<string | null, number>();
 * for await (const a of scanChurn(storageSource(storage), setup, { events: { clock, ids, emit } }))
 *   counts.set(a.level, (counts.get(a.level) ?? 0) + 1);
 * ```
 */
export async function* scanChurn<C extends { readonly id: string }>(
  source: ChurnSource<C>,
  setup: ChurnSetup<C>,
  options: ScanOptions = {},
): AsyncGenerator<ChurnAssessment> {
  const assess = createChurnAssessor(setup);
  const steps = mergeSteps(source);
  let settled: unknown;
  for (let step = steps.next(); step.done !== true; step = steps.next(settled)) {
    settled = undefined;
    if (step.value instanceof Promise) {
      settled = await step.value;
      continue;
    }
    const history = step.value;
    let previous = options.previous?.(history.customerId);
    if (previous instanceof Promise) previous = await previous;
    const assessment = assess(history, previous);
    if (assessment.changed && options.events !== undefined) {
      const event = levelChangeEvent(assessment, options.events)!;
      await options.events.emit(event);
    }
    yield assessment;
  }
}

function isCompiled(t: ThresholdConfig | Thresholds): t is Thresholds {
  return typeof t === 'object' && t !== null && (t as Thresholds).segments instanceof Map;
}

function nested<T>(key: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ChurnConfigError)
      throw new ChurnConfigError(
        'churn setup',
        e.issues.map((i) => ({ ...i, path: [key, ...i.path] })),
      );
    throw e;
  }
}
