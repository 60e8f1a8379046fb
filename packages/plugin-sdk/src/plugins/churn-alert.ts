import type { Order } from '@crmkit/core';
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
    /** The share of evaluated customers at the most severe level went above the threshold. */
    'churn.population-alert': { level: string; rate: number; threshold: number; customers: number };
  }
}

/**
 * The config of {@link churnAlertPlugin}: how often to evaluate (`everyMs`,
 * default one day), the churn levels, most severe first, each a
 * `@crmkit/rules` condition over `{ stats, now }` (see `CustomerStats`), the
 * minimum number of orders for a customer to be evaluated, and an optional
 * population alert threshold (a share, e.g. `0.05` for 5 %).
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
  })
  .strict();

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
}

/**
 * The churn-alert plugin: on every `tick()` once `everyMs` has passed, it
 * streams the orders once (grouped by customer), gives each customer the
 * first churn level whose condition holds and emits `churn.alert` when a
 * customer's level changes (with the reasons), `churn.cleared` when it drops
 * to none, and `churn.population-alert` when the share at the most severe
 * level exceeds `populationAlertRate`. Its API evaluates on demand and reads a
 * customer's current level.
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

    async function judge(customerId: string, orders: Order[], now: Date, counts: Record<string, number>) {
      if (orders.length < config.minOrders) return 0;
      const facts = { stats: customerStats(orders, now), now };
      const hit = levels.find((l) => l.test.test(facts));
      if (hit) counts[hit.level] = (counts[hit.level] ?? 0) + 1;
      const stored = await ctx.storage.documents.get<{ level: string }>(LEVELS, customerId);
      const previous = stored?.data.level ?? null;
      const level = hit?.level ?? null;
      if (level === previous) return 0;
      if (level === null) {
        await ctx.storage.documents.delete(LEVELS, customerId);
        await ctx.emit('churn.cleared', { customerId, previous: previous! }, { customerId });
      } else {
        await ctx.storage.documents.put(LEVELS, customerId, { level });
        const reasons = formatExplanation(hit!.test.explain(facts));
        await ctx.emit('churn.alert', { customerId, level, previous, reasons }, { customerId });
      }
      return 1;
    }

    async function evaluate(): Promise<ChurnRunSummary> {
      const now = ctx.clock.now();
      const counts: Record<string, number> = {};
      let customers = 0;
      let changes = 0;
      let current: string | undefined;
      let batch: Order[] = [];
      const flush = async () => {
        if (current === undefined) return;
        if (batch.length >= config.minOrders) customers++;
        changes += await judge(current, batch, now, counts);
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
      const top = config.levels[0]!.level;
      const rate = customers === 0 ? 0 : (counts[top] ?? 0) / customers;
      if (config.populationAlertRate !== undefined && rate > config.populationAlertRate) {
        await ctx.emit('churn.population-alert', {
          level: top,
          rate,
          threshold: config.populationAlertRate,
          customers,
        });
      }
      ctx.logger.info('churn evaluation done', { customers, changes, byLevel: counts });
      return { customers, byLevel: counts, changes };
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
