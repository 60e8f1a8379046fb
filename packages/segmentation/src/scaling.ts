import { z } from 'zod';

/**
 * How features are put on a common scale before distances or weights mean
 * anything:
 *
 * - `z`: `(x − mean) / sd`, with the population standard deviation;
 * - `min-max`: `(x − min) / (max − min)`, into [0, 1];
 * - `none`: as given.
 *
 * A feature with no spread maps to the middle of its scale: 0 for `z`, 0.5
 * for `min-max`.
 *
 * @example
 * ```ts
 * ScalingSchema.parse('min-max');
 * ```
 */
export const ScalingSchema = z.enum(['z', 'min-max', 'none']);

/**
 * One of {@link ScalingSchema}'s methods.
 *
 * @example
 * ```ts
 * const scaling: Scaling = 'z';
 * ```
 */
export type Scaling = z.infer<typeof ScalingSchema>;

/** Rows × columns of numbers, row-major. */
export interface Matrix {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float64Array;
}

/**
 * How each column was scaled: `scaled = (x − offset) / factor`.
 *
 * @example
 * ```ts
 * const s: ScalingParameters = { method: 'min-max', offset: [0], factor: [250] };
 * ```
 */
export interface ScalingParameters {
  /** The method used. */
  readonly method: Scaling;
  /** Subtracted from each column. */
  readonly offset: readonly number[];
  /** Each column is then divided by this. */
  readonly factor: readonly number[];
}

/** Fits the scaling of every column of a matrix. */
export function fitScaling(matrix: Matrix, method: Scaling): ScalingParameters {
  const { rows, columns, data } = matrix;
  const offset = new Array<number>(columns).fill(0);
  const factor = new Array<number>(columns).fill(1);
  if (method === 'none' || rows === 0) return { method, offset, factor };
  for (let j = 0; j < columns; j++) {
    if (method === 'z') {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += data[i * columns + j]!;
      const mean = sum / rows;
      let squares = 0;
      for (let i = 0; i < rows; i++) squares += (data[i * columns + j]! - mean) ** 2;
      const sd = Math.sqrt(squares / rows);
      offset[j] = mean;
      factor[j] = sd > 0 ? sd : 1;
    } else {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < rows; i++) {
        const v = data[i * columns + j]!;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      offset[j] = max > min ? min : min - 0.5;
      factor[j] = max > min ? max - min : 1;
    }
  }
  return { method, offset, factor };
}

/** A scaled copy of a matrix. */
export function applyScaling(matrix: Matrix, scaling: ScalingParameters): Matrix {
  const { rows, columns, data } = matrix;
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const at = i * columns + j;
      out[at] = (data[at]! - scaling.offset[j]!) / scaling.factor[j]!;
    }
  }
  return { rows, columns, data: out };
}
