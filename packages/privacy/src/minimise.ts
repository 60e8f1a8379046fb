import { type CustomerInput, ValidationError } from '@crmkit/core';
import { type Classification, CUSTOMER_FIELDS } from './classification';

/**
 * One minimised row: the input with undeclared data removed, and the paths
 * that were dropped (`'shoeSize'`, `'attributes.favouriteColour'`).
 *
 * @example
 * ```ts
 * const { input, dropped } = minimiseCustomer(row, classification);
 * ```
 */
export interface MinimisedCustomer {
  /** The row to store. */
  readonly input: CustomerInput;
  /** The paths removed, in input order. */
  readonly dropped: readonly string[];
}

/**
 * Data minimisation: drops top-level keys that are not customer fields and
 * attributes not declared (neither named by core's `CustomerAttributesSchema`
 * nor listed in the classification), and reports them. Does not validate the
 * rest (the repository does). A row that is not an object throws
 * `ValidationError`.
 *
 * @example
 * ```ts
 * minimiseCustomer({ id: 'c1', createdAt: '2026-01-01', shoeSize: 42, attributes: { region: 'EU', pet: 'cat' } }, defaultClassification);
 * // { input: { id: 'c1', createdAt: '2026-01-01', attributes: { region: 'EU' } }, dropped: ['shoeSize', 'attributes.pet'] }
 * ```
 */
export function minimiseCustomer(row: unknown, classification: Classification): MinimisedCustomer {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) {
    throw new ValidationError('customer', [{ path: [], message: 'must be an object', code: 'invalid_type' }]);
  }
  const dropped: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (!CUSTOMER_FIELDS.has(key)) {
      dropped.push(key);
    } else if (key === 'attributes' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const attributes: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        if (classification.declaredAttributes.has(name)) attributes[name] = v;
        else dropped.push(`attributes.${name}`);
      }
      input[key] = attributes;
    } else {
      input[key] = value;
    }
  }
  return { input: input as CustomerInput, dropped };
}
