import { IdSchema, parseWith, ValidationError } from '@crmkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppendOptionsSchema,
  checkAppendOptions,
  checkId,
  checkPutOptions,
  isId,
  PutOptionsSchema,
} from '../src/memory/checks';

// The memory adapter checks ids and write options by hand first (they run on every read and write) and
// hands anything else to the zod schemas: the hand checks must accept nothing the schemas refuse and
// return what the schemas return.

const ids = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.string({ minLength: 195, maxLength: 205 }),
  fc.constantFrom('', ' ', 'a ', ' a', 'a b', '\t', '\u00a0x', 'x\u2028', '\ufeffx', 'ok'),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.anything(),
);

const optionValues = fc.oneof(
  fc.constantFrom(undefined, null, 0, 1, 2, -1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '1', '', 'key'),
  fc.integer(),
  fc.string(),
);
const options = fc.oneof(
  fc.constantFrom(undefined, null, [], 'x', 1),
  fc.record(
    {
      expectedVersion: optionValues,
      expectedSequence: optionValues,
      idempotencyKey: optionValues,
      extra: optionValues,
    },
    { requiredKeys: [] },
  ),
);

/** What a check returns, or the issues it throws. */
function outcome(run: () => unknown) {
  try {
    return { ok: run() };
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return { issues: (e as ValidationError).issues };
  }
}

describe('memory adapter: hand checks agree with the schemas', () => {
  it('ids', () => {
    fc.assert(
      fc.property(ids, (id) => {
        expect(isId(id)).toBe(IdSchema.safeParse(id).success);
        expect(outcome(() => checkId('id', id))).toEqual(outcome(() => parseWith(IdSchema, 'id', id)));
      }),
      { numRuns: 2000 },
    );
    // thousands of runs take seconds on a loaded machine
  }, 60_000);

  it('put and append options', () => {
    // undefined fields are no difference: every caller reads the fields
    const defined = (r: { ok?: unknown; issues?: unknown }) =>
      'ok' in r ? { ok: JSON.parse(JSON.stringify(r.ok)) } : r;
    fc.assert(
      fc.property(options, (o) => {
        expect(defined(outcome(() => checkPutOptions('options', o)))).toEqual(
          defined(outcome(() => parseWith(PutOptionsSchema, 'options', o ?? {}))),
        );
        expect(defined(outcome(() => checkAppendOptions('options', o)))).toEqual(
          defined(outcome(() => parseWith(AppendOptionsSchema, 'options', o ?? {}))),
        );
      }),
      { numRuns: 2000 },
    );
    // thousands of runs take seconds on a loaded machine
  }, 60_000);

  it("options the hand checks refuse get the schemas' messages", () => {
    expect(outcome(() => checkPutOptions('document put options', { expectedVersion: 0 }))).toEqual({
      issues: [{ path: ['expectedVersion'], message: 'must be at least 1', code: 'too_small' }],
    });
    expect(
      outcome(() => checkAppendOptions('event append options', { expectedSequence: 1.5 })),
    ).toMatchObject({
      issues: [{ path: ['expectedSequence'], message: 'must be a whole number' }],
    });
    expect(outcome(() => checkPutOptions('document put options', { idempotencyKey: '' }))).toMatchObject({
      issues: [{ path: ['idempotencyKey'], message: 'must not be empty' }],
    });
    expect(checkPutOptions('o', { expectedVersion: null, idempotencyKey: 'k', other: 1 })).toEqual({
      expectedVersion: null,
      idempotencyKey: 'k',
    });
  });
});
