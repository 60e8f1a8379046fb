import type { Clock, Storage } from '@crmkit/core';
import type { ProgramDefinition } from './definition';
import type { EarningRules } from './earning';
import { type Attempt, type Keeping, names, runWrite, runWrites } from './store';

/** What every operation of a programme shares. */
export interface ProgramContext {
  readonly definition: ProgramDefinition;
  readonly storage: Storage;
  readonly clock: Clock;
  readonly names: ReturnType<typeof names>;
  readonly rules: EarningRules;
  readonly codes: () => string;
  write<R>(
    operation: string,
    key: string,
    plan: (attempt: Attempt) => Promise<R>,
    keeping?: Keeping<R>,
  ): Promise<R>;
  /** Many writes of one operation, each once per key, planned together and committed in one transaction. */
  writeMany<R>(
    operation: string,
    keys: readonly string[],
    plan: (attempt: Attempt, index: number) => Promise<R>,
    keeping?: Keeping<R>,
  ): Promise<R[]>;
}

/** Builds the shared context. */
export function programContext(options: {
  definition: ProgramDefinition;
  storage: Storage;
  clock: Clock;
  rules: EarningRules;
  codes: () => string;
  maxAttempts: number;
}): ProgramContext {
  const n = names(options.definition.id);
  const settings = {
    storage: options.storage,
    names: n,
    now: () => options.clock.now(),
    maxAttempts: options.maxAttempts,
  };
  return {
    definition: options.definition,
    storage: options.storage,
    clock: options.clock,
    names: n,
    rules: options.rules,
    codes: options.codes,
    write: (operation, key, plan, keeping) => runWrite(settings, operation, key, plan, keeping),
    writeMany: (operation, keys, plan, keeping) => runWrites(settings, operation, keys, plan, keeping),
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Reward and referral codes such as `K7Q2-9XMD-4TPA` (60 random bits, no
 * look-alike letters) from a source of random floats in [0, 1): pass a
 * seeded `Random`'s `next` for reproducible tests.
 *
 * @example
 * ```ts
 * const codes = codeGenerator(createSeededRandom(7).next);
 * codes(); // e.g. 'K7Q2-9XMD-4TPA'
 * ```
 */
export function codeGenerator(next: () => number): () => string {
  return () => {
    let out = '';
    for (let i = 0; i < 12; i++) {
      if (i > 0 && i % 4 === 0) out += '-';
      out += CROCKFORD[Math.floor(next() * 32)]!;
    }
    return out;
  };
}

/** Random floats from the platform's cryptographic generator (the default for codes). */
export function cryptoFloats(): () => number {
  const buffer = new Uint32Array(1);
  return () => {
    globalThis.crypto.getRandomValues(buffer);
    return buffer[0]! / 4294967296;
  };
}
