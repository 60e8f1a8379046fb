import { CrmError, isCrmError, type Order, type Storage, ValidationError } from '@crmkit/core';
import {
  type CatalogueItem,
  createLoyaltyProgram,
  type LedgerEntry,
  type MemberBalance,
  type MemberTier,
  type ProgramDefinitionInput,
  parseProgramDefinition,
  type Redemption,
  type TierChange,
} from '@crmkit/loyalty';
import { ConsentPurposeSchema } from '@crmkit/privacy';
import { z } from 'zod';
import { definePlugin, type PluginStorage } from '../plugin';
import { SDK_VERSION } from '../version';

declare module '@crmkit/core' {
  interface DomainEventMap {
    /**
     * Points credited for an order (birthday and member-day bonuses included).
     * `suppressed`: the member does not consent to loyalty messages now, so
     * no notification may be sent for it; the points are credited either way.
     */
    'loyalty.points-earned': {
      memberId: string;
      orderId: string;
      points: number;
      balance: number;
      summary: string;
      suppressed: boolean;
    };
    /** Points taken back for a refund or a cancellation. */
    'loyalty.points-reversed': {
      memberId: string;
      orderId: string;
      refundId: string;
      points: number;
      balance: number;
    };
    /**
     * A member moved tier (upgrade, downgrade, grace, requalified);
     * `suppressed` as for `loyalty.points-earned`.
     */
    'loyalty.tier-changed': {
      memberId: string;
      kind: string;
      from: string;
      to: string;
      reason: string;
      suppressed: boolean;
    };
    /** A reward was redeemed. */
    'loyalty.reward-redeemed': {
      memberId: string;
      redemptionId: string;
      rewardId: string;
      points: number;
      balance: number;
    };
  }
}

/**
 * The config of {@link loyaltyPlugin}: the whole programme (`program`, an
 * `@crmkit/loyalty` programme definition: earning rates and rules — birthday
 * and member-day bonuses are earning rules with calendar conditions — tiers,
 * expiry, rewards, referrals), when points are earned (`earnOn`: when the
 * order is `'paid'`, the default, or as soon as it is `'placed'`) and how
 * often expiry and the tier review run (`maintenanceEveryMs`, default one
 * day), and the consent purpose its member messages need (`messagePurpose`,
 * default `'marketing.email'`). Condition errors in the programme are
 * reported at their config path.
 *
 * @example
 * ```ts
 * LoyaltyPluginConfigSchema.parse({ program: { id: 'club', earning: { rates: [{ currency: 'EUR', points: 1 }] } } });
 * ```
 */
export const LoyaltyPluginConfigSchema = z
  .object({
    program: z
      .custom<ProgramDefinitionInput>((v) => v !== undefined, 'is required')
      .transform((value, ctx) => {
        try {
          return parseProgramDefinition(value);
        } catch (error) {
          if (!(error instanceof ValidationError) && !isCrmError(error)) throw error;
          const issues =
            error instanceof ValidationError
              ? error.issues
              : [
                  {
                    path: ((error.details as { path?: (string | number)[] }).path ?? []) as (
                      | string
                      | number
                    )[],
                    message: error.message,
                  },
                ];
          for (const issue of issues)
            ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
          return z.NEVER;
        }
      }),
    earnOn: z.enum(['paid', 'placed']).default('paid'),
    maintenanceEveryMs: z.number().int().positive().default(86_400_000),
    messagePurpose: ConsentPurposeSchema.default('marketing.email'),
  })
  .strict();

/**
 * What {@link loyaltyPlugin} accepts as config.
 *
 * @example
 * ```ts
 * const config: LoyaltyPluginConfig = { program: { id: 'club', earning: { rates: [{ currency: 'EUR', points: 1 }] } } };
 * ```
 */
export type LoyaltyPluginConfig = z.input<typeof LoyaltyPluginConfigSchema>;

/**
 * A member's account as an account page shows it: points, tier and the
 * rewards they can redeem now (JSON-ready).
 *
 * @example
 * ```ts
 * const view: LoyaltyAccountView = await crm.api(loyaltyPlugin).account('c1');
 * view.balance.available; // 120
 * ```
 */
export interface LoyaltyAccountView {
  /** The member. */
  readonly memberId: string;
  /** Points: balance, available, pending, debt, next expiries. */
  readonly balance: Omit<MemberBalance, 'lots'>;
  /** The tier with its benefits. */
  readonly tier: MemberTier;
  /** The catalogue as this member sees it. */
  readonly rewards: readonly CatalogueItem[];
}

/**
 * What an HTTP endpoint helper returns: a status code and a JSON body.
 *
 * @example
 * ```ts
 * const { status, body } = await crm.api(loyaltyPlugin).endpoints.redeem(await readJson(req));
 * res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
 * ```
 */
export interface EndpointResult {
  /** 200 on success; 400 invalid input; 404 unknown member or reward; 409 refused (points, stock). */
  readonly status: number;
  /** The result, or `{ error: { code, message, path } }`. */
  readonly body: unknown;
}

