import { CurrencySchema, InstantSchema, parseWith } from '@crmkit/core';
import { z } from 'zod';

/**
 * Options of the dataset generators, validated by zod: how many customers,
 * the seed, the window in which customers arrive and buy, the currency, the
 * purchase process (BG/NBD parameters with rates per day) and the average
 * order value.
 *
 * @example
 * ```ts
 * DatasetOptionsSchema.parse({ customers: 1000, seed: 7 });
 * ```
 */
export const DatasetOptionsSchema = z
  .object({
    customers: z.number().int().min(1).max(100_000_000),
    seed: z.union([z.number().int(), z.string()]).default(1),
    start: InstantSchema.default(new Date(Date.UTC(2025, 0, 1))),
    end: InstantSchema.default(new Date(Date.UTC(2026, 0, 1))),
    currency: CurrencySchema.default('EUR'),
    purchases: z
      .object({
        r: z.number().positive(),
        alpha: z.number().positive(),
        a: z.number().positive(),
        b: z.number().positive(),
      })
      .strict()
      .default({ r: 0.9, alpha: 40, a: 0.8, b: 4 }),
    meanOrderValue: z.number().positive().default(60),
    refundRate: z.number().min(0).max(1).default(0.04),
    interactions: z.boolean().default(true),
  })
  .strict()
  .refine((o) => o.end > o.start, { message: 'must be after start', path: ['end'] });

/**
 * What {@link DatasetOptionsSchema} accepts.
 *
 * @example
 * ```ts
 * const options: DatasetOptions = { customers: 5000, seed: 42, currency: 'USD' };
 * ```
 */
export type DatasetOptions = z.input<typeof DatasetOptionsSchema>;

/**
 * Validated generator options, with defaults applied.
 *
 * @example
 * ```ts
 * const resolved: ResolvedDatasetOptions = resolveDatasetOptions({ customers: 10 });
 * ```
 */
export type ResolvedDatasetOptions = z.output<typeof DatasetOptionsSchema>;

/**
 * Validates generator options; throws `ValidationError` naming the field.
 *
 * @example
 * ```ts
 * resolveDatasetOptions({ customers: 10 }).meanOrderValue; // 60
 * ```
 */
export function resolveDatasetOptions(options: DatasetOptions): ResolvedDatasetOptions {
  return parseWith(DatasetOptionsSchema, 'dataset options', options);
}
