import { createMemoryStorage, type Storage } from '@crmkit/core';
import { runAdapterConformance } from '@crmkit/testkit/conformance';
import { describe, expect, it } from 'vitest';

runAdapterConformance('memory', () => createMemoryStorage());

// A small `rows`, as slower adapters pass for everyday runs, and a teardown that sees every storage closed.
const tornDown: Storage[] = [];
runAdapterConformance('memory, 1,000 rows', async () => createMemoryStorage(), {
  rows: 1000,
  teardown: async (storage) => {
    tornDown.push(storage);
    await expect(storage.customers.count()).rejects.toMatchObject({ code: 'CLOSED' });
  },
});

describe('runAdapterConformance', () => {
  it('tore down every storage of the suite above after closing it', () => {
    // one per test outside the large streaming tests, plus their shared storage
    expect(tornDown.length).toBeGreaterThan(50);
  });

  it('rejects bad arguments with ValidationError before registering anything', () => {
    const make = () => createMemoryStorage();
    const bad: [string, () => void][] = [
      ['name', () => runAdapterConformance('', make)],
      ['makeStorage', () => runAdapterConformance('x', 'storage' as never)],
      ['options.rows', () => runAdapterConformance('x', make, { rows: 0 })],
      ['options.rows', () => runAdapterConformance('x', make, { rows: 2.5 })],
      ['options.teardown', () => runAdapterConformance('x', make, { teardown: 'drop' as never })],
    ];
    for (const [path, register] of bad) {
      expect(register).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
      try {
        register();
      } catch (e) {
        expect(
          (e as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.join('.')),
        ).toEqual([path]);
      }
    }
  });
});