const RedeemBodySchema = z
  .object({ memberId: z.string().min(1), rewardId: z.string().min(1), requestId: z.string().min(1) })
  .strict();

function errorResult(error: unknown): EndpointResult {
  if (!isCrmError(error)) throw error;
  const status =
    error.code === 'VALIDATION'
      ? 400
      : error.code === 'UNKNOWN_MEMBER' ||
          error.code === 'UNKNOWN_REWARD' ||
          error.code === 'UNKNOWN_REDEMPTION'
        ? 404
        : 409;
  return {
    status,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error instanceof ValidationError ? { issues: error.issues } : {}),
      },
    },
  };
}

/** The loyalty ledger's view of the plugin's namespaced storage: documents, events and transactions only. */
function ports(storage: PluginStorage): Storage {
  const refuse = () => {
    throw new CrmError('CAPABILITY_DENIED', 'the loyalty plugin keeps its ledger in its own storage only');
  };
  const repo = {
    create: refuse,
    createMany: refuse,
    get: refuse,
    update: refuse,
    delete: refuse,
    list: refuse,
    count: refuse,
  };
  return {
    customers: repo,
    orders: repo,
    interactions: repo,
    campaigns: repo,
    documents: storage.documents,
    events: storage.events,
    withTransaction: <T>(work: (tx: Storage) => Promise<T>) =>
      storage.withTransaction((tx) => work(ports(tx))),
    close: async () => {},
  } as unknown as Storage;
}

/**
 * The loyalty plugin, on `@crmkit/loyalty`: points on paid (or placed)
 * orders with the earning rules of the programme (birthday and member-day
 * bonuses included: the customer's birthday, attributes and tags are the
 * `customer` facts), proportional reversal on refunds and on cancellation,
 * tier upgrades as points land, a scheduled expiry and tier review, and
 * redemption helpers for an HTTP back end (`account`, `endpoints.redeem`).
 * Everything is configured by its config object. It publishes
 * `loyalty.points-earned`, `loyalty.points-reversed`, `loyalty.tier-changed`
 * and `loyalty.reward-redeemed`. Consent never touches the ledger (points are
 * contractual), but when the host enforces consent, `loyalty.points-earned`
 * and `loyalty.tier-changed` carry `suppressed: true` for a member without
 * `messagePurpose` consent at that moment (audited): a mailer must not send
 * them. Reversals and redemptions are transactional and always notifiable.
 *
 * @example
 * ```ts
 * const crm = await createCrm({ clock, plugins: [loyaltyPlugin({ program: {
 *   id: 'club',
 *   earning: { rates: [{ currency: 'EUR', points: 1 }], rules: [{ id: 'birthday', label: 'Birthday x2',
 *     when: { fact: 'customer.birthday', op: 'sameDayOfYear', value: { fact: 'order.placedAt' } }, multiplier: 2 }] },
 *   rewards: [{ id: 'coffee', name: 'Free coffee', reward: { type: 'gift', sku: 'coffee' }, cost: 100 }],
 * } })] });
 * await crm.recordOrder(order);
 * await crm.api(loyaltyPlugin).balance('c1');
 * ```
 */
