import { fromCents, toCents } from '../../../src/domain';

describe('money in integer cents', () => {
  it.each([
    [25, 2500],
    [25.0, 2500],
    [19.99, 1999],
    [0.1, 10],
    [0.29, 29],
    [1.15, 115],
    [0, 0],
    [12.5, 1250],
  ])('toCents(%p) is %p', (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it('when a price like 19.99 is multiplied naively it is off, but through cents it is exact', () => {
    expect(19.99 * 100).not.toBe(1999);
    expect(toCents(19.99)).toBe(1999);
    expect(fromCents(toCents(19.99) * 3)).toBe(59.97);
  });

  it('when three tickets of 0.10 are added up through cents, then the total is exactly 0.3', () => {
    expect(0.1 * 3).not.toBe(0.3);
    expect(fromCents(toCents(0.1) * 3)).toBe(0.3);
    expect(fromCents(toCents(0.1) + toCents(0.1) + toCents(0.1))).toBe(0.3);
  });

  it.each([
    [2500, 25],
    [1999, 19.99],
    [30, 0.3],
    [1, 0.01],
    [0, 0],
  ])('fromCents(%p) is %p', (cents, amount) => {
    expect(fromCents(cents)).toBe(amount);
  });

  it('when any amount up to 2000.00 goes to cents and back, then it is unchanged and has at most 2 decimals', () => {
    for (let cents = 0; cents <= 200_000; cents++) {
      const amount = fromCents(cents);
      if (toCents(amount) !== cents) throw new Error(`${cents} cents came back as ${toCents(amount)}`);
      if (Number(amount.toFixed(2)) !== amount) throw new Error(`${cents} cents shown as ${amount}`);
    }
  });
});
