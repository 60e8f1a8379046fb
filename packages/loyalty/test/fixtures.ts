import {
  createManualClock,
  createMemoryStorage,
  createSeededRandom,
  type OrderInput,
  type Storage,
} from '@crmkit/core';
import { createLoyaltyProgram, type ProgramDefinitionInput } from '../src/index';

/** A small programme: 1 point per EUR, floor rounding, no expiry unless overridden. */
export const basic: ProgramDefinitionInput = {
  id: 'club',
  earning: { rates: [{ currency: 'EUR', points: 1 }] },
};

/** An order of one line at `amount` EUR. */
export function order(
  id: string,
  customerId: string,
  amount: string,
  placedAt: string,
  extra: Partial<OrderInput> = {},
): OrderInput {
  return {
    id,
    customerId,
    placedAt,
    currency: 'EUR',
    lines: [{ sku: 'tea', category: 'drinks', quantity: 1, unitPrice: amount }],
    ...extra,
  };
}

/** A programme over fresh memory storage and a manual clock. */
export function setup(
  definition: ProgramDefinitionInput = basic,
  start = '2026-03-01T10:00:00Z',
  storage?: Storage,
) {
  const clock = createManualClock(start);
  const store = storage ?? createMemoryStorage();
  const program = createLoyaltyProgram({ storage: store, clock, definition, random: createSeededRandom(7) });
  return { clock, storage: store, program };
}