export const loyaltyPlugin = definePlugin({
  name: 'loyalty',
  version: '0.1.0',
  sdk: `^${SDK_VERSION}`, // shipped with the SDK: always compatible
  capabilities: ['customers:read', 'customers:pii', 'events:emit'],
  configSchema: LoyaltyPluginConfigSchema,
  setup(ctx) {
    const program = createLoyaltyProgram({
      storage: ports(ctx.storage),
      clock: ctx.clock,
      definition: ctx.config.program,
    });

    /** Whether a message about this event must not reach the member: consent read now. */
    const suppressed = async (memberId: string) =>
      !(await ctx.consent.check(memberId, ctx.config.messagePurpose, { action: 'loyalty.notify' }));

    const tierChanged = async (memberId: string, change: TierChange | null) => {
      if (!change) return;
      const { kind, from, to, reason } = change;
      await ctx.emit(
        'loyalty.tier-changed',
        { memberId, kind, from, to, reason, suppressed: await suppressed(memberId) },
        { customerId: memberId },
      );
    };

    const customerFacts = async (customerId: string): Promise<Record<string, unknown> | undefined> => {
      if (!ctx.capabilities.has('customers:read')) return undefined; // earning rules then see no customer facts
      const customer = await ctx.customers.get(customerId);
      if (!customer) return undefined;
      return {
        ...(customer.birthday === undefined ? {} : { birthday: customer.birthday }),
        attributes: customer.attributes,
        tags: customer.tags,
        kind: customer.kind,
      };
    };

    const earn = async (order: Order, key: string) => {
      const customer = await customerFacts(order.customerId);
      const outcome = await program.recordOrder({
        order,
        ...(customer ? { customer } : {}),
        idempotencyKey: `order-${order.id}`,
      });
      if (outcome.entry) {
        await ctx.emit(
          'loyalty.points-earned',
          {
            memberId: outcome.memberId,
            orderId: order.id,
            points: outcome.points,
            balance: outcome.balance,
            summary: outcome.summary,
            suppressed: await suppressed(outcome.memberId),
          },
          { customerId: order.customerId, idempotencyKey: `${key}:earned` },
        );
      }
      await tierChanged(outcome.memberId, outcome.tierChange);
    };

    const reverse = async (order: Order, refundId: string, amount: Order['total']) => {
      if ((await program.account(order.customerId)) === undefined) return; // never earned: nothing to reverse
      const outcome = await program.refundOrder({
        memberId: order.customerId,
        orderId: order.id,
        refundId,
        amount,
      });
      if (outcome.entry) {
        await ctx.emit(
          'loyalty.points-reversed',
          {
            memberId: outcome.memberId,
            orderId: order.id,
            refundId,
            points: outcome.reversed,
            balance: outcome.balance,
          },
          { customerId: order.customerId },
        );
      }
    };

    const earnsNow = (order: Order) =>
      order.status !== 'cancelled' &&
      (ctx.config.earnOn === 'placed' || order.status === 'paid' || order.status === 'fulfilled');

    ctx.on('order.placed', async (event, meta) => {
      if (earnsNow(event.data.order)) await earn(event.data.order, meta.idempotencyKey);
    });
    ctx.on('order.updated', async (event, meta) => {
      const { order, previous } = event.data;
      if (earnsNow(order) && !earnsNow(previous)) await earn(order, meta.idempotencyKey);
    });
    ctx.on('order.refunded', async (event) => {
      await reverse(event.data.order, event.data.refund.id, event.data.refund.amount);
    });
    ctx.on('order.cancelled', async (event) => {
      const { order } = event.data;
      const refunded = order.refunds.reduce((sum, r) => sum.plus(r.amount), order.total.minus(order.total));
      const rest = order.total.minus(refunded);
      if (rest.isPositive()) await reverse(order, 'cancellation', rest);
    });

    ctx.every('maintenance', ctx.config.maintenanceEveryMs, async (now) => {
      await program.expirePoints({ now });
      const changes = await program.reviewTiers({ now });
      ctx.logger.info('loyalty maintenance done', { tierChanges: changes.length });
    });

    const api = {
      /** The programme service of `@crmkit/loyalty` (ledger, rewards, referrals). */
      program,
      /** The member's points. */
      balance: (memberId: string) => program.balance(memberId),
      /** The member's tier. */
      tier: (memberId: string) => program.tier(memberId),
      /** The member's ledger entries, oldest first. */
      history: (memberId: string): Promise<LedgerEntry[]> => program.entries(memberId),
      /** Points, tier and redeemable rewards, for an account page. */
      async account(memberId: string): Promise<LoyaltyAccountView> {
        const [{ lots: _lots, ...balance }, tier, rewards] = await Promise.all([
          program.balance(memberId),
          program.tier(memberId),
          program.catalogue(memberId),
        ]);
        return { memberId, balance, tier, rewards };
      },
      /** Redeems a catalogue reward and publishes `loyalty.reward-redeemed`. Idempotent per `requestId`. */
      async redeem(input: { memberId: string; rewardId: string; requestId: string }): Promise<Redemption> {
        const redemption = await program.redeemReward(input);
        await ctx.emit(
          'loyalty.reward-redeemed',
          {
            memberId: redemption.memberId,
            redemptionId: redemption.id,
            rewardId: redemption.rewardId,
            points: redemption.points,
            balance: redemption.balance,
          },
          { customerId: redemption.memberId, idempotencyKey: `redeem:${redemption.id}` },
        );
        return redemption;
      },
      /** HTTP helpers: validated input in, `{ status, body }` out, errors mapped to 400/404/409. */
      endpoints: {
        /** `GET /customers/:id/loyalty`: the account view, or 400/404. */
        async account(memberId: unknown): Promise<EndpointResult> {
          if (typeof memberId !== 'string' || memberId === '') {
            return errorResult(
              new ValidationError('member id', [
                { path: ['memberId'], message: 'must be a non-empty string', code: 'invalid_type' },
              ]),
            );
          }
          try {
            return { status: 200, body: await api.account(memberId) };
          } catch (error) {
            return errorResult(error);
          }
        },
        /** `POST /rewards/redeem` with `{ memberId, rewardId, requestId }`: the redemption, or 400/404/409. */
        async redeem(body: unknown): Promise<EndpointResult> {
          const parsed = RedeemBodySchema.safeParse(body);
          if (!parsed.success)
            return errorResult(ValidationError.fromZod('redemption request', parsed.error));
          try {
            return { status: 200, body: await api.redeem(parsed.data) };
          } catch (error) {
            return errorResult(error);
          }
        },
      },
    };
    return api;
  },
});
