import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { netTotal, parseOrder } from '@crmkit/core';
import { streamDataset } from '@crmkit/testkit';
import { CliError } from '../errors';
import type { CliIo } from '../io';
import type { ParsedArgs } from '../run';

/**
 * The header of the orders CSV that `crmkit generate` writes and `crmkit
 * analyze` reads.
 *
 * @example
 * ```ts
 * ORDERS_CSV_HEADER; // 'order_id,customer_id,date,amount,currency,channel,category'
 * ```
 */
export const ORDERS_CSV_HEADER = 'order_id,customer_id,date,amount,currency,channel,category';

/**
 * Runs `crmkit generate --customers N [--seed S] [--out FILE]`: writes a
 * realistic synthetic orders CSV from `@crmkit/testkit`'s seeded generator,
 * one row per order with its net amount (total less refunds); fully
 * refunded orders are left out. Writes to stdout without `--out`.
 *
 * @example
 * ```ts
 * await generateCommand({ values: { customers: '5000', seed: '42', out: 'orders.csv' }, positionals: [] }, processIo);
 * ```
 */
export async function generateCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const customers = Number(args.values['customers']);
  if (!Number.isInteger(customers) || customers < 1) {
    throw new CliError(
      'CLI_USAGE',
      `--customers must be a whole number >= 1, got ${String(args.values['customers'] ?? 'nothing')}`,
    );
  }
  const seedText = args.values['seed'];
  const seed = typeof seedText === 'string' ? (/^-?\d+$/.test(seedText) ? Number(seedText) : seedText) : 1;
  const out = typeof args.values['out'] === 'string' ? createWriteStream(args.values['out']) : undefined;
  const write = async (text: string) => {
    if (out === undefined) io.stdout(text);
    else if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${ORDERS_CSV_HEADER}\n`);
  let rows = 0;
  for (const { orders } of streamDataset({ customers, seed, interactions: false })) {
    let chunk = '';
    for (const input of orders) {
      const order = parseOrder(input);
      const net = netTotal(order);
      if (net.isZero()) continue;
      const day = order.placedAt.toISOString().slice(0, 10);
      chunk += `${order.id},${order.customerId},${day},${net.amount.toFixed(2)},${order.currency},${order.channel ?? ''},${order.lines[0]?.category ?? ''}\n`;
      rows++;
    }
    await write(chunk);
  }
  if (out !== undefined) {
    out.end();
    await once(out, 'finish');
    io.stderr(`wrote ${rows} orders of ${customers} customers to ${args.values['out']}\n`);
  }
  return 0;
}
