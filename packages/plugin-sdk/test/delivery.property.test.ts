import { createMemoryStorage } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '../src/index';
import { order, recorder } from './fixtures';

const action = fc.oneof(
  fc.record({
    kind: fc.constant('order' as const),
    customer: fc.integer({ min: 0, max: 2 }),
    failures: fc.nat(3),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
  fc.record({ kind: fc.constant('restart' as const) }),
);

describe('delivery invariants (fast-check, seeded)', () => {
  it('delivers every event at least once and in order per customer, under random failures and restarts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
        const failuresOf = new Map<string, number>();
        const p = recorder('p', (id, meta) => meta.attempt <= (failuresOf.get(id) ?? 0));
        const other = recorder('other');
        const plugins = [p.plugin(), other.plugin()];
        let host: TestHost = await createTestHost({
          storage: createMemoryStorage(),
          plugins,
          retry: { maxAttempts: 5, initialDelayMs: 1000 },
        });
        const placed: { id: string; customerId: string }[] = [];
        for (const a of actions) {
          if (a.kind === 'order') {
            const id = `o${placed.length + 1}`;
            const customerId = `c${a.customer}`;
            failuresOf.set(id, a.failures);
            placed.push({ id, customerId });
            await host.crm.recordOrder(order(id, customerId));
          } else if (a.kind === 'advance') await host.advance(a.ms);
          else host = await host.restart({ plugins });
        }
        for (let i = 0; i < 6; i++) await host.advance(3_600_000);

        for (const r of [p, other]) {
          const delivered = r.seen.map((s) => s.orderId);
          expect(new Set(delivered)).toEqual(new Set(placed.map((o) => o.id)));
          for (const c of ['c0', 'c1', 'c2']) {
            const expected = placed.filter((o) => o.customerId === c).map((o) => o.id);
            const got = r.seen.filter((s) => s.customerId === c).map((s) => s.orderId);
            expect(got.filter((id, i) => got.indexOf(id) === i)).toEqual(expected);
          }
        }
        expect(other.seen.every((s) => s.attempt === 1)).toBe(true); // never held up by p
        expect(await host.crm.deadLetters.list()).toEqual([]);
      }),
      { seed: 20260101, numRuns: 60 },
    );
  });

  it('loses nothing when retries run out: every event is delivered or dead-lettered, and replay completes it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ customer: fc.integer({ min: 0, max: 3 }), failures: fc.nat(4) }), {
          minLength: 1,
          maxLength: 20,
        }),
        async (orders) => {
          const failuresOf = new Map<string, number>();
          let healed = false;
          const p = recorder('p', (id, meta) => !healed && meta.attempt <= (failuresOf.get(id) ?? 0));
          const host = await createTestHost({
            plugins: [p.plugin()],
            retry: { maxAttempts: 2, initialDelayMs: 10 },
          });
          for (const [i, o] of orders.entries()) {
            failuresOf.set(`o${i}`, o.failures);
            await host.crm.recordOrder(order(`o${i}`, `c${o.customer}`));
          }
          for (let i = 0; i <= orders.length; i++) await host.advance(1000);
          const dead = (await host.crm.deadLetters.list()).length;
          const delivered = new Set(p.seen.map((s) => s.orderId)).size;
          expect(dead + delivered).toBe(orders.length);
          expect(dead).toBe(orders.filter((o) => o.failures >= 2).length);
          healed = true;
          await host.crm.deadLetters.replayAll();
          expect(new Set(p.seen.map((s) => s.orderId)).size).toBe(orders.length);
        },
      ),
      { seed: 7, numRuns: 60 },
    );
  });
});
