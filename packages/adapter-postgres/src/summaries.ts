import { CurrencySchema, Money, parseWith } from '@crmkit/core';
import { z } from 'zod';
import type { Row } from './driver';
import type { Session } from './session';
import { assertStorable } from './storable';
import type { Tables } from './tables';

const DAY_MS = 86_400_000;

/**
 * Validates a {@link CustomerSummaryQuery}.
 *
 * @example
 * ```ts
 * CustomerSummaryQuerySchema.parse({ asOf: new Date('2026-07-01T00:00:00Z'), timeUnit: 'weeks' });
 * ```
 */
export const CustomerSummaryQuerySchema = z
  .object({
    asOf: z.date({ error: 'must be a valid Date' }),
    timeUnit: z.enum(['days', 'weeks']).default('days'),
    currency: CurrencySchema.optional(),
    batchSize: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(100_000, 'must be at most 100000')
      .default(1000),
  })
  .strict();

/**
 * What {@link PostgresStorage.customerSummaries} summarises: orders placed
 * before `asOf` (exclusive) that are not cancelled, optionally only those in
 * one `currency`; `recency` and `T` in `timeUnit` (`'days'` by default, or
 * `'weeks'`); `batchSize` customers per round trip (default 1000).
 *
 * @example
 * ```ts
 * const query: CustomerSummaryQuery = { asOf: new Date('2026-07-01T00:00:00Z'), timeUnit: 'weeks', currency: 'EUR' };
 * ```
 */
export type CustomerSummaryQuery = z.input<typeof CustomerSummaryQuerySchema>;

/**
 * A customer's spend in one currency: `gross` is the sum of order totals,
 * `net` the same less refunds.
 *
 * @example
 * ```ts
 * const s: CurrencySpend = { currency: 'EUR', gross: Money.of('120', 'EUR'), net: Money.of('100', 'EUR') };
 * ```
 */
export interface CurrencySpend {
  /** ISO 4217 code. */
  readonly currency: string;
  /** Sum of the orders' totals. */
  readonly gross: Money;
  /** Sum of the orders' totals less their refunds. */
  readonly net: Money;
}

/**
 * The buy-till-you-die summary of one customer, the input of BG/NBD,
 * Pareto/NBD and Gamma-Gamma. A purchase day is a UTC calendar day with at
 * least one order; the customer's "birth" is the start (00:00 UTC) of the
 * first purchase day.
 *
 * - `frequency`: purchase days after the first (repeat purchases)
 * - `recency`: from the first to the last purchase day, in the time unit
 * - `T`: from the first purchase day's start to `asOf`, in the time unit
 * - `monetaryValue`: the mean net spend of the repeat purchase days (a day's
 *   spend is the sum of its orders), zero when `frequency` is 0; `null` when
 *   the customer's orders are in more than one currency (ask with `currency`)
 *
 * @example
 * ```ts
 * const row: BtydSummary = { frequency: 2, recency: 30, T: 45.5, monetaryValue: Money.of('37.5', 'EUR') };
 * ```
 */
export interface BtydSummary {
  /** Repeat purchase days. */
  readonly frequency: number;
  /** First to last purchase day, in the time unit. */
  readonly recency: number;
  /** First purchase day to `asOf`, in the time unit. */
  readonly T: number;
  /** Mean net spend of a repeat purchase day (`null` across currencies). */
  readonly monetaryValue: Money | null;
}

/**
 * One customer's orders summarised (non-cancelled orders placed before
 * `asOf`): first and last order, counts, spend per currency, the BTYD row
 * and the RFM inputs (`daysSinceLastOrder` for recency, `orders` for
 * frequency, `spend[…].net` for monetary value).
 *
 * @example
 * ```ts
 * for await (const s of storage.customerSummaries({ asOf })) console.log(s.customerId, s.btyd.frequency);
 * ```
 */
export interface CustomerSummary {
  /** The customer. */
  readonly customerId: string;
  /** Their first order's `placedAt`. */
  readonly firstOrderAt: Date;
  /** Their last order's `placedAt`. */
  readonly lastOrderAt: Date;
  /** Number of orders. */
  readonly orders: number;
  /** Number of distinct UTC days with an order. */
  readonly purchaseDays: number;
  /** Days (fractional) from the last order to `asOf`: the R of RFM. */
  readonly daysSinceLastOrder: number;
  /** Spend per currency, sorted by currency code. */
  readonly spend: readonly CurrencySpend[];
  /** The BTYD row. */
  readonly btyd: BtydSummary;
}

/**
 * The push-down query over the orders of customers in `(after, upTo]`: one
 * read of the orders, grouped by `(customer_id, day, currency)`, window
 * functions partitioned by `customer_id`, then grouped by `customer_id`. No
 * CTE is referenced twice and nothing is joined, so Citus runs it entirely on
 * the shards of a table distributed by `customer_id`.
 */
