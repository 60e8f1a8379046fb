import { type JsonValue, JsonValueSchema, type Order } from '@crmkit/core';
import { ConditionSchema, compile, formatExplanation } from '@crmkit/rules';
import { z } from 'zod';
import { customerStats } from '../facts';
import { definePlugin } from '../plugin';
import { SDK_VERSION } from '../version';

declare module '@crmkit/core' {
  interface DomainEventMap {
    /** A customer reached a churn level (or moved to another one). */
    'churn.alert': { customerId: string; level: string; previous: string | null; reasons: string };
    /** A customer no longer meets any churn level. */
    'churn.cleared': { customerId: string; previous: string };
    /**
     * The share of evaluated customers at the most severe level went above the
     * threshold (`skipped`: customers not evaluated for lack of `profiling` consent).
     */
    'churn.population-alert': {
      level: string;
      rate: number;
      threshold: number;
      customers: number;
      skipped: number;
    };
    /**
     * A win-back step of a playbook is due for a customer at its churn level.
     * A step with a `channel` is published only when the customer consents
     * to `marketing.<channel>` at that moment.
     */
    'churn.win-back': {
      customerId: string;
      level: string;
      playbook: string;
      step: number;
      action: string;
      channel: string | null;
      payload: JsonValue | null;
    };
  }
}

/**
 * The config of {@link churnAlertPlugin}: how often to evaluate (`everyMs`,
 * default one day), the churn levels, most severe first, each a
 * `@crmkit/rules` condition over `{ stats, now }` (see `CustomerStats`), the
 * minimum number of orders for a customer to be evaluated, an optional
 * population alert threshold (a share, e.g. `0.05` for 5 %) and the win-back
 * `playbooks`: per level, steps due `afterDays` after the customer reached
 * it. A step that contacts the customer names its `channel` (`email`, `sms`,
 * `push`, …; `email`/`sms`/`push` actions default to their own channel) and
 * needs `marketing.<channel>` consent.
 *
 * @example
 * ```ts
 * ChurnAlertConfigSchema.parse({ levels: [{ level: 'high', when: { fact: 'stats.daysSinceLastOrder', op: 'gte', value: 90 } }] });
 * ```
 */
export const ChurnAlertConfigSchema = z
  .object({
    everyMs: z.number().int().positive().default(86_400_000),
    levels: z
      .array(z.object({ level: z.string().min(1), when: ConditionSchema }).strict())
      .min(1)
      .default([
        { level: 'high', when: { fact: 'stats.daysSinceLastOrder', op: 'gte', value: 90 } },
        { level: 'medium', when: { fact: 'stats.daysSinceLastOrder', op: 'gte', value: 60 } },
      ])
      .refine(
        (levels) => new Set(levels.map((l) => l.level)).size === levels.length,
        'level names must be unique',
      ),
    minOrders: z.number().int().min(1).default(1),
    populationAlertRate: z.number().gt(0).max(1).optional(),
    playbooks: z
      .array(
        z
          .object({
            id: z.string().min(1),
            level: z.string().min(1),
            steps: z
              .array(
                z
                  .object({
                    action: z.string().min(1),
                    afterDays: z.number().int().nonnegative().default(0),
                    channel: z
                      .string()
                      .regex(/^[a-z][\w-]*$/, 'must be a channel name such as email')
                      .optional(),
                    payload: JsonValueSchema.optional(),
                  })
                  .strict(),
              )
              .min(1),
          })
          .strict(),
      )
      .default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const levels = new Set(config.levels.map((l) => l.level));
    config.playbooks.forEach((p, i) => {
      if (!levels.has(p.level))
        ctx.addIssue({
          code: 'custom',
          path: ['playbooks', i, 'level'],
          message: 'is not one of the levels',
        });
    });
    if (new Set(config.playbooks.map((p) => p.id)).size !== config.playbooks.length)
      ctx.addIssue({ code: 'custom', path: ['playbooks'], message: 'playbook ids must be unique' });
  });

/**
 * What one evaluation found.
 *
 * @example
 * ```ts
 * const summary: ChurnRunSummary = await crm.api(churnAlertPlugin).evaluate();
 * summary.byLevel.high; // 12
 * ```
 */
export interface ChurnRunSummary {
  /** Customers evaluated. */
  readonly customers: number;
  /** Customers per level. */
  readonly byLevel: Readonly<Record<string, number>>;
  /** Alerts emitted in this run (`churn.alert` and `churn.cleared`). */
  readonly changes: number;
  /** Customers with orders not evaluated: no `profiling` consent (any stored level was dropped). */
  readonly skipped: number;
  /** Win-back steps published (`churn.win-back`). */
  readonly winBacks: number;
  /** Win-back steps not published: no `marketing.<channel>` consent (they are not retried). */
  readonly suppressed: number;
}

const CHANNEL_ACTIONS = new Set(['email', 'sms', 'push']);
const DAY_MS = 86_400_000;

/**
 * The churn-alert plugin: on every `tick()` once `everyMs` has passed, it
 * streams the orders once (grouped by customer), gives each customer the
 * first churn level whose condition holds and emits `churn.alert` when a
 * customer's level changes (with the reasons), `churn.cleared` when it drops
 * to none, and `churn.population-alert` when the share at the most severe
 * level exceeds `populationAlertRate`. For a customer at a level it publishes
 * the due steps of that level's `playbooks` as `churn.win-back`, each once.
 * Its API evaluates on demand and reads a customer's current level.
 *
 * Consent (when the host enforces it) is read per customer at each run: a
 * customer without `profiling` consent is not evaluated (any level kept for
 * them is dropped, without `churn.cleared`), and a step with a channel is not
 * published without `marketing.<channel>` consent (audited, and not
 * retried). The summary and the population alert count the skips.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock, plugins: [churnAlertPlugin({ populationAlertRate: 0.05 })] });
 * crm.on('churn.alert', (e) => notifyOwner(e.data.customerId, e.data.level, e.data.reasons));
 * await crm.tick(); // from a cron: evaluates once a day
 * ```
 */
