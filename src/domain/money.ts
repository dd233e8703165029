/** Money is kept in integer cents; these convert at the edges (JSON numbers with at most 2 decimals). */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}
