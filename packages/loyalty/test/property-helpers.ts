import { LoyaltyError } from '../src/index';

export { balanceOf, type LoyaltyProgram } from '../src/index';

/** The refusal the property test expects (a debit above what is spendable): nothing was written. */
export function isLoyaltyRefusal(e: unknown): boolean {
  return e instanceof LoyaltyError && e.code === 'INSUFFICIENT_POINTS';
}
