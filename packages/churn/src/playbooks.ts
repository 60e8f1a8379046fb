import type { JsonValue } from '@crmkit/core';
import { z } from 'zod';
import { ChurnConfigError, parseConfig } from './errors';

const DAY = 86_400_000;
const JsonSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(JsonSchema),
    z.record(z.string(), JsonSchema),
  ]),
);

/**
 * One win-back action: its `type` (`call`, `email`, `coupon`,
 * `points_rebate`, `task`, or your own), who does it, and JSON parameters. A
 * `points_rebate` needs whole `points` > 0 (points are integers); a `coupon`
 * needs a `code` or a `percentOff` between 0 and 100.
 *
 * @example
 * ```ts
 * PlaybookActionSchema.parse({ type: 'points_rebate', params: { points: 500 } });
 * ```
 */
export const PlaybookActionSchema = z
  .object({
    type: z.string().min(1, 'must not be empty'),
    assignee: z.enum(['owner', 'team', 'system']).default('owner'),
    params: z.record(z.string(), JsonSchema).default({}),
  })
  .strict()
  .superRefine((action, ctx) => {
    const p = action.params;
    if (action.type === 'points_rebate' && !(Number.isInteger(p['points']) && (p['points'] as number) > 0))
      ctx.addIssue({
        code: 'custom',
        path: ['params', 'points'],
        message: 'must be a whole number of points > 0',
      });
    if (action.type === 'coupon') {
      const pct = p['percentOff'];
      if (pct !== undefined && !(typeof pct === 'number' && pct > 0 && pct <= 100))
        ctx.addIssue({ code: 'custom', path: ['params', 'percentOff'], message: 'must be in (0, 100]' });
      if (pct === undefined && typeof p['code'] !== 'string')
        ctx.addIssue({ code: 'custom', path: ['params'], message: 'a coupon needs a code or percentOff' });
    }
  });

/**
 * A play: the situations it covers (levels, segments, reasons; an absent
 * list matches anything), the actions, and the cooldown in days during which
 * the same play is not run again for the same customer.
 *
 * @example
 * ```ts
 * PlaySchema.parse({ id: 'vip-call', levels: ['critical'], segments: ['vip'], actions: [{ type: 'call' }], cooldownDays: 30 });
 * ```
 */
export const PlaySchema = z
  .object({
    id: z.string().min(1, 'must not be empty'),
    levels: z.array(z.string().min(1)).min(1).optional(),
    segments: z.array(z.string().min(1)).min(1).optional(),
    reasons: z.array(z.string().min(1)).min(1).optional(),
    actions: z.array(PlaybookActionSchema).min(1, 'a play needs at least one action'),
    cooldownDays: z.number().min(0, 'must be >= 0').default(14),
  })
  .strict();

/**
 * A playbook: plays mapping (level, segment, reason) to actions. The most
 * specific matching play wins (the one constraining the most of level,
 * segment and reason; ties go to the earlier play).
 *
 * @example
 * ```ts
 * PlaybookSchema.parse({ plays: [{ id: 'nudge', levels: ['watch'], actions: [{ type: 'email', params: { template: 'miss-you' } }] }] });
 * ```
 */
export const PlaybookSchema = z
  .object({ plays: z.array(PlaySchema).min(1, 'a playbook needs at least one play') })
  .strict()
  .superRefine((book, ctx) => {
    const ids = new Set<string>();
    book.plays.forEach((play, i) => {
      if (ids.has(play.id))
        ctx.addIssue({
          code: 'custom',
          path: ['plays', i, 'id'],
          message: `duplicate play id ${JSON.stringify(play.id)}`,
        });
      ids.add(play.id);
    });
  });

/**
 * What {@link PlaybookSchema} accepts.
 *
 * @example
 * ```ts
 * const book: PlaybookInput = { plays: [{ id: 'call', levels: ['critical'], actions: [{ type: 'call' }] }] };
 * ```
 */
export type PlaybookInput = z.input<typeof PlaybookSchema>;

/**
 * A validated playbook.
 *
 * @example
 * ```ts
 * const book: Playbook = parsePlaybook(json);
 * ```
 */
export type Playbook = z.output<typeof PlaybookSchema>;

/**
 * A validated action of a play.
 *
 * @example
 * ```ts
 * const action: PlaybookAction = { type: 'email', assignee: 'system', params: { template: 'win-back' } };
 * ```
 */
export type PlaybookAction = z.output<typeof PlaybookActionSchema>;

/**
 * Validates a playbook; throws `ChurnConfigError` with paths such as
 * `['plays', 1, 'actions', 0, 'params', 'points']`.
 *
 * @example
 * ```ts
 * const book = parsePlaybook({ plays: [{ id: 'rebate', reasons: ['price'], actions: [{ type: 'points_rebate', params: { points: 300 } }] }] });
 * ```
 */
