/**
 * Where domain code gets randomness: inject one, so that every result can be
 * reproduced from its seed. Never call `Math.random()` in domain code.
 *
 * @example
 * ```ts
 * function coinFlip(random: Random) { return random.next() < 0.5; }
 * ```
 */
export interface Random {
  /** A uniformly distributed float in [0, 1). */
  next(): number;
}

/**
 * A fast, seeded pseudo-random generator (sfc32 seeded through splitmix32):
 * the same seed always gives the same sequence, on every platform. Not for
 * cryptography.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(42);
 * random.next(); // the same value on every run
 * ```
 */
export function createSeededRandom(seed: number | string): Random {
  let s = typeof seed === 'number' ? seed >>> 0 : hashString(seed);
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return { next };
}

/**
 * A uniformly distributed integer in [min, max] (both inclusive).
 *
 * @example
 * ```ts
 * randomInt(createSeededRandom(1), 1, 6); // a die roll
 * ```
 */
export function randomInt(random: Random, min: number, max: number): number {
  if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
    throw new RangeError(`randomInt: need integers min <= max, got ${min}, ${max}`);
  }
  return min + Math.floor(random.next() * (max - min + 1));
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
