import { z } from 'zod';

/**
 * A JSON value: what documents and event payloads hold, so that every adapter
 * can store them as they are.
 *
 * @example
 * ```ts
 * const v: JsonValue = { points: 120, tags: ['vip'], note: null };
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Validates a {@link JsonValue}: finite numbers only, plain objects and
 * arrays only (no Date, Map, class instances or `undefined`).
 *
 * @example
 * ```ts
 * JsonValueSchema.parse({ a: [1, 'x', null] });
 * ```
 */
export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().finite(),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);
