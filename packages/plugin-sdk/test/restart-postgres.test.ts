import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStorage } from '@crmkit/adapter-postgres';
import { createManualClock, sequentialIds } from '@crmkit/core';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createCrm } from '../src/index';
import { order, recorder } from './fixtures';

// PGlite (embedded PostgreSQL, single-threaded WebAssembly) takes seconds to start.
vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'crmkit-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function open() {
  const db = new PGlite(dir);
  const storage = createPostgresStorage({ client: db, schema: 'crm', closeClient: true });
  await storage.migrate();
  return storage;
}

describe('a host restarted mid-stream on persistent storage (PostgreSQL on disk, PGlite)', () => {
  it('resumes pending deliveries and waiting retries after the database is closed and reopened', async () => {
    const clock = createManualClock('2026-01-01T00:00:00Z');
    const ids = sequentialIds('evt');
    let storage = await open();
    const before = recorder('p', (id) => id === 'o1');
    const first = await createCrm({
      clock,
      ids,
      storage,
      plugins: [before.plugin()],
      retry: { initialDelayMs: 1000 },
    });
    await first.recordOrder(order('o1', 'c1')); // fails: waits for a retry
    await first.recordOrder(order('o2', 'c1')); // queued behind o1
    await first.recordOrder(order('o3', 'c2')); // delivered
    expect(before.seen.map((s) => s.orderId)).toEqual(['o3']);
    await storage.close(); // the process stops

    storage = await open();
    const after = recorder('p');
    const second = await createCrm({
      clock,
      ids,
      storage,
      plugins: [after.plugin()],
      retry: { initialDelayMs: 1000 },
    });
    expect(second.deliveryStatus()).toEqual([
      { plugin: 'p', cursor: 3, waiting: 2, nextRetryAt: new Date('2026-01-01T00:00:01Z') },
    ]);
    clock.advance(1000);
    await second.tick();
    expect(after.seen.map((s) => [s.orderId, s.attempt, s.key])).toEqual([
      ['o1', 2, 'evt-1'],
      ['o2', 1, 'evt-2'],
    ]);
    await storage.close();
  });
});
