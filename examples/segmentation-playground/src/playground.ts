import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createMemoryStorage, type Money, netTotal, type Storage } from '@crmkit/core';
import { formatExplanation } from '@crmkit/rules';
import {
  abcClasses,
  compileSegments,
  customerFacts,
  runSegmentation,
  type TierSpec,
} from '@crmkit/segmentation';
import { loadOrders } from './load';
import { grouper, type PlaygroundResult, scaleTable } from './report';

/** The sample shipped with the repository: 17,579 orders of 2025. */
export const SAMPLE_CSV = fileURLToPath(new URL('../../data/orders.csv', import.meta.url));
/** The rule segments of this playground, as JSON: edit the file to try your own. */
export const SEGMENTS_JSON = fileURLToPath(new URL('./segments.json', import.meta.url));

/**
 * The portfolio of the CRM handbooks by target shares: strategic 10 % and
 * important 20 % by spend, potential 10 % among the rest by their spend in
 * the last 90 days (a stand-in for predicted CLV; see examples/clv-forecast),
 * general the remaining 60 %.
 */
export const PORTFOLIO: TierSpec = {
  method: 'shares',
  tiers: [
    { name: 'strategic', share: 0.1 },
    { name: 'important', share: 0.2 },
    { name: 'potential', share: 0.1, by: 'recentSpend' },
    { name: 'general', share: 0.6 },
  ],
};

/** What {@link runPlayground} reads. */
export interface PlaygroundOptions {
  /** The orders CSV (default: the bundled sample). */
  readonly csvPath?: string;
  /** The instant segmented (default: 2026-01-01, the day after the sample ends). */
  readonly asOf?: string;
  /** Rule segment definitions (default: the contents of segments.json). */
  readonly segments?: readonly unknown[];
}

/**
 * Loads the orders into in-memory storage and segments the customers: RFM
 * scores and named segments, a value portfolio by target shares, ABC
 * classes by revenue and the rule segments of segments.json.
 */
export async function runPlayground(options: PlaygroundOptions = {}): Promise<PlaygroundResult> {
  const asOf = new Date(options.asOf ?? '2026-01-01T00:00:00Z');
  const definitions =
    options.segments ?? (JSON.parse(await readFile(SEGMENTS_JSON, 'utf8')) as readonly unknown[]);
  const segments = compileSegments(definitions); // a bad definition fails here, before any reading

  const storage = createMemoryStorage();
  const { stored, rejects } = await loadOrders(options.csvPath ?? SAMPLE_CSV, storage);

  // A metric of our own for the potential tier and the rules: net spend in the 90 days before asOf.
  // Customers without recent orders have none: the potential tier skips them, rules read it as missing.
  const recentSpend = await spendBetween(storage, new Date(asOf.getTime() - 90 * 86_400_000), asOf);
  const metrics = (id: string) => ({ recentSpend: recentSpend.get(id) });

  // RFM, the portfolio and the rule segments in one pass over the orders.
  const run = await runSegmentation({
    orders: storage.orders.list({ orderBy: 'customer' }),
    asOf,
    tiers: PORTFOLIO,
    metrics,
    segments,
  });
  const abc = abcClasses(run.rfm.customers.map((c) => ({ id: c.customerId, value: c.monetary })));

  // Why the first member (by id) of the first rule segment is in it.
  const rfmOf = new Map(run.rfm.customers.map((c) => [c.customerId, c]));
  const first = segments.definitions[0]!;
  const member = run.customers
    .filter((c) => c.segments.includes(first.id))
    .sort((a, b) => a.customerId.localeCompare(b.customerId))[0];
  const facts = member
    ? customerFacts({
        customer: { id: member.customerId },
        rfm: rfmOf.get(member.customerId),
        tier: member.tier,
        metrics: metrics(member.customerId),
      })
    : undefined;

  const currency = run.currency ?? 'EUR';
  const groups = grouper(run.rfm.customers, currency);
  return {
    asOf: asOf.toISOString(),
    currency,
    orders: stored,
    rejects,
    customers: run.rfm.customers.length,
    revenue: groups.total,
    scales: scaleTable(run.rfm),
    rfm: groups
      .of(
        run.rfm.customers.map((c) => [c.segment, c.customerId]),
        run.rfm.segments.map((s) => s.name),
      )
      .sort((a, b) => b.customers - a.customers),
    tiers: groups
      .of(
        run.tiers!.assignments.map((a) => [a.tier, a.id]),
        run.tiers!.tiers.map((t) => t.name),
      )
      .map((g, i) => {
        const t = run.tiers!.tiers[i]!;
        return { ...g, criterion: t.criterion, min: t.min ?? 0, max: t.max ?? 0 };
      }),
    abc: groups.of(
      abc.assignments.map((a) => [a.class, a.id]),
      abc.classes.map((c) => c.name),
    ),
    segments: groups
      .of(
        run.customers.flatMap((c) => c.segments.map((id) => [id, c.customerId] as const)),
        segments.definitions.map((d) => d.id),
      )
      .map((g, i) => ({ ...g, description: segments.definitions[i]!.name })),
    ...(member && facts
      ? {
          example: {
            segment: first.id,
            customerId: member.customerId,
            why: formatExplanation(segments.explain(facts)[0]!.explanation),
          },
        }
      : {}),
  };
}

/** Net spend per customer of the orders placed in [from, to). */
async function spendBetween(storage: Storage, from: Date, to: Date): Promise<Map<string, Money>> {
  const spend = new Map<string, Money>();
  for await (const order of storage.orders.list({ from, to })) {
    if (order.status === 'cancelled') continue;
    const before = spend.get(order.customerId);
    spend.set(order.customerId, before ? before.plus(netTotal(order)) : netTotal(order));
  }
  return spend;
}
