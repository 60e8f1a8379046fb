import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { Random } from '@crmkit/core';

/**
 * Where IVs and new data keys come from: `size` random bytes. Production uses
 * Node's CSPRNG ({@link cryptoRandomBytes}); tests inject
 * {@link seededRandomBytes} to make ciphertexts reproducible.
 *
 * @example
 * ```ts
 * const bytes: RandomBytes = (size) => new Uint8Array(size); // never do this outside a test
 * ```
 */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * Node's cryptographically secure random bytes (`crypto.randomBytes`).
 *
 * @example
 * ```ts
 * cryptoRandomBytes(12).length; // 12
 * ```
 */
export const cryptoRandomBytes: RandomBytes = (size) => new Uint8Array(nodeRandomBytes(size));

/**
 * Reproducible bytes from a seeded `Random` (e.g. core's
 * `createSeededRandom`). For tests only: predictable IVs and keys are not
 * secret.
 *
 * @example
 * ```ts
 * const bytes = seededRandomBytes(createSeededRandom(7));
 * bytes(12); // the same 12 bytes on every run
 * ```
 */
export function seededRandomBytes(random: Random): RandomBytes {
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = Math.floor(random.next() * 256);
    return out;
  };
}
