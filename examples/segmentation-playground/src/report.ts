import { Money } from '@crmkit/core';
import type { RfmCustomer, RfmResult } from '@crmkit/segmentation';
import type { Reject } from './load';
import { money, percent, table } from './table';

/** A group of customers (a segment, tier or class) with its size and exact revenue. */
export interface Group {
  readonly name: string;
  readonly customers: number;
  /** Share of all customers. */
  readonly share: number;
  /** Net spend of its customers up to asOf: an exact decimal string in the currency. */
  readonly revenue: string;
  /** Share of the total revenue. */
  readonly revenueShare: number;
}

/** Everything the playground computed, as plain data. */
export interface PlaygroundResult {
  readonly asOf: string;
  readonly currency: string;
  /** Orders stored. */
  readonly orders: number;
  /** CSV rows that failed validation. */
  readonly rejects: readonly Reject[];
  /** Customers with orders. */
  readonly customers: number;
  /** Their net spend, an exact decimal string. */
  readonly revenue: string;
  /** Per RFM score, best first, the values it covered: days since the last order, orders, spend. */
  readonly scales: readonly { score: number; recencyDays: string; orders: string; spend: string }[];
  /** RFM segments, largest first. */
  readonly rfm: readonly Group[];
  /** Portfolio tiers, best first, with the criterion each was filled by and the range it covers. */
  readonly tiers: readonly (Group & { criterion: string; min: number; max: number })[];
  /** ABC classes by cumulative share of revenue. */
  readonly abc: readonly Group[];
  /** Rule segments by id, in definition order (a customer may be in several). */
  readonly segments: readonly (Group & { description: string })[];
  /** Why the first member of the first rule segment is in it. */
  readonly example?: { segment: string; customerId: string; why: string };
}

/** Sums the spend of groups of customers exactly, with their shares of customers and revenue. */
export function grouper(customers: readonly RfmCustomer[], currency: string) {
  const spendOf = new Map(customers.map((c) => [c.customerId, c.monetary]));
  const total = Money.sum(spendOf.values(), currency);
  return {
    total: total.amount.toFixed(2),
    /** One group per name, in that order, from (name, customer id) pairs. */
    of(pairs: Iterable<readonly [string, string]>, names: readonly string[]): Group[] {
      const members = new Map(names.map((name) => [name, [] as Money[]]));
      for (const [name, id] of pairs) members.get(name)?.push(spendOf.get(id)!);
      return names.map((name) => {
        const spends = members.get(name)!;
        const revenue = Money.sum(spends, currency);
        return {
          name,
          customers: spends.length,
          share: customers.length === 0 ? 0 : spends.length / customers.length,
          revenue: revenue.amount.toFixed(2),
          revenueShare: total.isZero() ? 0 : revenue.ratio(total).toNumber(),
        };
      });
    },
  };
}

/** The RFM scales as rows: for each score, best first, the range of values it took. */
export function scaleTable(rfm: RfmResult): PlaygroundResult['scales'] {
  const range = (dimension: keyof RfmResult['scales'], score: number) => {
    const band = rfm.scales[dimension].bands[score - 1];
    if (!band || band.count === 0) return '(none)';
    return band.min === band.max ? `${band.min}` : `${band.min} - ${band.max}`;
  };
  return [5, 4, 3, 2, 1].map((score) => ({
    score,
    recencyDays: range('recency', score),
    orders: range('frequency', score),
    spend: range('monetary', score),
  }));
}

/** The result as the compact tables `npm start` prints. */
export function formatPlayground(result: PlaygroundResult): string {
  const cells = (g: Group) => [g.customers, percent(g.share), money(g.revenue), percent(g.revenueShare)];
  const header = (first: string) => [first, 'customers', 'share', `revenue ${result.currency}`, 'of revenue'];
  const out = [
    `${result.orders} orders (${result.rejects.length} rejected) of ${result.customers} customers, ` +
      `${money(result.revenue)} ${result.currency}, as of ${result.asOf.slice(0, 10)}`,
    '',
    'RFM scores by quantile: the values each score covered',
    table(
      ['score', 'days since last order', 'orders', `spend ${result.currency}`],
      result.scales.map((s) => [String(s.score), s.recencyDays, s.orders, s.spend]),
    ),
    '',
    'RFM segments (the default segment map)',
    table(
      header('segment'),
      result.rfm.map((g) => [g.name, ...cells(g)]),
    ),
    '',
    'Portfolio by target shares (10 / 20 / 10 / 60 %)',
    table(
      [...header('tier'), 'filled by', 'range'],
      result.tiers.map((t) => [t.name, ...cells(t), t.criterion, `${money(t.min)} - ${money(t.max)}`]),
    ),
    '',
    'ABC classes (A: top 80 % of revenue, B: next 15 %, C: the rest)',
    table(
      header('class'),
      result.abc.map((g) => [g.name, ...cells(g)]),
    ),
    '',
    'Rule segments (src/segments.json)',
    table(
      header('segment'),
      result.segments.map((g) => [g.name, ...cells(g)]),
    ),
  ];
  if (result.example) {
    out.push('', `Why ${result.example.customerId} is in ${result.example.segment}:`, result.example.why);
  }
  for (const reject of result.rejects.slice(0, 10))
    out.push(`rejected line ${reject.line}: ${reject.reason}`);
  return out.join('\n');
}
