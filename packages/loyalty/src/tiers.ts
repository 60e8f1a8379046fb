import { Decimal } from '@crmkit/core';
import { addMonthsUtc, DAY_MS, dayKey, periodStart } from './calendar';
import type { ProgramDefinition } from './definition';

/**
 * Qualifying activity of one calendar day (programme time zone): points
 * earned, spend in the tier currency, orders.
 *
 * @example
 * ```ts
 * const day: ActivityDay = { day: '2026-03-01', points: 120, spend: '120', orders: 1 };
 * ```
 */
export type ActivityDay = {
  readonly day: string;
  readonly points: number;
  readonly spend: string;
  readonly orders: number;
};

/**
 * A member's tier: the level, since when, and the end of a running grace
 * period (`null` when none).
 *
 * @example
 * ```ts
 * const t: TierStatus = { id: 'gold', since: '2026-03-01T00:00:00.000Z', graceUntil: null };
 * ```
 */
export type TierStatus = { readonly id: string; readonly since: string; readonly graceUntil: string | null };

/**
 * A tier change, with the reason in words and the value that decided it.
 * `kind` is `upgrade`, `downgrade`, `grace` (below the threshold at review,
 * keeps the tier until `graceUntil`) or `requalified` (back above it during
 * grace).
 *
 * @example
 * ```ts
 * const c: TierChange = { kind: 'upgrade', from: 'silver', to: 'gold', at: '2026-03-01T00:00:00.000Z',
 *   value: '1200', reason: '1200 points over the last 12 months reaches Gold (1000)' };
 * ```
 */
export type TierChange = {
  readonly kind: 'upgrade' | 'downgrade' | 'grace' | 'requalified';
  readonly from: string;
  readonly to: string;
  readonly at: string;
  readonly value: string;
  readonly reason: string;
  readonly graceUntil?: string;
};

type Tiers = NonNullable<ProgramDefinition['tiers']>;

/** The first day of the qualification window ending at `now`, as `YYYY-MM-DD`. */
function windowStart(tiers: Tiers, now: Date, timeZone: string): string {
  const w = tiers.window;
  return dayKey(
    w.kind === 'rolling' ? addMonthsUtc(now, -w.months) : periodStart(now, w.period, 0, timeZone),
    timeZone,
  );
}

function describeWindow(tiers: Tiers): string {
  const w = tiers.window;
  return w.kind === 'rolling' ? `over the last ${w.months} months` : `this ${w.period}`;
}

/**
 * The qualifying value at `now`: the sum of the metric over the window.
 *
 * @example
 * ```ts
 * qualifyingValue(tiers, activity, now, 'UTC').toString(); // '1200'
 * ```
 */
export function qualifyingValue(
  tiers: Tiers,
  activity: readonly ActivityDay[],
  now: Date,
  timeZone: string,
): Decimal {
  const from = windowStart(tiers, now, timeZone);
  const to = dayKey(now, timeZone);
  let sum = new Decimal(0);
  for (const a of activity) {
    if (a.day < from || a.day > to) continue;
    sum = sum.plus(tiers.metric === 'points' ? a.points : tiers.metric === 'orders' ? a.orders : a.spend);
  }
  return sum;
}

/** Index of the highest level whose threshold `value` reaches. */
function levelIndex(tiers: Tiers, value: Decimal): number {
  let index = 0;
  tiers.levels.forEach((l, i) => {
    if (value.greaterThanOrEqualTo(l.threshold)) index = i;
  });
  return index;
}

/** Drops activity days that no window can reach any more. */
export function pruneActivity(
  tiers: Tiers | undefined,
  activity: readonly ActivityDay[],
  now: Date,
  timeZone: string,
): ActivityDay[] {
  if (tiers === undefined) return [];
  const from = windowStart(tiers, now, timeZone);
  return activity.filter((a) => a.day >= from);
}

