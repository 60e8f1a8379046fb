import { readOrdersCsv } from '@crmkit/cli';
import type { Order, Storage } from '@crmkit/core';

/** A CSV row that failed validation: its line number and why. */
export interface Reject {
  readonly line: number;
  readonly reason: string;
}

/**
 * Streams an orders CSV into storage: every row is validated by core's order
 * schema (through `readOrdersCsv`); bad rows are collected, not dropped.
 */
export async function loadOrders(csvPath: string, storage: Storage) {
  const rejects: Reject[] = [];
  let batch: Order[] = [];
  let stored = 0;
  for await (const row of readOrdersCsv(csvPath)) {
    if (!row.ok) {
      rejects.push({ line: row.line, reason: row.reason });
      continue;
    }
    batch.push(row.order);
    if (batch.length === 1000) {
      stored += (await storage.orders.createMany(batch)).length;
      batch = [];
    }
  }
  stored += (await storage.orders.createMany(batch)).length;
  return { stored, rejects };
}
