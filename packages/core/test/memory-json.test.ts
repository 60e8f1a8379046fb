import { createMemoryStorage, type JsonValue, JsonValueSchema, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frozenJson } from '../src/memory/frozen-json';

/** Every object and array of a value, depth first. */
function* containers(value: unknown): Generator<object> {
  if (typeof value !== 'object' || value === null) return;
  yield value;
  for (const child of Object.values(value)) yield* containers(child);
}

/** JSON values and everything a caller might mistake for one. */
const almostJson = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom(undefined, () => 1, Symbol('s'), 10n, new Date(0), new Map(), new (class Point {})()),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')),
      tie('value'),
      {
        maxKeys: 4,
        noNullPrototype: false,
      },
    ),
  ),
})).value;

/** JSON values without "__proto__" keys (which the adapter drops, see below). */
const json = (maxDepth: number) =>
  fc
    .jsonValue({ maxDepth })
    .filter((v) => !JSON.stringify(v).includes('"__proto__"'))
    .map((v) => v as JsonValue);

describe('memory adapter: JSON is checked and copied in one walk', () => {
  it('accepts exactly what JsonValueSchema accepts, and stores what it returns, deeply frozen', () => {
    fc.assert(
      fc.property(almostJson, (value) => {
        const expected = JsonValueSchema.safeParse(value);
        let copy: JsonValue;
        try {
          copy = frozenJson('document data', value);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect(expected.success).toBe(false);
          return;
        }
        expect(expected.success).toBe(true);
        expect(copy).toEqual(expected.data);
        for (const c of containers(copy)) {
          expect(Object.isFrozen(c)).toBe(true);
          expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(c));
        }
      }),
      { numRuns: 2000 },
    );
    // thousands of runs take seconds on a loaded machine
  }, 60_000);

  it('names the path and the reason of every bad value', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    let deep = cyclic;
    for (let i = 0; i < 70; i++) deep = { next: deep };
    cyclic['self'] = deep;
    const bad = {
      points: [1, { n: Number.NaN }],
      when: new Date(0),
      note: undefined,
      run: () => 1,
      nested: { [Symbol('tag')]: 1 },
      loop: cyclic,
    };
    let error: unknown;
    try {
      frozenJson('document data', bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).issues;
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['points.1.n', 'must be a finite number, got NaN'],
      ['when', 'must be a string, finite number, boolean, null, array or plain object, got a Date'],
      ['note', 'must be a string, finite number, boolean, null, array or plain object, got undefined'],
      ['run', 'must be a string, finite number, boolean, null, array or plain object, got function'],
      ['nested', 'must not have symbol keys'],
      [`loop.self${'.next'.repeat(70)}`, 'must not contain itself (the value has a cycle)'],
    ]);
    // an object with a symbol key is refused whole, before its fields
    expect(frozenJsonIssues({ [Symbol('tag')]: 1 })).toEqual([
      { path: [], message: 'must not have symbol keys' },
    ]);
    expect((error as ValidationError).message).toMatch(
      /^invalid document data: points\.1\.n: must be a finite number/,
    );
  });

  it('puts and appends report bad data with its path and write nothing', async () => {
    const s = createMemoryStorage();
    await expect(s.documents.put('c', 'd', { list: [1, Number.POSITIVE_INFINITY] })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: ['list', 1], message: 'must be a finite number, got Infinity' }],
    });
    expect(await s.documents.get('c', 'd')).toBeUndefined();
    const event = (id: string, data: unknown) => ({
      id,
      type: 't',
      data: data as JsonValue,
      occurredAt: new Date(0),
    });
    await expect(
      s.events.append('s', [event('e1', { ok: 1 }), event('e2', { at: new Date(0) })]),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: [1, 'data', 'at'] }],
    });
    await expect(s.events.append('s', [{ ...event('e1', 1), id: '' }])).rejects.toMatchObject({
      code: 'VALIDATION',
      // the shape of the events goes through the schema, with its messages
      issues: [
        { path: [0, 'id'], message: 'must not be empty' },
        { path: [0, 'id'], message: 'must not start or end with white space' },
      ],
    });
    expect(await s.events.lastSequence('s')).toBe(0);
  });

  it('keeps the parts of a re-put document that are the stored version, copies everything else', async () => {
    const s = createMemoryStorage();
    const lots = Array.from({ length: 20 }, (_, i) => ({ id: `lot${i}`, points: i }));
    const first = await s.documents.put('accounts', 'm1', { ledger: { lots }, orders: 1 });
    const stored = first.data as { ledger: { lots: { id: string }[] }; orders: number };
    expect(stored.ledger.lots[0]).not.toBe(lots[0]);

    // two lots spent from the front, one added at the end, a counter changed: only new parts are copied
    const added = { id: 'lot20', points: 20 };
    const data = { ledger: { lots: [...stored.ledger.lots.slice(2), added] }, orders: 2 };
    const second = (await s.documents.put('accounts', 'm1', data)).data as typeof stored;
    expect(second.ledger.lots.slice(0, 18).every((lot, i) => lot === stored.ledger.lots[i + 2])).toBe(true);
    expect(second.ledger.lots[18]).not.toBe(added);
    expect(second.ledger.lots[18]).toEqual(added);
    expect(Object.isFrozen(second.ledger.lots[18])).toBe(true);
    expect(second.ledger).not.toBe(data.ledger);
    expect(second).toEqual({ ledger: { lots: [...lots.slice(2), added] }, orders: 2 });

    // an unchanged subtree is kept whole; putting the stored data again keeps all of it
    const third = (await s.documents.put('accounts', 'm1', { ...second, orders: 3 })).data as typeof stored;
    expect(third.ledger).toBe(second.ledger);
    expect((await s.documents.put('accounts', 'm1', third)).data).toBe(third);

    // the caller's own objects are never kept, even where the stored version has an equal one
    const mine = { id: 'lot2', points: 2 };
    const fourth = (await s.documents.put('accounts', 'm1', { ledger: { lots: [mine] }, orders: 4 }))
      .data as typeof stored;
    expect(fourth.ledger.lots[0]).not.toBe(mine);
    added.points = 99;
    expect(second.ledger.lots[18]).toEqual({ id: 'lot20', points: 20 });
  });

  it('a value made of stored parts and new ones is stored equal, frozen, and sharing nothing new (fast-check)', () => {
    fc.assert(
      fc.property(
        json(4),
        fc.array(fc.nat(9), { minLength: 50, maxLength: 50 }),
        json(2),
        (a, choices, fresh) => {
          const stored = frozenJson('d', a);
          let c = 0;
          const pick = () => choices[c++ % choices.length]!;
          const made = new Set<object>();
          // keep a stored part, shallow-copy it (the caller's own container around stored items), or put a new value
          const edit = (v: JsonValue): JsonValue => {
            const choice = pick();
            if (choice < 4 || v === null || typeof v !== 'object') return choice === 9 ? fresh : v;
            const copy: JsonValue = Array.isArray(v)
              ? [...v.map(edit), ...(choice === 8 ? [fresh] : [])].slice(choice === 7 ? 1 : 0)
              : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, edit(x)]));
            made.add(copy);
            return copy;
          };
          const b = edit(stored);
          const result = frozenJson('d', b, stored);
          expect(result).toEqual(b);
          const storedParts = new Set(containers(stored));
          for (const part of containers(result)) {
            expect(Object.isFrozen(part)).toBe(true);
            expect(made.has(part)).toBe(false);
            // what is not a stored part is a new copy, not the caller's object
            if (!storedParts.has(part)) expect([...containers(b)].includes(part)).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
    // thousands of runs take seconds on a loaded machine
  }, 60_000);

  it('reuses stored parts inside a transaction too, and never across documents it did not make', async () => {
    const s = createMemoryStorage();
    const { data } = await s.documents.put('c', 'a', { big: { list: [1, 2, 3] } });
    const big = (data as { big: JsonValue }).big;
    const other = (await s.documents.put('c', 'b', data)).data as { big: JsonValue };
    // another document's stored parts are checked and copied like any value
    expect(other.big).not.toBe(big);
    expect(other).toEqual(data);
    await s.withTransaction(async (tx) => {
      const inTx = await tx.documents.put('c', 'a', { big, n: 1 });
      expect((inTx.data as { big: JsonValue }).big).toBe(big);
    });
  });

  it('drops "__proto__" keys like zod, so nothing reaches a prototype', () => {
    const copy = frozenJson('d', JSON.parse('{"a": {"__proto__": {"polluted": true}, "b": 1}}')) as {
      a: Record<string, unknown>;
    };
    expect(copy).toEqual({ a: { b: 1 } });
    expect(Object.getPrototypeOf(copy.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

function frozenJsonIssues(value: unknown) {
  try {
    frozenJson('d', value);
    return [];
  } catch (e) {
    return (e as ValidationError).issues.map(({ path, message }) => ({ path, message }));
  }
}
