import { ValidationError, type ValidationIssue } from '@crmkit/core';
import type { Matrix } from './scaling';

/**
 * Reads named numeric values (one record per row) into a {@link Matrix},
 * checking that every record has every name as a finite number. Issues name
 * the row, the field and the name (`[12, 'features', 'recency']`).
 */
export function featureMatrix(
  what: string,
  records: readonly (Readonly<Record<string, unknown>> | undefined)[],
  names: readonly string[],
  field: string,
): Matrix {
  const columns = names.length;
  const data = new Float64Array(records.length * columns);
  const issues: ValidationIssue[] = [];
  records.forEach((values, i) => {
    if (issues.length >= 20) return;
    names.forEach((name, j) => {
      const v = values?.[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        issues.push({ path: [i, field, name], message: 'must be a finite number', code: 'invalid_type' });
      } else data[i * columns + j] = v;
    });
  });
  if (issues.length > 0) throw new ValidationError(what, issues.slice(0, 20));
  return { rows: records.length, columns, data };
}

/** Throws unless `rows` is an array. */
export function assertArray(what: string, rows: unknown): asserts rows is readonly unknown[] {
  if (!Array.isArray(rows)) {
    throw new ValidationError(what, [{ path: [], message: 'must be an array', code: 'invalid_type' }]);
  }
}

/** Reads plain numeric points (`number[][]`, all of one length) into a {@link Matrix}. */
export function pointMatrix(what: string, points: readonly (readonly number[])[]): Matrix {
  if (!Array.isArray(points)) {
    throw new ValidationError(what, [
      { path: [], message: 'must be an array of points', code: 'invalid_type' },
    ]);
  }
  const columns = Array.isArray(points[0]) ? points[0].length : 0;
  const issues: ValidationIssue[] = [];
  if (points.length > 0 && columns === 0) {
    issues.push({ path: [0], message: 'must be a non-empty array of numbers', code: 'invalid_type' });
  }
  const data = new Float64Array(points.length * columns);
  points.forEach((point, i) => {
    if (issues.length >= 20) return;
    if (!Array.isArray(point) || point.length !== columns) {
      issues.push({ path: [i], message: `must be an array of ${columns} numbers`, code: 'invalid_type' });
      return;
    }
    point.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        issues.push({ path: [i, j], message: 'must be a finite number', code: 'invalid_type' });
      } else data[i * columns + j] = v;
    });
  });
  if (issues.length > 0) throw new ValidationError(what, issues.slice(0, 20));
  return { rows: points.length, columns, data };
}

/** Squared Euclidean distance between row `a` of one matrix and row `b` of another. */
export function squaredDistance(
  x: Float64Array,
  a: number,
  y: Float64Array,
  b: number,
  columns: number,
): number {
  let sum = 0;
  const ia = a * columns;
  const ib = b * columns;
  for (let j = 0; j < columns; j++) {
    const diff = x[ia + j]! - y[ib + j]!;
    sum += diff * diff;
  }
  return sum;
}
