import { bench, describe } from 'vitest';
import { createMemoryStorage, parseCustomer } from '../src/index';

// The memory adapter against a plain Map of parsed records (its peer: the same validation, no versions,
// no idempotency, no transactions, no ordering). vitest prints both rates and the ratio.
const inputs = Array.from({ length: 10_000 }, (_, i) => ({
  id: `c${String(i).padStart(6, '0')}`,
  createdAt: '2026-01-01T00:00:00Z',
  tags: ['a'],
}));

describe('store and stream 10k customers', () => {
  bench('createMemoryStorage: createMany + list', async () => {
    const storage = createMemoryStorage();
    await storage.customers.createMany(inputs);
    let n = 0;
    for await (const _ of storage.customers.list()) n++;
    if (n !== inputs.length) throw new Error('incomplete stream');
  });
  bench('plain Map + parseCustomer (peer)', () => {
    const map = new Map<string, unknown>();
    for (const input of inputs) map.set(input.id, parseCustomer(input));
    let n = 0;
    for (const _ of map.values()) n++;
    if (n !== inputs.length) throw new Error('incomplete');
  });
});
