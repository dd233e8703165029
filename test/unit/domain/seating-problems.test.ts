import { resolveSeating, seatLabels, type SeatingSpec } from '../../../src/domain';

/**
 * What a refused seating plan tells the box office: every problem in words, and where in the layout it is (the path
 * the HTTP layer returns as `body.<path>`, so a form can mark the field).
 */
const room = seatLabels(30, 10); // rows A, B, C of 10 seats

const problemsOf = (spec: SeatingSpec) => {
  const resolved = resolveSeating(spec, room, 1000);
  return resolved.ok ? [] : resolved.problems;
};
const messagesOf = (spec: SeatingSpec) => problemsOf(spec).map((p) => p.message);

describe('a refused seating plan names where each problem is', () => {
  it('when a layout has a problem in every field, then each one carries the path of the entry at fault', () => {
    expect(
      problemsOf({
        categories: [
          { name: 'X', priceCents: 1000, rows: ['A', 'D'] },
          { name: 'X', priceCents: 1500, seats: ['B1-B10', 'C0'] },
          { name: 'BALCONY', priceCents: 3000 },
          { name: 'PREMIUM', priceCents: 1800, seats: ['B10'], rows: ['C'] },
        ],
        blocked: ['A1', 'A2-A1'],
        wheelchair: ['A1', 'A11'],
        aislesAfter: [5, 0],
        preferredRows: ['B', 'Z'],
      }),
    ).toEqual([
      { path: 'layout.categories.0.rows.1', message: 'row D is not a row of this room' },
      { path: 'layout.categories.1.name', message: 'category X is named twice' },
      { path: 'layout.categories.1.seats.1', message: '"C0" is not a seat label or range such as C3-C6' },
      { path: 'layout.categories.2', message: 'category BALCONY has no seats' },
      { path: 'layout.categories.3', message: 'seat B10 is in both X and PREMIUM (overlapping categories)' },
      { path: 'layout.blocked.1', message: '"A2-A1" must run forwards within one row' },
      { path: 'layout.wheelchair.1', message: '"A11" names A11, which is not a seat of this room' },
      { path: 'layout.wheelchair', message: 'seat A1 is both blocked and a wheelchair space' },
      { path: 'layout.aislesAfter.1', message: 'an aisle after seat 0 is outside the rows' },
      { path: 'layout.preferredRows.1', message: 'row Z is not a row of this room' },
    ]);
  });
});

describe('seat labels and ranges a plan may use', () => {
  it.each([
    ['a range with two dashes', 'C3-C6-C9'],
    ['a label with a leading space', ' A1'],
    ['a label with a trailing space', 'A1 '],
    ['a lower-case row', 'a1'],
    ['seat number zero', 'C0'],
    ['a number with a leading zero', 'C03'],
  ])('when a blocked entry is %s (%j), then it is refused as not a label or range', (_case, ref) => {
    expect(messagesOf({ blocked: [ref] })).toEqual([`"${ref}" is not a seat label or range such as C3-C6`]);
  });

  it('when a range runs forwards within one row, then every seat of it is taken', () => {
    const resolved = resolveSeating({ blocked: ['C3-C6'] }, room, 1000);
    expect(resolved.ok && [...resolved.plan.seats.values()].filter((s) => s.blocked).map((s) => s.label)).toEqual([
      'C3',
      'C4',
      'C5',
      'C6',
    ]);
  });
});

describe('categories that do not cover the room', () => {
  it('when a category names no rows and no seats, then it is refused as having no seats', () => {
    expect(
      messagesOf({
        categories: [
          { name: 'STANDARD', priceCents: 1000, rows: ['A', 'B', 'C'] },
          { name: 'BALCONY', priceCents: 3000, seats: [] },
        ],
      }),
    ).toEqual(['category BALCONY has no seats']);
  });

  it('when exactly ten seats have no category, then all ten are named', () => {
    expect(messagesOf({ categories: [{ name: 'STANDARD', priceCents: 1000, rows: ['B', 'C'] }] })).toEqual([
      'incomplete layout: no category for A1, A2, A3, A4, A5, A6, A7, A8, A9, A10',
    ]);
  });

  it('when more than ten seats have no category, then the first ten are named with the count of all', () => {
    expect(messagesOf({ categories: [{ name: 'PREMIUM', priceCents: 1800, rows: ['C'], seats: ['B10'] }] })).toEqual([
      'incomplete layout: no category for A1, A2, A3, A4, A5, A6, A7, A8, A9, A10, … (19 seats)',
    ]);
  });
});

describe('aisles and preferred rows', () => {
  it.each([[[0]], [[-2]], [[10]], [[1, 12]]])('when an aisle is after seat %j, then it is refused as outside the rows', (aisles) => {
    expect(messagesOf({ aislesAfter: aisles })).toEqual(
      aisles.filter((n) => n < 1 || n >= 10).map((n) => `an aisle after seat ${n} is outside the rows`),
    );
  });

  it('when aisles lie between the first and the last seat of a row, then the plan is accepted', () => {
    expect(messagesOf({ aislesAfter: [1, 9] })).toEqual([]);
  });

  it('when the preferred rows are rows of this room, then the plan is accepted and prefers exactly those', () => {
    const resolved = resolveSeating({ preferredRows: ['A', 'C'] }, room, 1000);
    expect(resolved.ok && [...resolved.plan.preferredRows]).toEqual(['A', 'C']);
  });
});
