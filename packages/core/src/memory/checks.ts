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

const PutOptionsSchema = z.object({
  expectedVersion: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .nullable()
    .optional(),
  idempotencyKey: IdempotencyKeySchema,
});

const AppendOptionsSchema = z.object({
  expectedSequence: z.number().int('must be a whole number').min(0, 'must be at least 0').optional(),
  idempotencyKey: IdempotencyKeySchema,
});

/** Checks a record id argument (of get, update, delete). */
export function checkId(what: string, id: unknown): string {
  return parseWith(IdSchema, what, id);
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
export function checkPutOptions(what: string, options: unknown) {
  return parseWith(PutOptionsSchema, what, options ?? {});
}

/** Checks the options of an event append. */
export function checkAppendOptions(what: string, options: unknown) {
  return parseWith(AppendOptionsSchema, what, options ?? {});
}
