import { readOrdersCsv } from '@crmkit/cli';
import type { Transaction } from '@crmkit/clv';
import { netTotal } from '@crmkit/core';

/** A CSV row that failed validation: its line number and why. */
export interface Reject {
  readonly line: number;
  readonly reason: string;
}

/**
 * Reads an orders CSV (every row validated by core's order schema through
 * `readOrdersCsv`) into the transactions the CLV models summarise: customer,
 * date and net amount (exact Money). Bad rows are collected, not dropped.
 */
export async function readTransactions(csvPath: string) {
  const transactions: Transaction[] = [];
  const rejects: Reject[] = [];
  for await (const row of readOrdersCsv(csvPath)) {
    if (!row.ok) rejects.push({ line: row.line, reason: row.reason });
    else if (row.order.status !== 'cancelled') {
      const { customerId, placedAt } = row.order;
      transactions.push({ customerId, date: placedAt, amount: netTotal(row.order) });
    }
  }
  return { transactions, rejects };
}
