import { version } from '../package.json';

/**
 * The version of the plugin API this host implements: the version of the
 * installed `@crmkit/plugin-sdk` package (inlined from its package.json at
 * build time). A plugin declares the range it supports (`sdk: '^0.1.0'`);
 * the host refuses a plugin whose range does not include it. Below 1.0.0 a
 * caret range pins the minor version, so a plugin built for 0.1 runs on
 * 0.1.x hosts only.
 *
 * @example
 * ```ts
 * satisfiesRange(SDK_VERSION, `^${SDK_VERSION}`); // true
 * ```
 */
export const SDK_VERSION: string = version;

const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL =
  /^(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?)?)?$/;

type Parsed = { major: number; minor: number; patch: number; pre: string[] };
type Comparator = { op: '<' | '<=' | '>' | '>=' | '='; version: Parsed };

/**
 * Tells whether a string is a semantic version (`MAJOR.MINOR.PATCH`, with an
 * optional pre-release and build).
 *
 * @example
 * ```ts
 * isVersion('1.2.3'); // true
 * isVersion('1.2'); // false
 * ```
 */
export function isVersion(version: string): boolean {
  return VERSION.test(version);
}

function parseVersion(version: string): Parsed | undefined {
  const m = VERSION.exec(version.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

function compare(a: Parsed, b: Parsed): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return Math.sign(d);
  if (a.pre.length === 0 || b.pre.length === 0)
    return b.pre.length - a.pre.length === 0 ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const v = (major: number, minor: number, patch: number, pre: string[] = []): Parsed => ({
  major,
  minor,
  patch,
  pre,
});

/** Expands one range term (`^1.2.3`, `~1.2`, `>=1.0.0`, `1.x`, `*`) into comparators. */
function expand(term: string): Comparator[] | undefined {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(term);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = PARTIAL.exec(m[2]!);
  if (!p) return undefined;
  const wild = (s: string | undefined) => s === undefined || s === '*' || s === 'x' || s === 'X';
  if (wild(p[1])) return op === '' || op === '>=' || op === '=' ? [] : undefined;
  const major = Number(p[1]);
  const minorWild = wild(p[2]);
  const patchWild = minorWild || wild(p[3]);
  const minor = minorWild ? 0 : Number(p[2]);
  const patch = patchWild ? 0 : Number(p[3]);
  const pre = p[4] ? p[4].split('.') : [];
  const low = v(major, minor, patch, pre);
  const partialUpper = minorWild ? v(major + 1, 0, 0) : v(major, minor + 1, 0);
  switch (op) {
    case '^': {
      const upper =
        major > 0 || minorWild
          ? v(major + 1, 0, 0)
          : minor > 0 || patchWild
            ? v(0, minor + 1, 0)
            : v(0, 0, patch + 1);
      return [
        { op: '>=', version: low },
        { op: '<', version: upper },
      ];
    }
    case '~':
      return [
        { op: '>=', version: low },
        { op: '<', version: minorWild ? v(major + 1, 0, 0) : v(major, minor + 1, 0) },
      ];
    case '':
    case '=':
      return patchWild
        ? [
            { op: '>=', version: low },
            { op: '<', version: partialUpper },
          ]
        : [{ op: '=', version: low }];
    case '>':
      return patchWild ? [{ op: '>=', version: partialUpper }] : [{ op: '>', version: low }];
    case '<=':
      return patchWild ? [{ op: '<', version: partialUpper }] : [{ op: '<=', version: low }];
    default:
      return [{ op: op as Comparator['op'], version: low }];
  }
}

function parseRange(range: string): Comparator[][] | undefined {
  const sets: Comparator[][] = [];
  for (const alternative of range.split('||')) {
    const terms = alternative
      .trim()
      .replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter((t) => t !== '');
    if (terms.length === 0) {
      sets.push([]);
      continue;
    }
    const set: Comparator[] = [];
    for (const term of terms) {
      const comparators = expand(term);
      if (!comparators) return undefined;
      set.push(...comparators);
    }
    sets.push(set);
  }
  return sets;
}

/**
 * Tells whether a string is a version range this module understands: `*`,
 * exact or partial versions (`1.2.3`, `1.x`), `^`, `~`, comparators
 * (`>=1.0.0 <2.0.0`) and alternatives joined by `||`.
 *
 * @example
 * ```ts
 * isVersionRange('^0.1.0 || ^1.0.0'); // true
 * isVersionRange('latest'); // false
 * ```
 */
export function isVersionRange(range: string): boolean {
  return parseRange(range) !== undefined;
}

/**
 * Tells whether a version lies in a range, with npm's semantics for `^`, `~`,
 * `x` and comparators. A pre-release version only matches a comparator set
 * that names a pre-release of the same `MAJOR.MINOR.PATCH`.
 *
 * @example
 * ```ts
 * satisfiesRange('0.1.4', '^0.1.0'); // true
 * satisfiesRange('0.2.0', '^0.1.0'); // false (below 1.0.0, ^ pins the minor)
 * satisfiesRange('2.1.0', '>=1.2.0 <3.0.0'); // true
 * ```
 */
export function satisfiesRange(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const sets = parseRange(range);
  if (!parsed || !sets) return false;
  return sets.some(
    (set) =>
      set.every((c) => {
        const d = compare(parsed, c.version);
        return c.op === '='
          ? d === 0
          : c.op === '<'
            ? d < 0
            : c.op === '<='
              ? d <= 0
              : c.op === '>'
                ? d > 0
                : d >= 0;
      }) &&
      (parsed.pre.length === 0 ||
        set.some(
          (c) =>
            c.version.pre.length > 0 &&
            c.version.major === parsed.major &&
            c.version.minor === parsed.minor &&
            c.version.patch === parsed.patch,
        )),
  );
}
