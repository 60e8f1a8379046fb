import type { Clock } from './clock';
import type { Random } from './random';

/**
 * Makes new unique ids (for events, ledger entries, records created by the
 * host). Injected, like the clock, so tests get predictable ids.
 *
 * @example
 * ```ts
 * const ids: IdGenerator = () => crypto.randomUUID();
 * ```
 */
export type IdGenerator = () => string;

/**
 * Ids `prefix-1`, `prefix-2`, … — for tests and examples.
 *
 * @example
 * ```ts
 * const next = sequentialIds('evt');
 * next(); // 'evt-1'
 * ```
 */
export function sequentialIds(prefix = 'id'): IdGenerator {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULIDs (26 characters, sortable by creation time) from an injected clock
 * and random source; reproducible when both are.
 *
 * @example
 * ```ts
 * const next = ulidIds(systemClock, createSeededRandom(7));
 * next(); // e.g. '01JD...'
 * ```
 */
export function ulidIds(clock: Clock, random: Random): IdGenerator {
  return () => {
    let time = clock.now().getTime();
    let out = '';
    for (let i = 0; i < 10; i++) {
      out = CROCKFORD[time % 32]! + out;
      time = Math.floor(time / 32);
    }
    for (let i = 0; i < 16; i++) out += CROCKFORD[Math.floor(random.next() * 32)]!;
    return out;
  };
}