function summarySql(orders: string, bounded: boolean, byCurrency: boolean): string {
  return `
SELECT customer_id,
       sum(orders)::float8 AS orders,
       (count(*) FILTER (WHERE new_day))::float8 AS days,
       min(day) AS first_day, max(day) AS last_day,
       round(extract(epoch FROM min(first_at)) * 1000)::float8 AS first_ms,
       round(extract(epoch FROM max(last_at)) * 1000)::float8 AS last_ms,
       min(currency) AS currency, sum(gross)::text AS gross, sum(net)::text AS net,
       coalesce(sum(net) FILTER (WHERE day > first_day), 0)::text AS repeat_net,
       (json_agg(json_build_array(currency, gross::text, net::text)) FILTER (WHERE mixed))::text AS mixed_spend
FROM (
  SELECT by_day.*,
         min(day) OVER customer AS first_day,
         min(currency) OVER customer <> max(currency) OVER customer AS mixed,
         row_number() OVER (PARTITION BY customer_id, day ORDER BY currency) = 1 AS new_day
  FROM (
    SELECT customer_id, (placed_at AT TIME ZONE 'UTC')::date - DATE '1970-01-01' AS day, currency,
           count(*) AS orders, sum(total) AS gross, sum(total - refunded) AS net,
           min(placed_at) AS first_at, max(placed_at) AS last_at
    FROM ${orders}
    WHERE customer_id > $1 ${bounded ? 'AND customer_id <= $4' : ''}
      AND status <> 'cancelled' AND placed_at < $2::timestamptz
      ${byCurrency ? 'AND currency = $3' : 'AND $3::text IS NULL'}
    GROUP BY customer_id, day, currency
  ) AS by_day
  WINDOW customer AS (PARTITION BY customer_id)
) AS marked
GROUP BY customer_id
ORDER BY customer_id`;
}

/** Spend per currency: the totals when there is one currency, else the day rows added up per currency. */
function spendOf(row: Row): CurrencySpend[] {
  if (row['mixed_spend'] === null || row['mixed_spend'] === undefined) {
    const currency = String(row['currency']);
    return [
      {
        currency,
        gross: Money.of(String(row['gross']), currency),
        net: Money.of(String(row['net']), currency),
      },
    ];
  }
  const sums = new Map<string, CurrencySpend>();
  for (const [currency, gross, net] of JSON.parse(String(row['mixed_spend'])) as [string, string, string][]) {
    const soFar = sums.get(currency) ?? { currency, gross: Money.zero(currency), net: Money.zero(currency) };
    sums.set(currency, {
      currency,
      gross: soFar.gross.plus(Money.of(gross, currency)),
      net: soFar.net.plus(Money.of(net, currency)),
    });
  }
  return [...sums.values()].sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

function fromRow(row: Row, asOf: number, unit: number): CustomerSummary {
  const spend = spendOf(row);
  const purchaseDays = Number(row['days']);
  const frequency = purchaseDays - 1;
  const firstDay = Number(row['first_day']);
  const lastMs = Number(row['last_ms']);
  const only = spend.length === 1 ? spend[0]!.currency : undefined;
  return {
    customerId: String(row['customer_id']),
    firstOrderAt: new Date(Number(row['first_ms'])),
    lastOrderAt: new Date(lastMs),
    orders: Number(row['orders']),
    purchaseDays,
    daysSinceLastOrder: (asOf - lastMs) / DAY_MS,
    spend,
    btyd: {
      frequency,
      recency: (Number(row['last_day']) - firstDay) / unit,
      T: (asOf - firstDay * DAY_MS) / DAY_MS / unit,
      monetaryValue:
        only === undefined
          ? null
          : frequency === 0
            ? Money.zero(only)
            : Money.of(String(row['repeat_net']), only).dividedBy(frequency),
    },
  };
}

/**
 * Streams per-customer summaries computed by PostgreSQL, a batch of
 * customers at a time: first the id of the batch's last customer (an index
 * scan of `orders (customer_id, …)`), then the summary query over that range.
 */
export async function* customerSummaries(
  session: Session,
  tables: Tables,
  query: CustomerSummaryQuery,
): AsyncGenerator<CustomerSummary> {
  const checked = parseWith(CustomerSummaryQuerySchema, 'customer summary query', query);
  assertStorable('customer summary query', checked);
  const asOf = checked.asOf.getTime();
  const unit = checked.timeUnit === 'weeks' ? 7 : 1;
  let after = '';
  for (;;) {
    const [bound] = await session.query(
      `SELECT customer_id FROM ${tables.orders} WHERE customer_id > $1
       GROUP BY customer_id ORDER BY customer_id OFFSET ${checked.batchSize - 1} LIMIT 1`,
      [after],
    );
    const upTo = bound === undefined ? undefined : String(bound['customer_id']);
    const params: unknown[] = [after, checked.asOf.toISOString(), checked.currency ?? null];
    if (upTo !== undefined) params.push(upTo);
    const rows = await session.query(
      summarySql(tables.orders, upTo !== undefined, checked.currency !== undefined),
      params,
    );
    for (const row of rows) yield fromRow(row, asOf, unit);
    if (upTo === undefined) return;
    after = upTo;
  }
}
