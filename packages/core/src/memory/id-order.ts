/**
 * Compares ids by UTF-16 code units (JavaScript's `<` on strings), the id
 * order of every memory stream, the same as PostgreSQL's `COLLATE "C"` for
 * ids without characters beyond the Basic Multilingual Plane.
 */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
