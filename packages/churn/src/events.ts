import { type Clock, createDomainEvent, type DomainEvent, type IdGenerator } from '@crmkit/core';
import type { ChurnAssessment } from './assess';
import { describeFired } from './thresholds';

/**
 * The payload of a `churn.level_changed` domain event: who, from which
 * level to which (`null` is "no level"), whether it went up or down, the as-of
 * date of the assessment, and the reasons (each rule that holds now, with the
 * clauses and values that made it hold), so an app can tell the account owner
 * why.
 *
 * @example
 * ```ts
 * const data: ChurnLevelChanged = {
 *   customerId: 'c1', from: null, to: 'warning', direction: 'up', asOf: '2026-07-01T00:00:00.000Z',
 *   reasons: [{ rule: 'late', level: 'warning', via: 'entered', because: ['recencyRatio gte 3 (was 3.2)'] }],
 * };
 * ```
 */
export interface ChurnLevelChanged {
  /** The customer. */
  readonly customerId: string;
  /** Their segment, when the scan knew one. */
  readonly segment?: string;
  /** The level before. */
  readonly from: string | null;
  /** The level now. */
  readonly to: string | null;
  /** `'up'` towards critical, `'down'` towards no level. */
  readonly direction: 'up' | 'down';
  /** The as-of date of the assessment (ISO 8601). */
  readonly asOf: string;
  /** Every rule that holds now, with why. */
  readonly reasons: readonly {
    readonly rule: string;
    readonly level: string;
    readonly via: 'entered' | 'held';
    readonly because: readonly string[];
  }[];
}

declare module '@crmkit/core' {
  interface DomainEventMap {
    /** A customer's churn level changed (see `@crmkit/churn`). */
    'churn.level_changed': ChurnLevelChanged;
  }
}

/**
 * The `churn.level_changed` domain event for an assessment whose level
 * changed, or `undefined` when it did not. Id and time come from the
 * injected generator and clock; hand the event to the plugin host (or any
 * handler) to notify the account owner.
 *
 * @example
 * ```ts
 * const event = levelChangeEvent(assessment, { clock, ids });
 * if (event) await host.emit(event);
 * ```
 */
export function levelChangeEvent(
  assessment: ChurnAssessment,
  context: { clock: Clock; ids: IdGenerator },
): DomainEvent<'churn.level_changed'> | undefined {
  if (!assessment.changed) return undefined;
  const { levels } = assessment;
  const rank = (level: string | null) => (level === null ? -1 : levels.indexOf(level));
  const data: ChurnLevelChanged = {
    customerId: assessment.customerId,
    ...(assessment.segment === undefined ? {} : { segment: assessment.segment }),
    from: assessment.previousLevel,
    to: assessment.level,
    direction: rank(assessment.level) > rank(assessment.previousLevel) ? 'up' : 'down',
    asOf: assessment.asOf.toISOString(),
    reasons: assessment.rules.map((rule) => ({
      rule: rule.id,
      level: rule.level,
      via: rule.via,
      because: describeFired(rule),
    })),
  };
  return createDomainEvent('churn.level_changed', data, { ...context, customerId: assessment.customerId });
}
