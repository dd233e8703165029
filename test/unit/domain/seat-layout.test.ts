import { rowName, rowOf, seatLabels, seatSet } from '../../../src/domain';

describe('the seat layout', () => {
  describe('row names', () => {
    it.each([
      [0, 'A'],
      [1, 'B'],
      [25, 'Z'],
      [26, 'AA'],
      [27, 'AB'],
      [51, 'AZ'],
      [52, 'BA'],
      [701, 'ZZ'],
      [702, 'AAA'],
    ])('row %i is named %s', (index, name) => {
      expect(rowName(index)).toBe(name);
    });

    it('when rows are counted up, then names run A..Z, AA, AB, ... with no gaps and no repeats', () => {
      const names = Array.from({ length: 800 }, (_, i) => rowName(i));
      expect(names.slice(0, 26).join('')).toBe('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
      expect(new Set(names).size).toBe(names.length);
      expect(names.every((n) => /^[A-Z]+$/.test(n))).toBe(true);
    });
  });

  describe('seat labels', () => {
    it('when a room has 16 seats of 10 per row, then they are A1..A10, B1..B6', () => {
      expect(seatLabels(16, 10)).toEqual(['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6']);
    });

    it('when a room has one seat per row, then the 27th seat is in row AA', () => {
      const labels = seatLabels(28, 1);
      expect(labels[25]).toBe('Z1');
      expect(labels[26]).toBe('AA1');
      expect(labels[27]).toBe('AB1');
    });

    it('when a room has the largest allowed layout (2000 seats, 50 per row), then it ends at AN50 (row 40) and every label is unique', () => {
      const labels = seatLabels(2000, 50);
      expect(labels).toHaveLength(2000);
      expect(labels[0]).toBe('A1');
      expect(labels[1999]).toBe('AN50');
      expect(new Set(labels).size).toBe(2000);
    });

    it('when a room has no seats, then there are no labels', () => {
      expect(seatLabels(0, 10)).toEqual([]);
    });
  });

  describe('rowOf', () => {
    it.each([
      ['A1', 'A'],
      ['A10', 'A'],
      ['B6', 'B'],
      ['AB12', 'AB'],
      ['ZZ50', 'ZZ'],
    ])('the row of %s is %s', (label, row) => {
      expect(rowOf(label)).toBe(row);
    });

    it('when every label of a room is split, then its row is the row it was laid out in', () => {
      const labels = seatLabels(120, 7);
      labels.forEach((label, i) => expect(rowOf(label)).toBe(rowName(Math.floor(i / 7))));
    });
  });
});

describe('the set of a layout\'s labels', () => {
  it('when asked for the same layout twice, then the set is built once and the same set is answered', () => {
    const labels = seatLabels(16, 10);
    const set = seatSet(labels);
    expect([...set]).toEqual(labels);
    expect(seatSet(labels)).toBe(set);
  });
});

describe('a layout that cannot be laid out', () => {
  it.each([
    ['zero seats per row', 0],
    ['a negative number of seats per row', -3],
    ['a fractional number of seats per row', 2.5],
    ['NaN seats per row', Number.NaN],
    ['infinitely many seats per row', Number.POSITIVE_INFINITY],
  ])('when a room has %s, then the labels are refused with a RangeError instead of looping or inventing rows', (_case, perRow) => {
    expect(() => seatLabels(16, perRow)).toThrow(RangeError);
  });

  it('then the error names the setting at fault', () => {
    expect(() => seatLabels(16, 0)).toThrow('seatsPerRow must be a positive integer');
  });
});
