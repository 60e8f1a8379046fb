import { z } from 'zod';
import { IdSchema, parseWith } from '../primitives';

/** The batch size of streams that do not set one. */
export const DEFAULT_BATCH_SIZE = 500;

/** `batchSize` of every stream query. */
export const BatchSizeSchema = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .optional();

const IdempotencyKeySchema = z.string().min(1, 'must not be empty').optional();

const WriteOptionsSchema = z.object({ idempotencyKey: IdempotencyKeySchema });

const UpdateOptionsSchema = z.object({
  expectedVersion: z.number().int('must be a whole number').min(1, 'must be at least 1'),
  idempotencyKey: IdempotencyKeySchema,
});

/** Options of a document put or delete. */
export const PutOptionsSchema = z.object({
  expectedVersion: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .nullable()
    .optional(),
  idempotencyKey: IdempotencyKeySchema,
});

/** Options of an event append. */
export const AppendOptionsSchema = z.object({
  expectedSequence: z.number().int('must be a whole number').min(0, 'must be at least 0').optional(),
  idempotencyKey: IdempotencyKeySchema,
});

// The checks below run on every read and write, so each first tries a hand-written test of the
// common valid input; anything else goes through the zod schema, which accepts or throws exactly as
// before. A hand-written test only ever accepts what its schema accepts (test/memory-checks.test.ts).

/** `IdSchema`'s rules: 1 to 200 characters, no white space at either end. */
const ID_PATTERN = /^\S(?:[\s\S]*\S)?$/;

/** Whether `IdSchema` accepts `value`. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= 200 && ID_PATTERN.test(value);
}

const isWhole = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

const isKey = (value: unknown): value is string | undefined =>
  value === undefined || (typeof value === 'string' && value.length > 0);

/** A plain object, whose fields the hand-written tests read. */
export const isPlain = (value: unknown): value is Readonly<Record<string, unknown>> => {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** Checks a record id argument (of get, update, delete). */
export function checkId(what: string, id: unknown): string {
  return isId(id) ? id : parseWith(IdSchema, what, id);
}

/** Checks the options of a create; returns the idempotency key. */
export function checkWriteOptions(what: string, options: unknown): string | undefined {
  return parseWith(WriteOptionsSchema, what, options ?? {}).idempotencyKey;
}

/** Checks the options of an update or delete (`expectedVersion` is required). */
export function checkUpdateOptions(what: string, options: unknown) {
  return parseWith(UpdateOptionsSchema, what, options);
}

/** Checks the options of a document put or delete. */
export function checkPutOptions(what: string, options: unknown): z.output<typeof PutOptionsSchema> {
  if (options === undefined || options === null) return {};
  if (isPlain(options)) {
    const { expectedVersion, idempotencyKey } = options;
    if ((expectedVersion == null || isWhole(expectedVersion, 1)) && isKey(idempotencyKey)) {
      return { expectedVersion, idempotencyKey };
    }
  }
  return parseWith(PutOptionsSchema, what, options);
}

/** Checks the options of an event append. */
export function checkAppendOptions(what: string, options: unknown): z.output<typeof AppendOptionsSchema> {
  if (options === undefined || options === null) return {};
  if (isPlain(options)) {
    const { expectedSequence, idempotencyKey } = options;
    if ((expectedSequence === undefined || isWhole(expectedSequence, 0)) && isKey(idempotencyKey)) {
      return { expectedSequence, idempotencyKey };
    }
  }
  return parseWith(AppendOptionsSchema, what, options);
}
