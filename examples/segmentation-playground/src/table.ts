const NUMBER = /^[-+]?[\d,.]+( %)?$/;

/** Renders rows as a plain-text table: text columns left-aligned, numeric ones right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const numeric = header.map((_, c) => rows.length > 0 && rows.every((row) => NUMBER.test(String(row[c]))));
  const width = header.map((_, c) => Math.max(...cells.map((row) => row[c]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, c) => (numeric[c] ? cell.padStart(width[c]!) : cell.padEnd(width[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(width.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}

/** A share as a percentage with one decimal: 0.1234 → '12.3 %'. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** An amount with thousands separators and two decimals, from an exact decimal string (or a number). */
export function money(amount: string | number): string {
  const [whole, cents = '00'] = (typeof amount === 'number' ? amount.toFixed(2) : amount).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}.${cents.padEnd(2, '0')}`;
}
