import type { InteractionInput, Random } from '@crmkit/core';
import { pickWeighted, sampleExponential } from '../distributions';
import type { ResolvedDatasetOptions } from './options';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const REASONS = [
  ['product', 3],
  ['service', 3],
  ['price', 2],
  ['delivery', 3],
  ['competitor', 1],
  ['other', 1],
] as const;

const clampScore = (x: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(x)));

/**
 * Generates one customer's interactions around their purchases: website
 * visits that continue for a while after the last order and then stop,
 * surveys (NPS 0–10, CSAT 1–5, CES 1–7) driven by the customer's
 * satisfaction, complaints (more frequent when satisfaction is low) each
 * followed by a support ticket's status changes, reviews, referrals and
 * marketing e-mails with their cost. Ids are `<customerId>-i<k>`.
 *
 * @example
 * ```ts
 * generateInteractions('c0000001', purchases, random, options);
 * ```
 */
export function generateInteractions(
  customerId: string,
  purchases: readonly Date[],
  random: Random,
  options: ResolvedDatasetOptions,
): InteractionInput[] {
  const out: InteractionInput[] = [];
  const end = options.end.getTime();
  const satisfaction = random.next() ** 0.6;
  let k = 0;
  const add = (at: number, fields: Record<string, unknown>) => {
    if (at < end)
      out.push({
        id: `${customerId}-i${++k}`,
        customerId,
        occurredAt: new Date(at),
        ...fields,
      } as InteractionInput);
  };
  const first = purchases[0]!.getTime();
  const last = purchases[purchases.length - 1]!.getTime();
  const activeUntil = Math.min(end, last + sampleExponential(random, 1 / 21) * DAY);
  for (
    let t = first + sampleExponential(random, 1 / 9) * DAY;
    t < activeUntil;
    t += sampleExponential(random, 1 / 9) * DAY
  ) {
    add(t, { type: 'activity', activity: random.next() < 0.8 ? 'visit' : 'email_open' });
  }
  for (const placed of purchases) {
    const at = placed.getTime();
    if (random.next() < 0.3) {
      add(at + 2 * DAY, {
        type: 'survey',
        nps: clampScore(satisfaction * 11 - 0.5 + (random.next() - 0.5) * 3, 0, 10),
        csat: clampScore(1 + satisfaction * 4 + (random.next() - 0.5), 1, 5),
        ces: clampScore(7 - satisfaction * 6 + (random.next() - 0.5), 1, 7),
      });
    }
    if (random.next() < 0.08 * (1 - satisfaction) + 0.005) {
      const opened = at + 3 * DAY;
      const reason = pickWeighted(random, REASONS);
      const level = pickWeighted(random, [
        ['immediate', 1],
        ['24h', 3],
        ['72h', 2],
      ] as const);
      add(opened, {
        type: 'complaint',
        reason,
        severity: satisfaction < 0.3 ? 'high' : 'medium',
        resolvedAt: new Date(opened + 30 * HOUR),
      });
      const ticketId = `${customerId}-t${k}`;
      const steps = ['opened', 'responded', 'resolved', 'followed_up', 'closed'] as const;
      for (const [i, status] of steps.entries())
        add(opened + i * 10 * HOUR, { type: 'ticket', ticketId, status, level });
    }
    if (random.next() < 0.1)
      add(at + 7 * DAY, {
        type: 'review',
        rating: clampScore(1 + satisfaction * 4 + (random.next() - 0.5), 1, 5),
      });
    if (random.next() < 0.2) {
      add(at + 14 * DAY, { type: 'marketing', cost: { amount: '0.05', currency: options.currency } });
    }
  }
  if (satisfaction > 0.8 && random.next() < 0.15) {
    add(first + 30 * DAY, { type: 'referral', code: `REF-${customerId}`, converted: random.next() < 0.4 });
  }
  return out.sort((a, b) => (a.occurredAt as Date).getTime() - (b.occurredAt as Date).getTime());
}
