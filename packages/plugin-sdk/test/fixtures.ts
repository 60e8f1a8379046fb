import type { OrderInput } from '@crmkit/core';
import { z } from 'zod';
import { definePlugin, type HandlerMeta, SDK_VERSION } from '../src/index';

/** The SDK range of the test plugins: this SDK's own version, whatever the package version is. */
export const SDK_RANGE = `^${SDK_VERSION}`;

/** An order of `total` EUR for a customer, placed on 2026-01-01 plus `day` days. */
export function order(id: string, customerId: string, total = '10.00', day = 0): OrderInput {
  return {
    id,
    customerId,
    placedAt: new Date(Date.UTC(2026, 0, 1 + day)).toISOString(),
    currency: 'EUR',
    lines: [{ sku: 'tea', quantity: 1, unitPrice: total }],
  };
}

/** A recording plugin: keeps every delivery; `fail` decides whether a delivery throws. */
export function recorder(name: string, fail: (orderId: string, meta: HandlerMeta) => boolean = () => false) {
  const seen: { orderId: string; customerId: string; attempt: number; key: string }[] = [];
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    sdk: SDK_RANGE,
    configSchema: z.undefined(),
    setup(ctx) {
      ctx.on('order.placed', (event, meta) => {
        const { order } = event.data;
        if (fail(order.id, meta)) throw new Error(`${name} failed on ${order.id}`);
        seen.push({
          orderId: order.id,
          customerId: order.customerId,
          attempt: meta.attempt,
          key: meta.idempotencyKey,
        });
      });
    },
  });
  return { plugin, seen };
}
