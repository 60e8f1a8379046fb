import { Money, ValidationError, type ValidationIssue } from '@crmkit/core';

const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// PostgreSQL's numeric holds up to 131072 digits before the point and 16383 after.
const LARGEST_EXPONENT = 131_071;
const SMALLEST_EXPONENT = -16_383;

function stringIssue(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (PostgreSQL text cannot hold it)';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

function collect(value: unknown, path: (string | number)[], issues: ValidationIssue[]): void {
  if (typeof value === 'string') {
    const message = stringIssue(value);
    if (message !== undefined) issues.push({ path, message, code: 'unstorable' });
  } else if (value instanceof Date) {
    const time = value.getTime();
    if (!(time >= EARLIEST && time <= LATEST)) {
      issues.push({ path, message: 'must be between the years 0001 and 9999 (UTC)', code: 'unstorable' });
    }
  } else if (value instanceof Money) {
    const exponent = value.amount.e;
    if (exponent > LARGEST_EXPONENT || exponent < SMALLEST_EXPONENT) {
      issues.push({
        path,
        message: 'is too large or too precise for PostgreSQL numeric',
        code: 'unstorable',
      });
    }
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) collect(item, [...path, i], issues);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const message = stringIssue(key);
      if (message !== undefined)
        issues.push({ path: [...path, key], message: `key ${message}`, code: 'unstorable' });
      collect(item, [...path, key], issues);
    }
  }
}

/**
 * Throws `ValidationError` when a value that passed crmkit's schemas still
 * cannot be stored in PostgreSQL unchanged: a string with NUL or a lone
 * surrogate, an instant outside the years 0001–9999 (so it round-trips as
 * ISO 8601 and as `timestamptz`), or an amount beyond `numeric`'s range.
 */
export function assertStorable(what: string, value: unknown, path: (string | number)[] = []): void {
  const issues: ValidationIssue[] = [];
  collect(value, path, issues);
  if (issues.length > 0) throw new ValidationError(what, issues);
}
