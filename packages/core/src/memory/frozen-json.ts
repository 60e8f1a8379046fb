import { ValidationError, type ValidationIssue } from '../errors';
import type { JsonValue } from '../json';

/** Nesting depth from which the walk looks for cycles (a cycle nests without end, real JSON seldom this deep). */
const CYCLE_CHECK_DEPTH = 64;

/** How far ahead in the previous version of an array the walk looks for an item it was given. */
const MATCH_WINDOW = 8;

const EXPECTED = 'must be a string, finite number, boolean, null, array or plain object';

/**
 * The checks and copies of one write: walks JSON values once, checking that
 * each is JSON and building its deeply frozen copy, and collects every issue
 * with its path (below `base`).
 *
 * A write may pass the previous version of the value, as this store made it
 * (deeply frozen, checked, shared with nobody mutably): every object or
 * array of the new value that *is* (by identity) the object at the same
 * place of the previous version (an array item: a few places ahead, so that
 * items removed or added in front do not defeat it) is kept as it is,
 * without another check or copy. Re-putting a document read from the store
 * with a few changes so costs what changed, not the whole document. Marking
 * every copy instead (a `WeakSet`, a brand) costs more than it saves: most
 * copies are never put again.
 */
export class JsonCopier {
  readonly issues: ValidationIssue[] = [];
  private readonly path: (string | number)[] = [];
  private readonly ancestors: object[] = [];

  /** A deeply frozen copy of `value` (with `null` in place of bad values), issue paths starting at `base`. */
  copy(value: unknown, base: readonly (string | number)[] = [], previous?: JsonValue): JsonValue {
    this.path.length = 0;
    this.path.push(...base);
    return this.value(value, previous);
  }

  private value(value: unknown, previous: JsonValue | undefined): JsonValue {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value;
      case 'number':
        return Number.isFinite(value) ? value : this.issue(`must be a finite number, got ${value}`);
      case 'object':
        if (value === null) return null;
        if (value === previous) return previous;
        return this.container(value, previous);
      default:
        return this.issue(`${EXPECTED}, got ${typeof value}`);
    }
  }

  private container(value: object, previous: JsonValue | undefined): JsonValue {
    const { ancestors } = this;
    if (ancestors.length >= CYCLE_CHECK_DEPTH && ancestors.includes(value)) {
      return this.issue('must not contain itself (the value has a cycle)', 'custom');
    }
    ancestors.push(value);
    const copy = Array.isArray(value)
      ? this.array(value, Array.isArray(previous) ? previous : undefined)
      : this.object(value, isRecord(previous) ? previous : undefined);
    ancestors.pop();
    if (copy === null) return null;
    Object.freeze(copy);
    return copy;
  }

  private array(items: readonly unknown[], previous: readonly JsonValue[] | undefined): JsonValue[] {
    const { path } = this;
    // the common case, a list that grew or changed at its end: the same items as the previous version
    // (any value: the previous version's are checked JSON) up to some index are kept in one native copy
    let same = 0;
    if (previous !== undefined) {
      const limit = Math.min(items.length, previous.length);
      while (same < limit && items[same] === previous[same]) same++;
    }
    // (a spread: `slice` of a frozen array takes V8's slow path, tens of times slower)
    const copy: JsonValue[] = same > 0 ? [...previous!] : [];
    copy.length = same;
    let next = same;
    for (let i = same; i < items.length; i++) {
      const item = items[i];
      if (previous !== undefined && item === previous[next] && typeof item === 'object' && item !== null) {
        copy.push(item as JsonValue);
        next++;
        continue;
      }
      let before: JsonValue | undefined;
      if (previous !== undefined && typeof item === 'object' && item !== null) {
        const end = Math.min(previous.length, next + MATCH_WINDOW);
        for (let j = next; j < end; j++) {
          if (previous[j] === item) {
            before = item as JsonValue;
            next = j + 1;
            break;
          }
        }
      }
      path.push(i);
      copy.push(this.value(item, before));
      path.pop();
    }
    return copy;
  }

  private object(
    value: object,
    previous: Readonly<Record<string, JsonValue>> | undefined,
  ): Record<string, JsonValue> | null {
    if (!isPlainObject(value)) return this.issue(`${EXPECTED}, got ${kindOf(value)}`);
    if (hasSymbolKeys(value)) return this.issue('must not have symbol keys', 'invalid_key');
    const { path } = this;
    const source = value as Record<string, unknown>;
    const copy: Record<string, JsonValue> = {};
    // for…in reads V8's cached key list of the object's shape (Object.keys would allocate one per object)
    for (const key in source) {
      // JSON.parse makes "__proto__" an own key; assigning it would set the copy's prototype: drop it
      if (key === '__proto__' || !Object.hasOwn(source, key)) continue;
      path.push(key);
      // own keys only: an inherited `toString` of the previous version is no stored value
      copy[key] = this.value(
        source[key],
        previous !== undefined && Object.hasOwn(previous, key) ? previous[key] : undefined,
      );
      path.pop();
    }
    return copy;
  }

  private issue(message: string, code = 'invalid_type'): null {
    this.issues.push({ path: [...this.path], message, code });
    return null;
  }
}

/**
 * Checks that `value` is JSON and returns a deeply frozen copy of it, in one
 * walk; throws `ValidationError` (naming `what`, every bad path and why)
 * when it is not. The parts that are those of `previous` (a value this
 * store made) are kept, not copied: see {@link JsonCopier}.
 */
export function frozenJson(what: string, value: unknown, previous?: JsonValue): JsonValue {
  const copier = new JsonCopier();
  const copy = copier.copy(value, [], previous);
  if (copier.issues.length > 0) throw new ValidationError(what, copier.issues);
  return copy;
}

const isRecord = (value: JsonValue | undefined): value is Readonly<Record<string, JsonValue>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A plain object, as zod's records accept them: no prototype, `Object.prototype`, or a constructor that looks like `Object`. */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype: unknown = ctor.prototype;
  return typeof prototype === 'object' && prototype !== null && Object.hasOwn(prototype, 'isPrototypeOf');
}

function hasSymbolKeys(value: object): boolean {
  for (const key of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, key)) return true;
  }
  return false;
}

function kindOf(value: object): string {
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? `a ${ctor.name}` : 'an object';
}
