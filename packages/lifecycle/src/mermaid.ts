import { delayToMs } from './definition';
import type { Machine } from './machine';

const id = (name: string) => name.replace(/[^A-Za-z0-9_]/g, '_');

const delayText = (ms: number) => {
  for (const [size, unit] of [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
  ] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}`;
  }
  return `${ms / 1000} s`;
};

/**
 * Draws a machine as a Mermaid state diagram (for docs and READMEs): every transition labelled with its
 * event, `[guard]` when it has one, and timers as `after <delay>`. Internal transitions (no target) are
 * left out.
 *
 * @example
 * ```ts
 * console.log(toMermaid(relationshipClass()));
 * // stateDiagram-v2
 * //   [*] --> potential
 * //   potential --> existing: order.placed
 * //   …
 * ```
 */
export function toMermaid(machine: Machine): string {
  const def = machine.definition;
  const lines = ['stateDiagram-v2'];
  for (const name of machine.states) {
    if (id(name) !== name) lines.push(`  state "${name}" as ${id(name)}`);
  }
  lines.push(`  [*] --> ${id(def.initial)}`);
  for (const [name, state] of Object.entries(def.states)) {
    for (const [event, value] of Object.entries(state.on ?? {})) {
      for (const t of Array.isArray(value) ? value : [value]) {
        if (t.target === undefined) continue;
        const guarded = t.when !== undefined || t.guard !== undefined ? ' [guard]' : '';
        lines.push(`  ${id(name)} --> ${id(t.target)}: ${event}${guarded}`);
      }
    }
    for (const timer of state.after ?? []) {
      const guarded = timer.when !== undefined || timer.guard !== undefined ? ' [guard]' : '';
      const from = timer.from === undefined ? '' : ` of ${timer.from.replace(/^context\./, '')}`;
      lines.push(
        `  ${id(name)} --> ${id(timer.target)}: after ${delayText(delayToMs(timer.after))}${from}${guarded}`,
      );
    }
    if (state.final === true) lines.push(`  ${id(name)} --> [*]`);
  }
  return lines.join('\n');
}
