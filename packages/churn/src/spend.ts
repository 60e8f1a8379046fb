import { type Decimal as DecimalValue, decimalToMinorUnits, minorUnitsToDecimal } from '@crmkit/core';

/**
 * A running sum of amounts in one currency, kept exact: as whole minor units
 * (plain integer additions, no decimal objects) while every amount is a whole
 * number of minor units and the sum stays below 2⁵³, and as a `Decimal` from
 * the first amount that is not.
 */
export class SpendSum {
  /** The sum in minor units, while {@link SpendSum.exact} is undefined. */
  units = 0;
  /** The sum as a decimal, once it could not stay in minor units. */
  exact: DecimalValue | undefined;

  constructor(readonly digits: number) {}

  add(amount: DecimalValue, sign: 1 | -1): void {
    if (this.exact === undefined) {
      const units = decimalToMinorUnits(amount, this.digits);
      const sum = units === undefined ? Number.NaN : this.units + sign * units;
      if (Number.isSafeInteger(sum)) {
        this.units = sum;
        return;
      }
      this.exact = this.decimal();
    }
    this.exact = sign > 0 ? this.exact.plus(amount) : this.exact.minus(amount);
  }

  /** The sum, exactly. */
  decimal(): DecimalValue {
    return this.exact ?? minorUnitsToDecimal(this.units, this.digits);
  }
}
