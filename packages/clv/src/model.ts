import { ValidationError } from '@crmkit/core';
import type { z } from 'zod';
import type { RfmRow } from './rows';

/**
 * What churn scoring, CLV and the CLI need from a fitted purchase model,
 * whichever it is (BG/NBD, Pareto/NBD — or BG/BB with `Row` = {@link BgBbRow}):
 * the probability that a customer is still alive and the expected number of
 * purchases in the next `t` time units. Depend on this type rather than on a
 * model class.
 *
 * @example
 * ```ts
 * function atRisk(model: PurchaseModel, row: RfmRow) {
 *   return model.probabilityAlive(row) < 0.3;
 * }
 * atRisk(fitBgNbd(rows), { frequency: 2, recency: 30.43, T: 38.86 });
 * ```
 */
export interface PurchaseModel<Row = RfmRow> {
  /** P(the customer is alive at the end of the observation), in [0, 1]. */
  probabilityAlive(row: Row): number;
  /** Expected purchases of this customer in the next `t` time units (periods, for BG/BB). */
  expectedPurchases(t: number, row: Row): number;
}

/** Validates one input row with a fast predicate, letting the schema word the error. */
export function checkRow<S extends z.ZodType>(
  schema: S,
  isValid: (row: unknown) => boolean,
  what: string,
  row: unknown,
): z.output<S> {
  if (isValid(row)) return row as z.output<S>;
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  throw ValidationError.fromZod(what, parsed.error);
}

/** Validates a prediction horizon. */
export function checkHorizon(t: unknown, what: string, integer = false): number {
  if (typeof t === 'number' && Number.isFinite(t) && t >= 0 && (!integer || Number.isInteger(t))) return t;
  throw new ValidationError(what, [
    {
      path: ['t'],
      message: integer ? 'must be a whole number >= 0' : 'must be a finite number >= 0',
      code: 'custom',
    },
  ]);
}
