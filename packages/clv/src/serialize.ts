import { parseWith, ValidationError } from '@crmkit/core';
import { z } from 'zod';
import type { FitSummary } from './fit';

const nonNegative = z.number().min(0, 'must be >= 0').finite('must be finite');

/** The JSON schema of a fitted model: its kind, parameters, log-likelihood and fit summary. */
export function modelJsonSchema<const M extends string, P extends z.ZodObject>(model: M, params: P) {
  return z.strictObject({
    model: z.literal(model),
    params,
    logLikelihood: z.number().finite('must be finite').optional(),
    fit: z
      .strictObject({
        standardErrors: params,
        customers: nonNegative,
        distinctRows: z.number().int('must be a whole number').min(0, 'must be >= 0'),
        penalizer: nonNegative,
        iterations: z.number().int('must be a whole number').min(0, 'must be >= 0'),
      })
      .optional(),
  });
}

/** What every model keeps besides its parameters. */
export interface ModelState<P> {
  readonly params: P;
  readonly logLikelihood?: number | undefined;
  readonly fit?: FitSummary<P> | undefined;
}

/** Parses a model's JSON (an object or a JSON string) into its state; throws `ValidationError`. */
export function readModelJson<S extends z.ZodType>(schema: S, what: string, json: unknown): z.output<S> {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json);
    } catch {
      throw new ValidationError(what, [{ path: [], message: 'is not valid JSON', code: 'custom' }]);
    }
  }
  return parseWith(schema, what, input);
}

/** The plain-object form of a model's state, omitting absent fields. */
export function writeModelJson<M extends string, P>(model: M, state: ModelState<P>) {
  return {
    model,
    params: { ...state.params },
    ...(state.logLikelihood === undefined ? {} : { logLikelihood: state.logLikelihood }),
    ...(state.fit === undefined
      ? {}
      : { fit: { ...state.fit, standardErrors: { ...state.fit.standardErrors } } }),
  };
}
