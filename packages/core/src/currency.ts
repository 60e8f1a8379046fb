// ISO 4217 active codes grouped by their number of minor-unit digits.
const BY_DIGITS: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2: `AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
      CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS
      GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD
      MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR
      PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP
      TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL`,
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

const MINOR_DIGITS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_DIGITS).flatMap(([digits, codes]) =>
    codes
      .split(/\s+/)
      .filter(Boolean)
      .map((code) => [code, Number(digits)] as const),
  ),
);

/**
 * An ISO 4217 alphabetic currency code such as `'EUR'` or `'JPY'`.
 *
 * @example
 * ```ts
 * const c: CurrencyCode = 'EUR';
 * ```
 */
export type CurrencyCode = string;

/**
 * Tells whether a string is an active ISO 4217 currency code.
 *
 * @example
 * ```ts
 * isCurrencyCode('EUR'); // true
 * isCurrencyCode('EURO'); // false
 * ```
 */
export function isCurrencyCode(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && MINOR_DIGITS.has(code);
}

/**
 * The number of minor-unit digits of a currency (2 for EUR, 0 for JPY, 3 for
 * KWD), or `undefined` for an unknown code.
 *
 * @example
 * ```ts
 * currencyDigits('JPY'); // 0
 * ```
 */
export function currencyDigits(code: string): number | undefined {
  return MINOR_DIGITS.get(code);
}