export function parsePlaybook(input: PlaybookInput): Playbook {
  return parseConfig(PlaybookSchema, 'playbook', input);
}

/**
 * When each play last ran for each customer, for cooldowns. Keep it in
 * memory with {@link createActionLog}, or implement it over your storage.
 *
 * @example
 * ```ts
 * const log: ActionLog = { lastRun: (customerId, playId) => lookup(customerId, playId), record: (c, p, at) => save(c, p, at) };
 * ```
 */
export interface ActionLog {
  /** When the play last ran for the customer, if ever. */
  lastRun(customerId: string, playId: string): Date | undefined;
  /** Notes that the play ran for the customer at `at`. */
  record(customerId: string, playId: string, at: Date): void;
}

/**
 * An in-memory {@link ActionLog}.
 *
 * @example
 * ```ts
 * const log = createActionLog();
 * log.record('c1', 'vip-call', new Date('2026-07-01'));
 * ```
 */
export function createActionLog(): ActionLog {
  const runs = new Map<string, Date>();
  const key = (c: string, p: string) => `${c}\u0000${p}`;
  return {
    lastRun: (c, p) => runs.get(key(c, p)),
    record: (c, p, at) => void runs.set(key(c, p), new Date(at.getTime())),
  };
}

/**
 * The situation of one customer that a playbook looks at.
 *
 * @example
 * ```ts
 * const s: PlaySituation = { customerId: 'c1', level: 'critical', segment: 'vip', reason: 'price' };
 * ```
 */
export interface PlaySituation {
  /** The customer. */
  readonly customerId: string;
  /** Their churn level (`null`: none, which no play matches). */
  readonly level: string | null;
  /** Their segment. */
  readonly segment?: string | undefined;
  /** The churn reason, when known (from a churn record or the latest complaint). */
  readonly reason?: string | undefined;
}

/**
 * The plan for one customer: the play and its actions to run now, or the
 * play held back by its cooldown (with the date it may run again).
 *
 * @example
 * ```ts
 * const plan: ActionPlan = planActions(book, situation, { asOf, log })!;
 * if (plan.status === 'run') for (const a of plan.actions) dispatch(a);
 * ```
 */
export type ActionPlan =
  | { readonly status: 'run'; readonly playId: string; readonly actions: readonly PlaybookAction[] }
  | { readonly status: 'cooldown'; readonly playId: string; readonly until: Date };

/**
 * Picks the play for a customer's situation and checks its cooldown. Returns
 * `undefined` when no play matches. With `record: true` a `run` plan is
 * written to the log at `asOf`, so a second call within the cooldown returns
 * `cooldown` — the customer is not spammed.
 *
 * @example
 * ```ts
 * const log = createActionLog();
 * planActions(book, { customerId: 'c1', level: 'critical', segment: 'vip' }, { asOf, log, record: true }); // { status: 'run', … }
 * planActions(book, { customerId: 'c1', level: 'critical', segment: 'vip' }, { asOf, log }); // { status: 'cooldown', until }
 * ```
 */
export function planActions(
  playbook: Playbook,
  situation: PlaySituation,
  options: { asOf: Date; log?: ActionLog; record?: boolean },
): ActionPlan | undefined {
  if (!(options.asOf instanceof Date) || !Number.isFinite(options.asOf.getTime()))
    throw new ChurnConfigError('action planning', [
      { path: ['asOf'], message: 'must be a valid Date', code: 'custom' },
    ]);
  if (typeof situation?.customerId !== 'string' || situation.customerId === '')
    throw new ChurnConfigError('action planning', [
      { path: ['situation', 'customerId'], message: 'must be a non-empty string', code: 'custom' },
    ]);
  if (situation.level === null) return undefined;
  let best: Playbook['plays'][number] | undefined;
  let bestScore = -1;
  for (const play of playbook.plays) {
    const fits = (list: readonly string[] | undefined, value: string | undefined) =>
      list === undefined || (value !== undefined && list.includes(value));
    if (
      !fits(play.levels, situation.level) ||
      !fits(play.segments, situation.segment) ||
      !fits(play.reasons, situation.reason)
    )
      continue;
    const score =
      Number(play.levels !== undefined) +
      Number(play.segments !== undefined) +
      Number(play.reasons !== undefined);
    if (score > bestScore) {
      best = play;
      bestScore = score;
    }
  }
  if (best === undefined) return undefined;
  const last = options.log?.lastRun(situation.customerId, best.id);
  if (last !== undefined) {
    const until = new Date(last.getTime() + best.cooldownDays * DAY);
    if (options.asOf < until) return { status: 'cooldown', playId: best.id, until };
  }
  if (options.record) options.log?.record(situation.customerId, best.id, options.asOf);
  return { status: 'run', playId: best.id, actions: best.actions };
}
