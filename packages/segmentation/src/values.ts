import { type Decimal, Money, toDecimal, type ValidationIssue } from '@crmkit/core';

/** The double of core's `AmountInput` (for ranking and scoring), or `undefined` when it is not a finite decimal. */
export function amountToNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value instanceof Money) return value.amount.toNumber();
  return toDecimal(value)?.toNumber();
}

/** The exact decimal of an `AmountInput`, or `undefined`. */
export function amountToDecimal(value: unknown): Decimal | undefined {
  return value instanceof Money ? value.amount : toDecimal(value);
}

/** An issue for a value that is not an `AmountInput`. */
export function notAnAmount(path: readonly (string | number)[]): ValidationIssue {
  return {
    path,
    message: 'must be a finite number, Money, a decimal or a decimal string',
    code: 'invalid_type',
  };
}
