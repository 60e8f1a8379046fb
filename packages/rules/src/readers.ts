import { isInheritedKey, MISSING } from './facts';

type Obj = Record<string | number, unknown>;
type Reader = (facts: unknown) => unknown;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const found = (v: unknown) => (v === undefined ? MISSING : v);

// V8 keeps one inline cache per property read in the source, shared by every closure made from it. A
// read that sees many different keys goes megamorphic and costs several times a read that sees one, and
// one reader shared by all paths sees them all. So a path of one or two steps that is read often (a
// thousand times) swaps its general reader for one made from a copy of its own below (one key per read,
// often one object shape), while copies last: the hot paths of a process get them, whatever else it
// compiled. No code is generated: these are plain closures, and every reader reads alike.
const ONE_STEP: readonly ((a: string) => Reader)[] = [
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
  (a) => (f) => (isObject(f) ? found(f[a]) : MISSING),
];
const TWO_STEPS: readonly ((a: string, b: string) => Reader)[] = [
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
  (a, b) => (f) => {
    const o = isObject(f) ? f[a] : MISSING;
    return isObject(o) ? found(o[b]) : MISSING;
  },
];

const PROMOTE_AFTER = 1_000;
const ownReaders = new Map<string, Reader>();
let oneStepCopies = 0;
let twoStepCopies = 0;

/**
 * The reader of a fact path (read like `readFact`), held in `read`: first
 * the general reader, then, for a plain path of one or two steps read often
 * enough, the path's own copy while copies last.
 */
export class FactReader {
  read: Reader;

  constructor(path: readonly (string | number)[]) {
    const inherited = path.map(isInheritedKey);
    const shared = sharedReader(path, inherited);
    const plain = path.length <= 2 && path.every((key, i) => typeof key === 'string' && !inherited[i]);
    const id = path.join('.');
    const own = plain ? ownReaders.get(id) : undefined;
    if (!plain || own !== undefined) {
      this.read = own ?? shared;
      return;
    }
    let reads = 0;
    this.read = (facts) => {
      if (++reads === PROMOTE_AFTER) this.read = ownReader(id, path as readonly string[]) ?? shared;
      return shared(facts);
    };
  }
}

/** The path's own reader: the one it has, or one made from the next free copy. */
function ownReader(id: string, path: readonly string[]): Reader | undefined {
  let reader = ownReaders.get(id);
  if (reader === undefined) {
    const [a, b] = path as [string, string | undefined];
    if (b === undefined) {
      if (oneStepCopies < ONE_STEP.length) reader = ONE_STEP[oneStepCopies++]!(a);
    } else if (twoStepCopies < TWO_STEPS.length) reader = TWO_STEPS[twoStepCopies++]!(a, b);
    if (reader !== undefined) ownReaders.set(id, reader);
  }
  return reader;
}

/** The general readers: inline for one or two steps, otherwise a loop with the inherited keys found once. */
function sharedReader(path: readonly (string | number)[], inherited: readonly boolean[]): Reader {
  if (path.length === 1 && !inherited[0]) {
    const [a] = path as [string];
    return (f) => {
      if (f === null || typeof f !== 'object') return MISSING;
      const v = (f as Obj)[a];
      return v === undefined ? MISSING : v;
    };
  }
  if (path.length === 2 && !inherited[0] && !inherited[1]) {
    const [a, b] = path as [string, string];
    return (f) => {
      if (f === null || typeof f !== 'object') return MISSING;
      const o = (f as Obj)[a];
      if (o === null || typeof o !== 'object') return MISSING;
      const v = (o as Obj)[b];
      return v === undefined ? MISSING : v;
    };
  }
  return (f) => {
    let current = f;
    for (let i = 0; i < path.length; i++) {
      if (current === null || typeof current !== 'object') return MISSING;
      const key = path[i]!;
      if (inherited[i] && !Object.hasOwn(current, key)) return MISSING;
      current = (current as Obj)[key];
    }
    return current === undefined ? MISSING : current;
  };
}