/** Adds activity to its day (a refund adds negative amounts). */
export function addActivity(activity: readonly ActivityDay[], add: ActivityDay): ActivityDay[] {
  const found = activity.find((a) => a.day === add.day);
  const merged: ActivityDay = found
    ? {
        day: add.day,
        points: found.points + add.points,
        spend: new Decimal(found.spend).plus(add.spend).toFixed(),
        orders: found.orders + add.orders,
      }
    : add;
  return [...activity.filter((a) => a.day !== add.day), merged].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/**
 * Upgrades a tier as soon as the qualifying value crosses a higher
 * threshold (never downgrades: that waits for {@link reviewTier}).
 *
 * @example
 * ```ts
 * const { status, change } = upgradeTier(tiers, status, activity, now, 'UTC');
 * ```
 */
export function upgradeTier(
  tiers: Tiers,
  status: TierStatus,
  activity: readonly ActivityDay[],
  now: Date,
  timeZone: string,
): { status: TierStatus; change?: TierChange } {
  const value = qualifyingValue(tiers, activity, now, timeZone);
  const current = tiers.levels.findIndex((l) => l.id === status.id);
  const target = levelIndex(tiers, value);
  if (target <= current) return { status };
  const level = tiers.levels[target]!;
  const at = now.toISOString();
  return {
    status: { id: level.id, since: at, graceUntil: null },
    change: {
      kind: 'upgrade',
      from: status.id,
      to: level.id,
      at,
      value: value.toFixed(),
      reason: `${value.toFixed()} ${tiers.metric} ${describeWindow(tiers)} reaches ${level.name} (${level.threshold.toFixed()})`,
    },
  };
}

/**
 * The periodic review: upgrades, starts or ends a grace period, or
 * downgrades (to the qualified level, or one level down with
 * `softLanding`).
 *
 * @example
 * ```ts
 * const { status, change } = reviewTier(tiers, status, activity, new Date('2027-01-01T00:00:00Z'), 'UTC');
 * ```
 */
export function reviewTier(
  tiers: Tiers,
  status: TierStatus,
  activity: readonly ActivityDay[],
  now: Date,
  timeZone: string,
): { status: TierStatus; change?: TierChange } {
  const up = upgradeTier(tiers, status, activity, now, timeZone);
  if (up.change) return up;
  const value = qualifyingValue(tiers, activity, now, timeZone);
  const current = tiers.levels.findIndex((l) => l.id === status.id);
  const qualified = levelIndex(tiers, value);
  const at = now.toISOString();
  const level = tiers.levels[current]!;
  const v = value.toFixed();
  if (qualified >= current) {
    if (status.graceUntil === null) return { status };
    return {
      status: { ...status, graceUntil: null },
      change: {
        kind: 'requalified',
        from: status.id,
        to: status.id,
        at,
        value: v,
        reason: `${v} ${tiers.metric} ${describeWindow(tiers)} keeps ${level.name} (${level.threshold.toFixed()})`,
      },
    };
  }
  const below = `${v} ${tiers.metric} ${describeWindow(tiers)} is below ${level.name} (${level.threshold.toFixed()})`;
  if (tiers.graceDays > 0 && status.graceUntil === null) {
    const graceUntil = new Date(now.getTime() + tiers.graceDays * DAY_MS).toISOString();
    return {
      status: { ...status, graceUntil },
      change: {
        kind: 'grace',
        from: status.id,
        to: status.id,
        at,
        value: v,
        graceUntil,
        reason: `${below}: grace until ${graceUntil}`,
      },
    };
  }
  if (status.graceUntil !== null && status.graceUntil > at) return { status };
  const target = tiers.softLanding ? Math.max(qualified, current - 1) : qualified;
  const next = tiers.levels[target]!;
  return {
    status: { id: next.id, since: at, graceUntil: null },
    change: {
      kind: 'downgrade',
      from: status.id,
      to: next.id,
      at,
      value: v,
      reason: `${below}${tiers.softLanding && target > qualified ? ', soft landing one level down' : ''}`,
    },
  };
}
