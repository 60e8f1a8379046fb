import { createMemoryStorage, type Storage } from '@crmkit/core';
import { describe, expect, it } from 'vitest';

const customer = (id: string) => ({ id, createdAt: '2026-01-01T00:00:00Z', tags: ['a'] });

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('createMemoryStorage', () => {
  it('returns deeply frozen values, so callers cannot change what is stored', async () => {
    const s = createMemoryStorage();
    const created = await s.customers.create(customer('c1'));
    expect(Object.isFrozen(created)).toBe(true);
    expect(Object.isFrozen(created.value)).toBe(true);
    expect(Object.isFrozen(created.value.tags)).toBe(true);
    expect(() => (created.value.tags as string[]).push('b')).toThrow(TypeError);
    const doc = await s.documents.put('d', '1', { list: [1] });
    expect(() => (doc.data.list as number[]).push(2)).toThrow(TypeError);
    expect((await s.customers.get('c1'))!.value.tags).toEqual(['a']);
  });

  it('does not keep a reference to the caller’s input', async () => {
    const s = createMemoryStorage();
    const input = { list: [1] };
    await s.documents.put('d', '1', input);
    input.list.push(2);
    expect((await s.documents.get('d', '1'))!.data).toEqual({ list: [1] });
  });

  it('a closed storage refuses every call with code CLOSED', async () => {
    const s = createMemoryStorage();
    await s.customers.create(customer('c1'));
    await s.close();
    await expect(s.customers.get('c1')).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(s.customers.create(customer('c2'))).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(s.withTransaction(async () => 1)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(collect(s.customers.list())).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a transaction handle used after its transaction ended throws code TRANSACTION', async () => {
    const s = createMemoryStorage();
    let leaked: Storage | undefined;
    await s.withTransaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.customers.create(customer('c1'))).rejects.toMatchObject({ code: 'TRANSACTION' });
    await expect(leaked!.customers.get('c1')).rejects.toMatchObject({ code: 'TRANSACTION' });
    expect(await s.customers.count()).toBe(0);
  });

  it('a transaction sees its own writes in streams and counts', async () => {
    const s = createMemoryStorage();
    await s.customers.create(customer('c2'));
    await s.withTransaction(async (tx) => {
      await tx.customers.create(customer('c1'));
      await tx.customers.delete('c2', { expectedVersion: 1 });
      expect((await collect(tx.customers.list())).map((c) => c.id)).toEqual(['c1']);
      expect((await collect(s.customers.list())).map((c) => c.id)).toEqual(['c2']);
      expect(await tx.customers.count()).toBe(1);
    });
    expect((await collect(s.customers.list())).map((c) => c.id)).toEqual(['c1']);
  });

  it('writes after a failed one go on normally (the lock is released on errors)', async () => {
    const s = createMemoryStorage();
    await expect(s.withTransaction(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(s.customers.create({ id: '' } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await s.customers.create(customer('c1'));
    expect(await s.customers.count()).toBe(1);
  });
});
