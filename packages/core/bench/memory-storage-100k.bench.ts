import { bench, describe } from 'vitest';
import { createMemoryStorage, parseCustomer, type Storage } from '../src/index';

// The memory adapter at 100,000 customers, against its peer: the same validation into a plain Map, then one
// sort of the ids (no versions, idempotency, transactions, frozen values or batching). Ids arrive scrambled,
// so insertion order is not stream order. vitest prints each rate and the ratios between them.
const ROWS = 100_000;
const inputs = Array.from({ length: ROWS }, (_, i) => ({
  id: `c${String((i * 7919) % ROWS).padStart(6, '0')}`,
  createdAt: '2026-01-01T00:00:00Z',
}));

async function count(items: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of items) n++;
  return n;
}

describe('store 100k customers', () => {
  bench(
    'createMemoryStorage: 100k awaited create calls',
    async () => {
      const storage = createMemoryStorage();
      for (const input of inputs) await storage.customers.create(input);
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    'createMemoryStorage: createMany in batches of 5,000',
    async () => {
      const storage = createMemoryStorage();
      for (let i = 0; i < ROWS; i += 5000) await storage.customers.createMany(inputs.slice(i, i + 5000));
    },
    { iterations: 3, warmupIterations: 1 },
  );
  bench(
    'plain Map + parseCustomer + one sort (peer)',
    () => {
      const map = new Map<string, unknown>();
      for (const input of inputs) map.set(input.id, parseCustomer(input));
      if ([...map.keys()].sort().length !== ROWS) throw new Error('incomplete');
    },
    { iterations: 3, warmupIterations: 1 },
  );
});

describe('stream 100k customers in id order', async () => {
  const storage: Storage = createMemoryStorage();
  await storage.customers.createMany(inputs);
  const peer = new Map(inputs.map((input) => [input.id, parseCustomer(input)]));

  bench('createMemoryStorage: list (batches of 500)', async () => {
    if ((await count(storage.customers.list())) !== ROWS) throw new Error('incomplete stream');
  });
  bench('plain Map: sort the ids, then read each (peer)', () => {
    let n = 0;
    for (const id of [...peer.keys()].sort()) if (peer.get(id) !== undefined) n++;
    if (n !== ROWS) throw new Error('incomplete');
  });
});
