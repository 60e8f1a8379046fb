import { z } from 'zod';

/**
 * The operators of a leaf condition.
 *
 * @example
 * ```ts
 * OPERATORS.includes('gte'); // true
 * ```
 */
export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'between',
  'contains',
  'startsWith',
  'exists',
  'before',
  'after',
  'within',
  'sameDayOfYear',
  'sameMonth',
  'dayOfWeek',
  'dayOfMonth',
] as const;

/**
 * One operator name.
 *
 * @example
 * ```ts
 * const op: Operator = 'between';
 * ```
 */
export type Operator = (typeof OPERATORS)[number];

const Scalar = z.union([z.string(), z.number().finite(), z.boolean(), z.null()]);

/**
 * A value that is read from another fact at evaluation time.
 *
 * @example
 * ```ts
 * FactRefSchema.parse({ fact: 'customer.avgOrderValue' });
 * ```
 */
export const FactRefSchema = z.object({ fact: z.string().min(1) }).strict();

/**
 * A value taken from the compile-time parameters (`compile(c, { params })`).
 *
 * @example
 * ```ts
 * ParamRefSchema.parse({ param: 'minimumTotal' });
 * ```
 */
export const ParamRefSchema = z.object({ param: z.string().min(1) }).strict();

/**
 * A duration for `within`: how far back from `now` (`{ days: 30 }`), or
 * forward with `direction: 'next'`.
 *
 * @example
 * ```ts
 * DurationSchema.parse({ days: 30 });
 * ```
 */
export const DurationSchema = z
  .object({
    months: z.number().int().nonnegative().optional(),
    weeks: z.number().nonnegative().optional(),
    days: z.number().nonnegative().optional(),
    hours: z.number().nonnegative().optional(),
    minutes: z.number().nonnegative().optional(),
    direction: z.enum(['last', 'next']).optional(),
  })
  .strict()
  .refine((d) => (d.months ?? 0) + (d.weeks ?? 0) + (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, {
    message: 'a duration needs at least one positive unit (months, weeks, days, hours, minutes)',
  });

const Operand = z.union([Scalar, FactRefSchema, ParamRefSchema]);

/**
 * A leaf comparison: a fact (a dotted path into the facts), an operator and
 * the value it compares with. Which values fit which operator is checked by
 * {@link validateCondition}.
 *
 * @example
 * ```ts
 * FactConditionSchema.parse({ fact: 'order.total', op: 'gte', value: 100 });
 * ```
 */
export const FactConditionSchema = z
  .object({
    fact: z.string().min(1, 'must be a dotted path such as order.total'),
    op: z.enum(OPERATORS, {
      error: (i) => `unknown operator ${JSON.stringify(i.input)}; use one of ${OPERATORS.join(', ')}`,
    }),
    value: z.union([Operand, z.array(Operand), DurationSchema]).optional(),
  })
  .strict();

/**
 * A reference to a named condition (`compile(c, { refs })`).
 *
 * @example
 * ```ts
 * RefConditionSchema.parse({ ref: 'isVip' });
 * ```
 */
export const RefConditionSchema = z.object({ ref: z.string().min(1) }).strict();

/**
 * A condition: `{ all: [...] }`, `{ any: [...] }`, `{ not: c }`,
 * `{ ref: name }` or a leaf `{ fact, op, value }`. JSON-serialisable.
 *
 * @example
 * ```ts
 * ConditionSchema.parse({ all: [{ fact: 'order.total', op: 'gte', value: 100 }, { not: { ref: 'isStaff' } }] });
 * ```
 */
export const ConditionSchema = z.union([
  z
    .object({
      get all() {
        return z.array(ConditionSchema).min(1, 'must hold at least one condition');
      },
    })
    .strict(),
  z
    .object({
      get any() {
        return z.array(ConditionSchema).min(1, 'must hold at least one condition');
      },
    })
    .strict(),
  z
    .object({
      get not() {
        return ConditionSchema;
      },
    })
    .strict(),
  RefConditionSchema,
  FactConditionSchema,
]);

/**
 * A condition (inferred from {@link ConditionSchema}).
 *
 * @example
 * ```ts
 * const vip: Condition = { any: [{ fact: 'customer.tier', op: 'eq', value: 'gold' }, { fact: 'customer.spend', op: 'gte', value: 1000 }] };
 * ```
 */
export type Condition = z.infer<typeof ConditionSchema>;

/**
 * A leaf condition (inferred from {@link FactConditionSchema}).
 *
 * @example
 * ```ts
 * const leaf: FactCondition = { fact: 'order.channel', op: 'in', value: ['web', 'app'] };
 * ```
 */
export type FactCondition = z.infer<typeof FactConditionSchema>;