export const churnAlertPlugin = definePlugin({
  name: 'churn-alert',
  version: '0.1.0',
  sdk: `^${SDK_VERSION}`, // shipped with the SDK: always compatible
  capabilities: ['orders:read', 'events:emit'],
  configSchema: ChurnAlertConfigSchema,
  setup(ctx) {
    const { config } = ctx;
    const levels = config.levels.map((l) => ({
      level: l.level,
      test: compile(l.when, { clock: ctx.clock }),
    }));
    const LEVELS = 'levels';

    type Stored = { level: string; since?: string; steps?: string[] };
    type Run = { counts: Record<string, number>; winBacks: number; suppressed: number };

    async function judge(customerId: string, orders: Order[], now: Date, run: Run) {
      const facts = { stats: customerStats(orders, now), now };
      const hit = levels.find((l) => l.test.test(facts));
      if (hit) run.counts[hit.level] = (run.counts[hit.level] ?? 0) + 1;
      const stored = (await ctx.storage.documents.get<Stored>(LEVELS, customerId))?.data;
      const previous = stored?.level ?? null;
      const level = hit?.level ?? null;
      let changes = 0;
      let state = stored;
      if (level !== previous) {
        changes = 1;
        if (level === null) {
          await ctx.storage.documents.delete(LEVELS, customerId);
          await ctx.emit('churn.cleared', { customerId, previous: previous! }, { customerId });
        } else {
          state = { level, since: now.toISOString(), steps: [] };
          await ctx.storage.documents.put(LEVELS, customerId, state);
          const reasons = formatExplanation(hit!.test.explain(facts));
          await ctx.emit('churn.alert', { customerId, level, previous, reasons }, { customerId });
        }
      }
      if (level !== null && state !== undefined) await winBack(customerId, state, now, run);
      return changes;
    }

    /** Publishes the due win-back steps of the customer's level, each once; contact needs consent now. */
    async function winBack(customerId: string, state: Stored, now: Date, run: Run) {
      const since = state.since === undefined ? now.getTime() : Date.parse(state.since);
      const done = new Set(state.steps ?? []);
      const before = done.size;
      for (const playbook of config.playbooks) {
        if (playbook.level !== state.level) continue;
        for (const [step, s] of playbook.steps.entries()) {
          const key = `${playbook.id}:${step}`;
          if (done.has(key) || now.getTime() - since < s.afterDays * DAY_MS) continue;
          done.add(key);
          const channel = s.channel ?? (CHANNEL_ACTIONS.has(s.action) ? s.action : null);
          if (
            channel !== null &&
            !(await ctx.consent.check(customerId, `marketing.${channel}`, { action: 'churn.win-back' }))
          ) {
            run.suppressed++;
            continue;
          }
          run.winBacks++;
          await ctx.emit(
            'churn.win-back',
            {
              customerId,
              level: state.level,
              playbook: playbook.id,
              step,
              action: s.action,
              channel,
              payload: s.payload ?? null,
            },
            { customerId, idempotencyKey: `win-back:${customerId}:${state.since ?? ''}:${key}` },
          );
        }
      }
      if (done.size !== before) {
        await ctx.storage.documents.put(LEVELS, customerId, {
          ...state,
          since: new Date(since).toISOString(),
          steps: [...done],
        });
      }
    }

    async function evaluate(): Promise<ChurnRunSummary> {
      const now = ctx.clock.now();
      const run: Run = { counts: {}, winBacks: 0, suppressed: 0 };
      let customers = 0;
      let skipped = 0;
      let changes = 0;
      let current: string | undefined;
      let batch: Order[] = [];
      const flush = async () => {
        if (current === undefined || batch.length < config.minOrders) return;
        // Consent is read now, per customer: a withdrawal stops profiling at the next run.
        if (!(await ctx.consent.check(current, 'profiling', { action: 'churn.evaluate', audit: false }))) {
          skipped++;
          // Not profiled any more: drop the stored level (no churn.cleared: the customer did not recover).
          if (await ctx.storage.documents.get(LEVELS, current))
            await ctx.storage.documents.delete(LEVELS, current);
          return;
        }
        customers++;
        changes += await judge(current, batch, now, run);
      };
      for await (const order of ctx.orders.list({ orderBy: 'customer' })) {
        if (order.customerId !== current) {
          await flush();
          current = order.customerId;
          batch = [];
        }
        batch.push(order);
      }
      await flush();
      const { counts, winBacks, suppressed } = run;
      const top = config.levels[0]!.level;
      const rate = customers === 0 ? 0 : (counts[top] ?? 0) / customers;
      if (config.populationAlertRate !== undefined && rate > config.populationAlertRate) {
        await ctx.emit('churn.population-alert', {
          level: top,
          rate,
          threshold: config.populationAlertRate,
          customers,
          skipped,
        });
      }
      ctx.logger.info('churn evaluation done', {
        customers,
        changes,
        byLevel: counts,
        skipped,
        winBacks,
        suppressed,
      });
      return { customers, byLevel: counts, changes, skipped, winBacks, suppressed };
    }

    ctx.every('evaluate', config.everyMs, () => evaluate().then(() => undefined));

    return {
      /** Evaluates every customer now. */
      evaluate,
      /** The customer's current churn level, if any. */
      async levelOf(customerId: string): Promise<string | undefined> {
        return (await ctx.storage.documents.get<{ level: string }>(LEVELS, customerId))?.data.level;
      },
    };
  },
});
