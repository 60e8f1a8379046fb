/**
 * Where domain code gets the time. Never call `Date.now()` in domain code:
 * take a Clock, so every result can be reproduced.
 *
 * @example
 * ```ts
 * function isOverdue(dueAt: Date, clock: Clock) { return clock.now() > dueAt; }
 * ```
 */
export interface Clock {
  /** The current instant (a fresh Date each call). */
  now(): Date;
}

/**
 * A clock that a test moves by hand.
 *
 * @example
 * ```ts
 * const clock = createManualClock('2026-01-01T00:00:00Z');
 * clock.advance({ days: 30 });
 * clock.now().toISOString(); // '2026-01-31T00:00:00.000Z'
 * ```
 */
export interface ManualClock extends Clock {
  /** Moves the clock to an instant. */
  set(instant: Date | string | number): void;
  /** Moves the clock forward (or back, with negative values). */
  advance(
    by: number | { days?: number; hours?: number; minutes?: number; seconds?: number; ms?: number },
  ): void;
}

/**
 * The real time of the machine.
 *
 * @example
 * ```ts
 * const crm = createCrm({ clock: systemClock });
 * ```
 */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

function toInstant(value: Date | string | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : new Date(value).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`${name}: ${String(value)} is not a valid instant`);
  return ms;
}

/**
 * A clock stopped at one instant.
 *
 * @example
 * ```ts
 * fixedClock('2026-03-01T00:00:00Z').now().toISOString(); // '2026-03-01T00:00:00.000Z'
 * ```
 */
export function fixedClock(instant: Date | string | number): Clock {
  const ms = toInstant(instant, 'fixedClock');
  return Object.freeze({ now: () => new Date(ms) });
}

/**
 * A clock that only moves when told to (see {@link ManualClock}).
 *
 * @example
 * ```ts
 * const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
 * clock.advance({ hours: 1 });
 * ```
 */
export function createManualClock(start: Date | string | number): ManualClock {
  let ms = toInstant(start, 'createManualClock');
  return {
    now: () => new Date(ms),
    set(instant) {
      ms = toInstant(instant, 'set');
    },
    advance(by) {
      const delta =
        typeof by === 'number'
          ? by
          : (by.days ?? 0) * 86_400_000 +
            (by.hours ?? 0) * 3_600_000 +
            (by.minutes ?? 0) * 60_000 +
            (by.seconds ?? 0) * 1000 +
            (by.ms ?? 0);
      if (!Number.isFinite(delta)) throw new RangeError('advance: not a finite duration');
      ms += delta;
    },
  };
}
