import { Decimal, netTotal, type Order } from '@crmkit/core';
import pg from 'pg';
import { bench, describe } from 'vitest';
import { createPostgresStorage, type PostgresStorage } from '../src/index';

// Runs against the server at CRMKIT_PG_URL, e.g.
//   scripts/with-postgres.sh npm run bench -w @crmkit/adapter-postgres
// CRMKIT_BENCH_ORDERS sets the size of the summary comparison (default 10 million orders,
// 10 per customer on average).
const url = process.env['CRMKIT_PG_URL'];
const ORDERS = Number(process.env['CRMKIT_BENCH_ORDERS'] ?? 10_000_000);
const CUSTOMERS = Math.max(1, Math.round(ORDERS / 10));
const DAY = 86_400_000;
const asOf = new Date('2026-01-01T00:00:00Z');

if (url === undefined) {
  console.log(
    'adapter-postgres bench skipped: CRMKIT_PG_URL is unset (run: scripts/with-postgres.sh npm run bench -w @crmkit/adapter-postgres)',
  );
}

// A fixed name, dropped before and after: vitest bench runs no beforeAll/afterAll hooks.
const schema = 'crmkit_bench';
let pool: pg.Pool;
let storage: PostgresStorage;

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** 10M orders generated inside PostgreSQL (generate_series), as crmkit stores them. */
async function loadOrders(): Promise<void> {
  const t = `"${schema}".orders`;
  const chunk = 1_000_000;
  const start = process.hrtime.bigint();
  await pool.query('SELECT setseed(0.42)');
  for (let from = 1; from <= ORDERS; from += chunk) {
    const to = Math.min(ORDERS, from + chunk - 1);
    await pool.query(
      `INSERT INTO ${t} (id, customer_id, placed_at, currency, total, refunded, status, version, data)
       SELECT id, customer_id, placed_at, 'EUR', price, 0, 'paid', 1,
              jsonb_build_object('id', id, 'customerId', customer_id,
                'placedAt', to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'currency', 'EUR', 'status', 'paid', 'refunds', '[]'::jsonb, 'total', price::text,
                'lines', jsonb_build_array(jsonb_build_object('sku', 'sku', 'quantity', 1, 'unitPrice', price::text)))
       FROM (SELECT 'o' || lpad(g::text, 9, '0') AS id,
                    'c' || lpad((floor(random() * $3))::int::text, 8, '0') AS customer_id,
                    date_trunc('milliseconds', timestamptz '2024-01-01 00:00:00+00' + random() * interval '730 days') AS placed_at,
                    round((1 + random() * 199)::numeric, 2) AS price
             FROM generate_series($1::int, $2::int) AS g) AS s`,
      [from, to, CUSTOMERS],
    );
  }
  await pool.query(`VACUUM ANALYZE ${t}`);
  console.log(
    `loaded ${ORDERS.toLocaleString('en')} orders for ${CUSTOMERS.toLocaleString('en')} customers in ${seconds(start).toFixed(1)} s`,
  );
}

/** The same summary in Node: stream every order (ordered by customer) and fold it, one customer at a time. */
async function summariseInNode(): Promise<number> {
  let customers = 0;
  let current: string | undefined;
  let days = new Map<number, Decimal>();
  const flush = () => {
    if (current === undefined) return;
    const sorted = [...days.keys()].sort((a, b) => a - b);
    sorted.slice(1).reduce((sum, d) => sum.plus(days.get(d)!), new Decimal(0));
    customers += 1;
  };
  for await (const order of storage.orders.list({
    orderBy: 'customer',
    to: asOf,
    batchSize: 5000,
  }) as AsyncIterable<Order>) {
    if (order.status === 'cancelled') continue;
    if (order.customerId !== current) {
      flush();
      current = order.customerId;
      days = new Map();
    }
    const day = Math.floor(order.placedAt.getTime() / DAY);
    days.set(day, (days.get(day) ?? new Decimal(0)).plus(netTotal(order).amount));
  }
  flush();
  return customers;
}

if (url !== undefined) {
  pool = new pg.Pool({ connectionString: url, max: 20 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  storage = createPostgresStorage({ client: pool, schema, closeClient: false });
  await storage.migrate();
  await loadOrders();
}

// One measured run each (vitest bench runs no hooks; errors must fail the run).
const once = { iterations: 1, warmupIterations: 0, warmupTime: 0, time: 0, throws: true };
const EARNS = 4000;
const PARALLEL = 16;

/** An order and its points event, written together. */
async function earn(n: number): Promise<void> {
  const customerId = `earn-${n % 500}`;
  await storage.withTransaction(async (tx) => {
    const order = await tx.orders.create({
      id: `earn-o${n}`,
      customerId,
      placedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000),
      currency: 'EUR',
      lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }],
    });
    await tx.events.append(
      `ledger:${customerId}`,
      [{ id: `earn-e${n}`, type: 'points.earned', data: { points: 9 }, occurredAt: order.value.placedAt }],
      { idempotencyKey: `order:${order.value.id}` },
    );
  });
}

describe.skipIf(url === undefined)('earn-and-append on a PostgreSQL server', () => {
  bench(
    `earn-and-append: ${EARNS} transactions (order + ledger event), ${PARALLEL} at a time`,
    async () => {
      const start = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < EARNS) await earn(next++);
        }),
      );
      const s = seconds(start);
      console.log(
        `earn-and-append: ${EARNS} transactions in ${s.toFixed(2)} s = ${Math.round(EARNS / s)} per second`,
      );
    },
    once,
  );
});

describe.skipIf(url === undefined)(`per-customer summaries of ${ORDERS.toLocaleString('en')} orders`, () => {
  bench(
    'push-down: customerSummaries() (GROUP BY customer_id in PostgreSQL)',
    async () => {
      const start = process.hrtime.bigint();
      let customers = 0;
      for await (const _ of storage.customerSummaries({ asOf, batchSize: 5000 })) customers += 1;
      const s = seconds(start);
      console.log(
        `push-down: ${customers} summaries in ${s.toFixed(1)} s (${Math.round(ORDERS / s).toLocaleString('en')} orders/s)`,
      );
    },
    once,
  );

  bench(
    'streaming: every order to Node through orders.list(), summarised there',
    async () => {
      const start = process.hrtime.bigint();
      const customers = await summariseInNode();
      const s = seconds(start);
      console.log(
        `streaming: ${customers} summaries in ${s.toFixed(1)} s (${Math.round(ORDERS / s).toLocaleString('en')} orders/s)`,
      );
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
    once,
  );
});
