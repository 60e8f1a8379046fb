import DecimalJs from 'decimal.js';
import { bench, describe } from 'vitest';
import { Money } from '../src/index';

// Summing 10,000 order totals: crmkit Money against its peer, plain decimal.js (and floats, which are
// fast but wrong: 0.1 + 0.2 !== 0.3). vitest prints each rate and the ratios between them.
const amounts = Array.from(
  { length: 10_000 },
  (_, i) => `${(i % 997) + 1}.${String(i % 100).padStart(2, '0')}`,
);
const monies = amounts.map((a) => Money.of(a, 'EUR'));
const decimals = amounts.map((a) => new DecimalJs(a));
const floats = amounts.map(Number);

describe('sum 10k amounts', () => {
  bench('crmkit Money.plus', () => {
    let total = Money.zero('EUR');
    for (const m of monies) total = total.plus(m);
  });
  bench('decimal.js plus (peer)', () => {
    let total = new DecimalJs(0);
    for (const d of decimals) total = total.plus(d);
  });
  bench('float + (inexact, for scale)', () => {
    let total = 0;
    for (const f of floats) total += f;
    if (!Number.isFinite(total)) throw new Error('float sum overflowed');
  });
});

describe('allocate 100.00 EUR over 7 parts', () => {
  const hundred = Money.of(100, 'EUR');
  bench('crmkit Money.allocate', () => {
    hundred.allocate([1, 2, 3, 4, 5, 6, 7]);
  });
});
