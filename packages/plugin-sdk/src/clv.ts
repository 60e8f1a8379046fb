import {
  type CustomerSummary,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  type PurchaseModel,
  type SpendModel,
  summarizeTransactionStream,
  type Transaction,
  type ValueRow,
} from '@crmkit/clv';
import { CurrencySchema, Money, netTotal, type Order, parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const has = (v: unknown, ...methods: string[]) =>
  isObject(v) && methods.every((m) => typeof v[m] === 'function');

/**
 * Fitted models the facade scores customers with (see {@link ClvQueries}):
 * a purchase model (BG/NBD, Pareto/NBD, or anything with `probabilityAlive`
 * and `expectedPurchases`), a spend model (Gamma-Gamma, or anything with
 * `expectedAverageSpend`), the time unit they were fitted in, and the
 * currency of the spend. {@link ClvQueries.fit} returns one; a model fitted
 * elsewhere (e.g. `BgNbdModel.fromJSON(saved)`) fits here too.
 *
 * @example
 * ```ts
 * const models = ClvModelsSchema.parse({ purchases: fitBgNbd(rows), spend: fitGammaGamma(repeat), timeUnit: 'weeks', currency: 'EUR' });
 * ```
 */
export const ClvModelsSchema = z
  .object({
    purchases: z.custom<PurchaseModel>(
      (v) => has(v, 'probabilityAlive', 'expectedPurchases'),
      'must be a fitted purchase model (probabilityAlive, expectedPurchases), e.g. fitBgNbd(rows)',
    ),
    spend: z.custom<SpendModel>(
      (v) => has(v, 'expectedAverageSpend'),
      'must be a fitted spend model (expectedAverageSpend), e.g. fitGammaGamma(rows)',
    ),
    timeUnit: z.enum(['days', 'weeks']),
    currency: CurrencySchema,
  })
  .strict();

/**
 * The models of {@link ClvModelsSchema}.
 *
 * @example
 * ```ts
 * const models: ClvModels = await crm.clv.fit({ currency: 'EUR' });
 * ```
 */
export type ClvModels = z.infer<typeof ClvModelsSchema>;

/**
 * Options of {@link ClvQueries.fit}: the `timeUnit` of the models (default
 * `'weeks'`) and the `currency` whose orders they learn from (default: the
 * one currency of the orders; orders in several currencies need it).
 *
 * @example
 * ```ts
 * ClvFitOptionsSchema.parse({ currency: 'EUR' }); // { timeUnit: 'weeks', currency: 'EUR' }
 * ```
 */
export const ClvFitOptionsSchema = z
  .object({
    timeUnit: z.enum(['days', 'weeks']).default('weeks'),
    currency: CurrencySchema.optional(),
  })
  .strict();

/**
 * What {@link ClvFitOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: ClvFitOptions = { timeUnit: 'days', currency: 'EUR' };
 * ```
 */
export type ClvFitOptions = z.input<typeof ClvFitOptionsSchema>;

/**
 * Options of {@link ClvQueries.forCustomer}: the horizon in whole `months`
 * (default 12) and the `discountRate` per month (default 0.01), as in
 * `@crmkit/clv`'s `customerLifetimeValue`.
 *
 * @example
 * ```ts
 * CustomerValueOptionsSchema.parse({ months: 24, discountRate: 0.008 });
 * ```
 */
export const CustomerValueOptionsSchema = z
  .object({
    months: z.number().int('must be a whole number').positive('must be > 0').max(1200).default(12),
    discountRate: z.number().min(0, 'must be >= 0').finite('must be finite').default(0.01),
  })
  .strict();

/**
 * What {@link CustomerValueOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: CustomerValueOptions = { months: 6 };
 * ```
 */
export type CustomerValueOptions = z.input<typeof CustomerValueOptionsSchema>;

/**
 * A customer's value now, from {@link ClvQueries.forCustomer}. Without a
 * purchase in the models' currency there is no `row` and no
 * `probabilityAlive`, and `clv` is 0.
 *
 * @example
 * ```ts
 * const v: CustomerValue = await crm.clv.forCustomer('c1', models);
 * v.value.toString(); // '84.17 EUR'
 * ```
 */
export interface CustomerValue {
  /** The customer. */
  readonly customerId: string;
  /** When: the host's clock (the end of the customer's observation). */
  readonly asOf: Date;
  /** The currency of the spend. */
  readonly currency: string;
  /** Frequency, recency, T (in the models' time unit) and mean repeat spend, as `@crmkit/clv` summarises them. */
  readonly row?: ValueRow;
  /** P(the customer is still alive). */
  readonly probabilityAlive?: number;
  /** Expected purchases over the horizon. */
  readonly expectedPurchases: number;
  /** Discounted CLV over the horizon, a model quantity (`customerLifetimeValue`). */
  readonly clv: number;
  /** The same, as Money rounded to the currency's minor unit. */
  readonly value: Money;
}

/**
 * CLV from the facade (`crm.clv`), over the orders in the host's storage:
 * fit the models on every customer, then score one customer at a time.
 * Each purchase is an order's net total (refunds deducted) on its
 * `placedAt` day; cancelled and fully refunded orders do not count. Under
 * privacy, both need read access to `internal` fields.
 *
 * @example
 * ```ts
 * const models = await crm.clv.fit({ currency: 'EUR' });
 * const { clv, probabilityAlive } = await crm.clv.forCustomer('c1', models, { months: 12 });
 * ```
 */
export interface ClvQueries {
  /**
   * Fits BG/NBD (purchases) and Gamma-Gamma (spend of repeat customers) on
   * every order up to now, in one streaming pass. Throws `ValidationError`
   * for bad options or orders in several currencies without `currency`, and
   * `@crmkit/clv`'s `ClvError` when the data cannot identify a model.
   */
  fit(options?: ClvFitOptions): Promise<ClvModels>;
  /** Scores one customer with fitted models; `NotFoundError` for an unknown customer. */
  forCustomer(customerId: string, models: ClvModels, options?: CustomerValueOptions): Promise<CustomerValue>;
}

const PERIODS_PER_MONTH = { days: 30, weeks: 4.345 } as const;

/** The purchases of a stream of orders in one currency, as `@crmkit/clv` transactions. */
async function* purchases(
  orders: AsyncIterable<Order>,
  currency: { code: string | undefined; readonly fixed: boolean },
): AsyncIterable<Transaction> {
  for await (const order of orders) {
    if (order.status === 'cancelled') continue;
    if (currency.code === undefined) currency.code = order.currency;
    else if (order.currency !== currency.code) {
      if (currency.fixed) continue;
      throw new ValidationError('clv fit', [
        {
          path: ['currency'],
          message: `orders are in ${currency.code} and ${order.currency}; choose one currency`,
          code: 'custom',
        },
      ]);
    }
    const net = netTotal(order);
    if (!net.isPositive()) continue;
    yield { customerId: order.customerId, date: order.placedAt, amount: net.amount };
  }
}

/** Fits the models on a stream of orders (see {@link ClvQueries.fit}). */
export async function fitClv(orders: AsyncIterable<Order>, options: unknown, now: Date): Promise<ClvModels> {
  const parsed = parseWith(ClvFitOptionsSchema, 'clv fit options', options ?? {});
  const currency: { code: string | undefined; fixed: boolean } = {
    code: parsed.currency,
    fixed: parsed.currency !== undefined,
  };
  const rows = await summarizeTransactionStream(purchases(orders, currency), {
    calibrationEnd: now,
    timeUnit: parsed.timeUnit,
    monetary: 'mean',
  });
  if (currency.code === undefined) {
    throw new ValidationError('clv fit', [
      { path: [], message: 'there are no orders to fit on', code: 'custom' },
    ]);
  }
  const purchaseModel = fitBgNbd(rows);
  const spendModel = fitGammaGamma(
    rows
      .filter((r) => r.frequency > 0 && (r.monetaryValue ?? 0) > 0)
      .map((r) => ({ frequency: r.frequency, monetaryValue: r.monetaryValue ?? 0 })),
  );
  return { purchases: purchaseModel, spend: spendModel, timeUnit: parsed.timeUnit, currency: currency.code };
}

/** Scores one customer's orders (see {@link ClvQueries.forCustomer}). */
export async function customerValue(
  customerId: string,
  orders: AsyncIterable<Order>,
  models: unknown,
  options: unknown,
  now: Date,
): Promise<CustomerValue> {
  const m = parseWith(ClvModelsSchema, 'clv models', models);
  const { months, discountRate } = parseWith(CustomerValueOptionsSchema, 'clv options', options ?? {});
  const [summary]: CustomerSummary[] = await summarizeTransactionStream(
    purchases(orders, { code: m.currency, fixed: true }),
    { calibrationEnd: now, timeUnit: m.timeUnit, monetary: 'mean' },
  );
  const base = { customerId, asOf: now, currency: m.currency };
  if (summary === undefined) {
    return { ...base, expectedPurchases: 0, clv: 0, value: Money.zero(m.currency) };
  }
  const row: ValueRow = {
    frequency: summary.frequency,
    recency: summary.recency,
    T: summary.T,
    monetaryValue: summary.monetaryValue ?? 0,
  };
  const clv = customerLifetimeValue(m.purchases, m.spend, row, {
    months,
    discountRate,
    timeUnit: m.timeUnit,
  });
  const finite = Number.isFinite(clv) ? clv : 0;
  return {
    ...base,
    row,
    probabilityAlive: m.purchases.probabilityAlive(row),
    expectedPurchases: m.purchases.expectedPurchases(months * PERIODS_PER_MONTH[m.timeUnit], row),
    clv: finite,
    value: Money.of(finite, m.currency).round(),
  };
}
