import {
  type CustomerInput,
  createMemoryStorage,
  Money,
  type NewLogEvent,
  type OrderInput,
  type Storage,
} from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedList } from '../src/memory/sorted-list';

const customer = (id: string, tags: string[] = ['a']): CustomerInput => ({
  id,
  createdAt: '2026-01-01T00:00:00Z',
  tags,
  attributes: { region: 'EU' },
  consent: { email: { granted: true, at: '2026-01-01T00:00:00Z' } },
});

const order = (id: string, customerId: string, placedAt: string): OrderInput => ({
  id,
  customerId,
  placedAt,
  currency: 'EUR',
  lines: [{ sku: 'tea', quantity: 2, unitPrice: '4.50' }],
});

const event = (id: string, data: NewLogEvent['data'] = { n: 1 }): NewLogEvent => ({
  id,
  type: 'test',
  data,
  occurredAt: new Date('2026-01-01T00:00:00Z'),
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const idsOf = async (items: AsyncIterable<{ id: string }>) => (await collect(items)).map((i) => i.id);

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('createMemoryStorage: stored values are immutable', () => {
  it('returns deeply frozen records, so callers cannot change what is stored', async () => {
    const s = createMemoryStorage();
    const created = await s.customers.create(customer('c1'));
    for (const value of [created, created.value, created.value.tags, created.value.attributes]) {
      expect(Object.isFrozen(value)).toBe(true);
    }
    expect(Object.isFrozen(created.value.consent['email'])).toBe(true);
    expect(() => (created.value.tags as string[]).push('b')).toThrow(TypeError);
    expect(() => {
      (created.value.attributes as Record<string, unknown>)['region'] = 'US';
    }).toThrow(TypeError);
    const [listed] = await collect(s.customers.list());
    expect(listed).toBe(created.value);
    expect((await s.customers.get('c1'))!.value.tags).toEqual(['a']);
  });

  it('keeps Money as Money (prototype and all) inside frozen orders', async () => {
    const s = createMemoryStorage();
    const { value } = await s.orders.create(order('o1', 'c1', '2026-01-02'));
    expect(value.total).toBeInstanceOf(Money);
    expect(value.total.plus(Money.of('1', 'EUR')).toString()).toBe('10 EUR');
    expect(Object.isFrozen(value.lines)).toBe(true);
    expect(Object.isFrozen(value.lines[0])).toBe(true);
    expect(value.lines[0]!.unitPrice.times(3).toString()).toBe('13.5 EUR');
  });

  it('stores frozen copies of documents and event data, sharing nothing with the caller', async () => {
    const s = createMemoryStorage();
    const input = { list: [1], nested: { deep: true } };
    const doc = await s.documents.put('d', '1', input);
    input.list.push(2);
    input.nested.deep = false;
    expect((await s.documents.get('d', '1'))!.data).toEqual({ list: [1], nested: { deep: true } });
    expect(Object.isFrozen(doc)).toBe(true);
    expect(() => (doc.data.list as number[]).push(2)).toThrow(TypeError);
    const data = { points: [10] };
    const when = new Date('2026-02-01T00:00:00Z');
    const [appended] = await s.events.append('s', [{ ...event('e1', data), occurredAt: when }]);
    data.points.push(20);
    when.setUTCFullYear(2030);
    const [read] = await collect(s.events.read('s'));
    expect(read).toBe(appended);
    expect(read!.data).toEqual({ points: [10] });
    expect(read!.occurredAt.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen((read!.data as { points: number[] }).points)).toBe(true);
  });

  it('never lets a "__proto__" key of JSON data reach a prototype', async () => {
    const s = createMemoryStorage();
    const data = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const doc = await s.documents.put('d', 'p', data);
    // the key is dropped (as JsonValueSchema drops it); what is stored is a plain object
    expect(doc.data).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(doc.data)).toBe(Object.prototype);
    expect((doc.data as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('gives each createMany caller its own array of the frozen records, also on replay', async () => {
    const s = createMemoryStorage();
    const first = await s.customers.createMany([customer('c1'), customer('c2')], { idempotencyKey: 'k' });
    const again = await s.customers.createMany([customer('c3')], { idempotencyKey: 'k' });
    expect(again).not.toBe(first);
    expect(again[0]).toBe(first[0]);
    first.push(first[0]!);
    expect(await s.customers.createMany([], { idempotencyKey: 'k' })).toHaveLength(2);
    const created = await s.orders.create(order('o1', 'c1', '2026-01-02'), { idempotencyKey: 'o' });
    expect(await s.orders.create(order('o2', 'c1', '2026-01-02'), { idempotencyKey: 'o' })).toBe(created);
  });
});

describe('createMemoryStorage: lifecycle', () => {
  it('a closed storage refuses every call with code CLOSED', async () => {
    const s = createMemoryStorage();
    await s.customers.create(customer('c1'));
    await s.events.append('s', [event('e1')]);
    await s.documents.put('d', '1', 1);
    await s.close();
    const calls: (() => Promise<unknown>)[] = [
      () => s.customers.get('c1'),
      () => s.customers.create(customer('c2')),
      () => s.customers.createMany([customer('c3')]),
      () => s.customers.update('c1', customer('c1'), { expectedVersion: 1 }),
      () => s.customers.delete('c1', { expectedVersion: 1 }),
      () => s.customers.count(),
      () => collect(s.customers.list()),
      () => collect(s.orders.list({ customerId: 'c1' })),
      () => s.documents.get('d', '1'),
      () => s.documents.put('d', '2', 2),
      () => s.documents.delete('d', '1'),
      () => collect(s.documents.list('d')),
      () => s.events.append('s', [event('e2')]),
      () => s.events.lastSequence('s'),
      () => collect(s.events.read('s')),
      () => collect(s.events.readAll()),
      () => s.withTransaction(async () => 1),
    ];
    for (const call of calls) await expect(call()).rejects.toMatchObject({ code: 'CLOSED' });
    await s.close();
  });

  it('closing stops a stream at its next batch and a running transaction at its next call', async () => {
    const s = createMemoryStorage();
    await s.customers.createMany(['c1', 'c2', 'c3'].map((id) => customer(id)));
    const stream = s.customers.list({ batchSize: 2 })[Symbol.asyncIterator]();
    expect((await stream.next()).value.id).toBe('c1');
    expect((await stream.next()).value.id).toBe('c2');
    const inside = gate();
    const release = gate();
    const running = s.withTransaction(async (tx) => {
      await tx.customers.create(customer('c4'));
      inside.open();
      await release.opened;
      await tx.customers.create(customer('c5'));
    });
    await inside.opened;
    await s.close();
    release.open();
    await expect(running).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(stream.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('a transaction handle used after its transaction ended throws code TRANSACTION', async () => {
    const s = createMemoryStorage();
    await s.customers.createMany(['c1', 'c2', 'c3'].map((id) => customer(id)));
    let leaked: Storage | undefined;
    let stream: AsyncIterator<unknown> | undefined;
    await s.withTransaction(async (tx) => {
      leaked = tx;
      stream = tx.customers.list({ batchSize: 2 })[Symbol.asyncIterator]();
      await stream.next();
    });
    const tx = leaked!;
    await expect(tx.customers.create(customer('c9'))).rejects.toMatchObject({ code: 'TRANSACTION' });
    await expect(tx.customers.get('c1')).rejects.toMatchObject({ code: 'TRANSACTION' });
    await expect(tx.documents.put('d', '1', 1)).rejects.toMatchObject({ code: 'TRANSACTION' });
    await expect(tx.events.lastSequence('s')).rejects.toMatchObject({ code: 'TRANSACTION' });
    await expect(tx.withTransaction(async () => 1)).rejects.toMatchObject({ code: 'TRANSACTION' });
    // the batch read inside the transaction is still delivered; the next one is refused
    await stream!.next();
    await expect(stream!.next()).rejects.toMatchObject({ code: 'TRANSACTION' });
    expect(await s.customers.count()).toBe(3);
  });

  it('writes after failed ones go on normally (the lock is released on errors)', async () => {
    const s = createMemoryStorage();
    await expect(s.withTransaction(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    await expect(s.customers.create({ id: '' } as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(s.customers.update('c1', customer('c1'), { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await s.customers.create(customer('c1'));
    expect(await s.customers.count()).toBe(1);
  });

  it('rejects arguments of the wrong shape with ValidationError naming them', async () => {
    const s = createMemoryStorage();
    await expect(s.customers.get('')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(s.customers.get(42 as never)).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(s.withTransaction('work' as never)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [expect.objectContaining({ path: ['work'] })],
    });
    await expect(s.documents.put('d', ' padded ', 1)).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['id'] })],
    });
    await expect(collect(s.orders.list({ customerId: '' }))).rejects.toMatchObject({
      issues: expect.arrayContaining([
        expect.objectContaining({ path: ['customerId'], message: 'must not be empty' }),
      ]),
    });
  });
});

describe('createMemoryStorage: transactions', () => {
  it('a write through the storage during a transaction waits for it, then sees its commit', async () => {
    const s = createMemoryStorage();
    await s.customers.create(customer('c1'));
    const inside = gate();
    const release = gate();
    const steps: string[] = [];
    const running = s.withTransaction(async (tx) => {
      await tx.customers.update('c1', customer('c1', ['tx']), { expectedVersion: 1 });
      inside.open();
      await release.opened;
      steps.push('tx done');
    });
    await inside.opened;
    const outside = s.customers
      .update('c1', customer('c1', ['outside']), { expectedVersion: 2 })
      .then((r) => {
        steps.push('outside done');
        return r;
      });
    // reads do not wait
    expect((await s.customers.get('c1'))!.version).toBe(1);
    release.open();
    await running;
    expect((await outside).version).toBe(3);
    expect(steps).toEqual(['tx done', 'outside done']);
  });

  it('transactions run one after another, each seeing the commits before it', async () => {
    const s = createMemoryStorage();
    await s.documents.put('counters', 'n', { n: 0 });
    await Promise.all(
      Array.from({ length: 10 }, () =>
        s.withTransaction(async (tx) => {
          const doc = (await tx.documents.get<{ n: number }>('counters', 'n'))!;
          await Promise.resolve();
          await tx.documents.put('counters', 'n', { n: doc.data.n + 1 }, { expectedVersion: doc.version });
        }),
      ),
    );
    expect(await s.documents.get('counters', 'n')).toMatchObject({ version: 11, data: { n: 10 } });
  });

  it('inside a transaction, streams merge its staged writes with the committed rows', async () => {
    const s = createMemoryStorage();
    await s.orders.createMany([
      order('o1', 'c1', '2026-01-01'),
      order('o2', 'c2', '2026-01-02'),
      order('o3', 'c1', '2026-01-03'),
      order('o4', 'c2', '2026-01-04'),
    ]);
    await s.events.append('s', [event('e1'), event('e2'), event('e3')]);
    await s.documents.put('d', 'b', 1);
    await s.documents.put('d', 'd', 1);
    await s.withTransaction(async (tx) => {
      await tx.orders.create(order('o5', 'c1', '2026-01-02T12:00:00Z'));
      await tx.orders.delete('o2', { expectedVersion: 1 });
      // moves o4 to the front and to customer c0
      await tx.orders.update('o4', order('o4', 'c0', '2025-12-31'), { expectedVersion: 1 });
      await tx.orders.update(
        'o1',
        { ...order('o1', 'c1', '2026-01-01'), status: 'paid' },
        { expectedVersion: 1 },
      );
      for (const batchSize of [1, 2, 3, 100]) {
        expect(await idsOf(tx.orders.list({ batchSize }))).toEqual(['o4', 'o1', 'o5', 'o3']);
        expect(await idsOf(tx.orders.list({ orderBy: 'customer', batchSize }))).toEqual([
          'o4',
          'o1',
          'o5',
          'o3',
        ]);
      }
      expect(await idsOf(tx.orders.list({ customerId: 'c1', from: new Date('2026-01-02') }))).toEqual([
        'o5',
        'o3',
      ]);
      expect((await tx.orders.get('o1'))!.value.status).toBe('paid');
      expect(await tx.orders.count({ customerId: 'c2' })).toBe(0);
      expect(await idsOf(s.orders.list())).toEqual(['o1', 'o2', 'o3', 'o4']);

      await tx.events.append('s', [event('e4'), event('e5')]);
      await tx.events.append('t', [event('e6')]);
      for (const batchSize of [1, 2, 4]) {
        expect((await collect(tx.events.read('s', { batchSize, fromSequence: 2 }))).map((e) => e.id)).toEqual(
          ['e2', 'e3', 'e4', 'e5'],
        );
        expect(
          (await collect(tx.events.readAll({ batchSize, afterPosition: 2 }))).map((e) => e.position),
        ).toEqual([3, 4, 5, 6]);
      }
      expect(await tx.events.lastSequence('s')).toBe(5);
      expect(await s.events.lastSequence('s')).toBe(3);

      await tx.documents.put('d', 'a', 2);
      await tx.documents.put('d', 'c', 2);
      await tx.documents.delete('d', 'd');
      expect(await idsOf(tx.documents.list('d', { batchSize: 1 }))).toEqual(['a', 'b', 'c']);
      expect(await idsOf(s.documents.list('d'))).toEqual(['b', 'd']);
    });
    expect(await idsOf(s.orders.list())).toEqual(['o4', 'o1', 'o5', 'o3']);
    expect((await collect(s.events.readAll())).map((e) => `${e.stream}${e.sequence}@${e.position}`)).toEqual([
      's1@1',
      's2@2',
      's3@3',
      's4@4',
      's5@5',
      't1@6',
    ]);
    expect(await idsOf(s.documents.list('d'))).toEqual(['a', 'b', 'c']);
  });
});

describe('createMemoryStorage: streams', () => {
  it('reads lazily, one batch at a time: a change shows up unless its batch was already read', async () => {
    const s = createMemoryStorage();
    await s.customers.createMany(['c1', 'c2', 'c3', 'c4'].map((id) => customer(id)));
    const tags: string[][] = [];
    for await (const c of s.customers.list({ batchSize: 2 })) {
      tags.push([...c.tags]);
      if (c.id === 'c1') {
        await s.customers.update('c2', customer('c2', ['changed']), { expectedVersion: 1 });
        await s.customers.update('c3', customer('c3', ['changed']), { expectedVersion: 1 });
      }
    }
    // c2 was read with c1 in the first batch; c3 is read in the second, after the change
    expect(tags).toEqual([['a'], ['a'], ['changed'], ['a']]);
  });

  it('numbers event positions 1, 2, 3, … without gaps, also after a rolled-back append', async () => {
    const s = createMemoryStorage();
    await s.events.append('a', [event('e1'), event('e2')]);
    await expect(
      s.withTransaction(async (tx) => {
        await tx.events.append('b', [event('e3')]);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    await s.events.append('b', [event('e3')]);
    await s.events.append('a', [event('e4')]);
    expect((await collect(s.events.readAll())).map((e) => [e.id, e.position])).toEqual([
      ['e1', 1],
      ['e2', 2],
      ['e3', 3],
      ['e4', 4],
    ]);
  });

  it('does not yield rows created, or moved in its order, after it started', async () => {
    const s = createMemoryStorage();
    await s.orders.createMany([1, 2, 3, 4, 5, 6].map((n) => order(`o${n}`, 'c1', `2026-01-0${n}`)));
    const seen: string[] = [];
    for await (const o of s.orders.list({ batchSize: 1 })) {
      seen.push(o.id);
      if (o.id === 'o2') {
        // o1 (already seen) moves ahead of the cursor, o5 (not yet seen) moves behind it, o4 moves further ahead
        await s.orders.update('o1', order('o1', 'c1', '2026-01-05T12:00:00Z'), { expectedVersion: 1 });
        await s.orders.update('o5', order('o5', 'c1', '2026-01-01T12:00:00Z'), { expectedVersion: 1 });
        await s.orders.update('o4', order('o4', 'c1', '2026-01-09'), { expectedVersion: 1 });
        await s.orders.create(order('o7', 'c1', '2026-01-08'));
        await s.orders.update(
          'o3',
          { ...order('o3', 'c1', '2026-01-03'), status: 'paid' },
          { expectedVersion: 1 },
        );
      }
    }
    expect(seen).toEqual(['o1', 'o2', 'o3', 'o6']);
    expect(await idsOf(s.orders.list())).toEqual(['o5', 'o2', 'o3', 'o1', 'o6', 'o7', 'o4']);
  });

  it('never yields a row twice, keeps its order, and yields every untouched row, whatever the writes (property)', async () => {
    type Write =
      | { kind: 'create'; n: number; day: number }
      | { kind: 'move'; n: number; day: number }
      | { kind: 'delete'; n: number };
    const write = fc.oneof(
      fc.record({
        kind: fc.constant('create' as const),
        n: fc.integer({ min: 100, max: 199 }),
        day: fc.integer({ min: 1, max: 28 }),
      }),
      fc.record({
        kind: fc.constant('move' as const),
        n: fc.integer({ min: 1, max: 30 }),
        day: fc.integer({ min: 1, max: 28 }),
      }),
      fc.record({ kind: fc.constant('delete' as const), n: fc.integer({ min: 1, max: 30 }) }),
    );
    const day = (d: number) => `2026-02-${String(d).padStart(2, '0')}T00:00:00Z`;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 28 }), { minLength: 30, maxLength: 30 }),
        fc.array(fc.array(write, { maxLength: 3 }), { minLength: 30, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (days, writesAfter, batchSize) => {
          const s = createMemoryStorage();
          await s.orders.createMany(days.map((d, i) => order(`o${i + 1}`, 'c1', day(d))));
          const touched = new Set<string>();
          const seen: { id: string; at: number }[] = [];
          let step = 0;
          const apply = async (w: Write) => {
            const id = `o${w.n}`;
            const current = await s.orders.get(id);
            if (w.kind === 'create') {
              if (current === undefined) await s.orders.create(order(id, 'c1', day(w.day)));
            } else if (current !== undefined) {
              touched.add(id);
              if (w.kind === 'delete') await s.orders.delete(id, { expectedVersion: current.version });
              else
                await s.orders.update(id, order(id, 'c1', day(w.day)), { expectedVersion: current.version });
            }
          };
          for await (const o of s.orders.list({ batchSize })) {
            seen.push({ id: o.id, at: o.placedAt.getTime() });
            for (const w of writesAfter[step++] ?? []) await apply(w);
          }
          const ids = seen.map((o) => o.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(ids.every((id) => Number(id.slice(1)) <= 30)).toBe(true);
          const untouched = days.map((_, i) => `o${i + 1}`).filter((id) => !touched.has(id));
          expect(untouched.filter((id) => !ids.includes(id))).toEqual([]);
          const order_ = seen.filter((o) => !touched.has(o.id));
          const sorted = [...order_].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          expect(order_).toEqual(sorted);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('createMemoryStorage: agrees with a plain model (property)', () => {
  type Op =
    | { kind: 'create'; n: number }
    | { kind: 'createMany'; ns: number[] }
    | { kind: 'update'; n: number; tag: string; stale: boolean }
    | { kind: 'delete'; n: number; stale: boolean }
    | { kind: 'tx'; ops: Op[]; fail: boolean };
  const n = fc.integer({ min: 1, max: 12 });
  const simple: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), n }),
    fc.record({ kind: fc.constant('createMany' as const), ns: fc.array(n, { maxLength: 4 }) }),
    fc.record({
      kind: fc.constant('update' as const),
      n,
      tag: fc.constantFrom('x', 'y', 'z'),
      stale: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('delete' as const), n, stale: fc.boolean() }),
  );
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: simple },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('tx' as const),
        ops: fc.array(simple, { maxLength: 5 }),
        fail: fc.boolean(),
      }),
    },
  );
  const id = (k: number) => `c${k}`;

  /** Applies one op to the storage and the model alike; both must throw or both succeed. */
  async function run(
    s: Storage,
    model: Map<string, { version: number; tags: string[] }>,
    o: Op,
  ): Promise<void> {
    switch (o.kind) {
      case 'create': {
        const exists = model.has(id(o.n));
        const result = s.customers.create(customer(id(o.n), []));
        if (exists) return void (await expect(result).rejects.toMatchObject({ code: 'ALREADY_EXISTS' }));
        expect((await result).version).toBe(1);
        model.set(id(o.n), { version: 1, tags: [] });
        return;
      }
      case 'createMany': {
        const ids = o.ns.map(id);
        const clash = ids.some((x, i) => model.has(x) || ids.indexOf(x) !== i);
        const result = s.customers.createMany(ids.map((x) => customer(x, [])));
        if (clash) return void (await expect(result).rejects.toMatchObject({ code: 'ALREADY_EXISTS' }));
        await result;
        for (const x of ids) model.set(x, { version: 1, tags: [] });
        return;
      }
      case 'update': {
        const current = model.get(id(o.n));
        const expectedVersion = (current?.version ?? 1) + (o.stale ? 1 : 0);
        const result = s.customers.update(id(o.n), customer(id(o.n), [o.tag]), { expectedVersion });
        if (current === undefined)
          return void (await expect(result).rejects.toMatchObject({ code: 'NOT_FOUND' }));
        if (o.stale) return void (await expect(result).rejects.toMatchObject({ code: 'VERSION_CONFLICT' }));
        expect((await result).version).toBe(current.version + 1);
        model.set(id(o.n), { version: current.version + 1, tags: [o.tag] });
        return;
      }
      case 'delete': {
        const current = model.get(id(o.n));
        const expectedVersion = (current?.version ?? 1) + (o.stale ? 1 : 0);
        const result = s.customers.delete(id(o.n), { expectedVersion });
        if (current === undefined)
          return void (await expect(result).rejects.toMatchObject({ code: 'NOT_FOUND' }));
        if (o.stale) return void (await expect(result).rejects.toMatchObject({ code: 'VERSION_CONFLICT' }));
        await result;
        model.delete(id(o.n));
        return;
      }
      case 'tx': {
        const staged = new Map([...model].map(([k, v]) => [k, { ...v }]));
        const failure = new Error('roll back');
        const result = s.withTransaction(async (tx) => {
          for (const inner of o.ops) await run(tx, staged, inner);
          expect(await snapshot(tx)).toEqual(expected(staged));
          if (o.fail) throw failure;
        });
        if (o.fail) return void (await expect(result).rejects.toBe(failure));
        await result;
        model.clear();
        for (const [k, v] of staged) model.set(k, v);
      }
    }
  }

  const snapshot = async (s: Storage) =>
    (await collect(s.customers.list({ batchSize: 3 }))).map((c) => [c.id, [...c.tags]]);
  const expected = (model: Map<string, { tags: string[] }>) =>
    [...model].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, v.tags]);

  it('creates, updates, deletes and transactions match a Map, and streams stay sorted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 25 }), async (ops) => {
        const s = createMemoryStorage();
        const model = new Map<string, { version: number; tags: string[] }>();
        for (const o of ops) {
          await run(s, model, o);
          expect(await snapshot(s)).toEqual(expected(model));
          expect(await s.customers.count()).toBe(model.size);
        }
        for (const [k, v] of model) expect((await s.customers.get(k))!.version).toBe(v.version);
      }),
      { numRuns: 80 },
    );
  });
});

describe('SortedList', () => {
  const compare = (a: number, b: number) => a - b;

  it('stays sorted and seeks exactly through any sequence of adds and removes (property)', () => {
    fc.assert(
      fc.property(
        // long enough that chunks split (at more than 128 items) many times, and empty again
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3000 })), {
          minLength: 2500,
          maxLength: 5000,
        }),
        fc.integer({ min: -1, max: 3001 }),
        (ops, probe) => {
          const list = new SortedList(compare);
          const model = new Set<number>();
          for (const [add, x] of ops) {
            if (add && !model.has(x)) {
              list.add(x);
              model.add(x);
            } else if (!add) {
              expect(list.remove(x)).toBe(model.delete(x));
            }
          }
          const sorted = [...model].sort(compare);
          expect([...list.from(undefined, false)]).toEqual(sorted);
          expect([...list.from(probe, false)]).toEqual(sorted.filter((x) => x >= probe));
          expect([...list.from(probe, true)]).toEqual(sorted.filter((x) => x > probe));
        },
      ),
      // shrinking thousands of operations takes minutes: report the first failing case as it is
      { numRuns: 25, endOnFailure: true },
    );
  });

  it('splits and merges its chunks across thousands of in-order and reverse-order items', () => {
    const list = new SortedList(compare);
    for (let i = 0; i < 5000; i++) list.add(i);
    for (let i = -1; i >= -5000; i--) list.add(i);
    const all = [...list.from(undefined, false)];
    expect(all).toHaveLength(10_000);
    expect(all[0]).toBe(-5000);
    expect(all[9999]).toBe(4999);
    for (let i = -5000; i < 5000; i += 2) expect(list.remove(i)).toBe(true);
    expect(list.remove(0)).toBe(false);
    expect([...list.from(4990, false)]).toEqual([4991, 4993, 4995, 4997, 4999]);
    expect([...list.from(4999, true)]).toEqual([]);
  });
});
