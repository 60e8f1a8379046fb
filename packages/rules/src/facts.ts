/**
 * Marks a fact that is not there (a path that leads nowhere, or `undefined`).
 *
 * @example
 * ```ts
 * readFact({ a: {} }, compilePath('a.b')) === MISSING; // true
 * ```
 */
export const MISSING: unique symbol = Symbol('missing fact');

/**
 * Splits a dotted path once (`'order.lines.0.sku'` → `['order', 'lines', 0, 'sku']`); numeric
 * segments index arrays.
 *
 * @example
 * ```ts
 * compilePath('order.lines.0.sku'); // ['order', 'lines', 0, 'sku']
 * ```
 */
export function compilePath(path: string): readonly (string | number)[] {
  return path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Whether every plain object inherits `key` from `Object.prototype`
 * (`constructor`, `toString`, `__proto__`…): such a key is read only when it
 * is the object's own.
 */
export function isInheritedKey(key: string | number): boolean {
  return key in Object.prototype;
}

/**
 * Reads a fact along a compiled path. Never throws: a missing step, a step
 * into a non-object, or an `undefined` value gives {@link MISSING}. What
 * objects inherit from `Object.prototype` (`constructor`, `toString`,
 * `__proto__`…) is never read, only such a key the object holds itself;
 * other properties are read as JavaScript reads them (so getters of class
 * instances are facts too).
 *
 * @example
 * ```ts
 * readFact({ order: { lines: [{ sku: 'tea' }] } }, compilePath('order.lines.0.sku')); // 'tea'
 * ```
 */
export function readFact(facts: unknown, path: readonly (string | number)[]): unknown {
  let current = facts;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return MISSING;
    const key = path[i]!;
    if (isInheritedKey(key) && !Object.hasOwn(current, key)) return MISSING;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current === undefined ? MISSING : current;
}
