/**
 * Why a condition held or not: the condition tree with, at every node,
 * whether it held, and at every leaf the value seen (`actual`, absent when
 * the fact is missing) and the value compared with (`expected`, facts
 * resolved).
 *
 * @example
 * ```ts
 * const why: Explanation = compile(c).explain(facts);
 * if (why.kind === 'fact') console.log(`${why.fact} was ${String(why.actual)}`);
 * ```
 */
export type Explanation =
  | {
      readonly kind: 'all' | 'any';
      readonly held: boolean;
      readonly path: readonly (string | number)[];
      readonly children: readonly Explanation[];
    }
  | {
      readonly kind: 'not';
      readonly held: boolean;
      readonly path: readonly (string | number)[];
      readonly child: Explanation;
    }
  | {
      readonly kind: 'ref';
      readonly name: string;
      readonly held: boolean;
      readonly path: readonly (string | number)[];
      readonly child: Explanation;
    }
  | {
      readonly kind: 'fact';
      readonly held: boolean;
      readonly path: readonly (string | number)[];
      readonly fact: string;
      readonly op: string;
      readonly expected?: unknown;
      readonly actual?: unknown;
      readonly missing: boolean;
    };

/**
 * Renders an explanation as indented lines, one per clause, marked ✓ or ✗.
 *
 * @example
 * ```ts
 * console.log(formatExplanation(compile(c).explain(facts)));
 * // ✓ all
 * //   ✓ order.total gte 100 (was 120)
 * ```
 */
export function formatExplanation(explanation: Explanation, indent = ''): string {
  const mark = explanation.held ? '✓' : '✗';
  switch (explanation.kind) {
    case 'all':
    case 'any':
      return [
        `${indent}${mark} ${explanation.kind}`,
        ...explanation.children.map((c) => formatExplanation(c, `${indent}  `)),
      ].join('\n');
    case 'not':
      return `${indent}${mark} not\n${formatExplanation(explanation.child, `${indent}  `)}`;
    case 'ref':
      return `${indent}${mark} ref ${explanation.name}\n${formatExplanation(explanation.child, `${indent}  `)}`;
    case 'fact': {
      const expected = explanation.expected === undefined ? '' : ` ${show(explanation.expected)}`;
      const seen = explanation.missing ? 'missing' : `was ${show(explanation.actual)}`;
      return `${indent}${mark} ${explanation.fact} ${explanation.op}${expected} (${seen})`;
    }
  }
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof value.toString === 'function' &&
    value.toString !== Object.prototype.toString
  ) {
    return value.toString();
  }
  return JSON.stringify(value);
}
