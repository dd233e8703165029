import { availableSeatCount, initialState, resolveSeating, seatLabels, type SeatingSpec } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import { ALICE, T0, confirm, createdAt, hold, saleIdsFor } from './builders';

/** 3 rows of 10: A is standard with two seats off sale and a wheelchair space at A10, B standard, C premium. */
const seating: SeatingSpec = {
  categories: [
    { name: 'STANDARD', priceCents: 1200, rows: ['A', 'B'] },
    { name: 'PREMIUM', priceCents: 1800, rows: ['C'] },
  ],
  blocked: ['A1-A2'],
  wheelchair: ['A10'],
};

describe('seat categories and prices (the seating plan)', () => {
  const spec = sessionSpec({ numberOfSeats: 30, seatsPerRow: 10, priceCents: 999, seating });

  it('when seats of two categories are held, then the amount is the exact sum of their prices', () => {
    spec.given([]).when(hold('r1', ['B1', 'C1', 'C2'])).then([createdAt('r1', ['B1', 'C1', 'C2'], 1200 + 1800 + 1800)]);
  });

  it('when the hold is paid, then each sale records the price of its own seat', () => {
    const ids = saleIdsFor('r1');
    spec
      .given([createdAt('r1', ['B1', 'C1'], 3000)])
      .when(confirm('r1'))
      .then([
        {
          type: 'payment.confirmed',
          reservationId: 'r1',
          userId: ALICE,
          sales: [
            { id: ids[0], seatNumber: 'B1', amountCents: 1200 },
            { id: ids[1], seatNumber: 'C1', amountCents: 1800 },
          ],
          paidAt: T0 + 1_000,
        },
      ]);
  });

  it('when a blocked seat is named, then the hold is refused: not for sale', () => {
    spec.given([]).when(hold('r1', ['A2', 'A3'])).thenFails({ code: 'SEATS_NOT_FOR_SALE', seats: ['A2'] });
  });

  it('when a wheelchair space is named, then it is held like any seat, at its category price', () => {
    spec.given([]).when(hold('r1', ['A10'])).then([createdAt('r1', ['A10'], 1200)]);
  });

  it('then blocked seats never count as available', () => {
    expect(availableSeatCount(initialState(spec.info))).toBe(28);
  });

  it('without a plan, every seat is one STANDARD category at the ticket price', () => {
    const plan = resolveSeating(undefined, seatLabels(16, 10), 2500);
    expect(plan.ok && plan.plan.categories).toEqual([{ name: 'STANDARD', priceCents: 2500 }]);
    sessionSpec({ priceCents: 2500 }).given([]).when(hold('r1', ['A1', 'B6'])).then([createdAt('r1', ['A1', 'B6'], 5000)]);
  });
});

describe('validating a seating plan against the room (resolveSeating)', () => {
  const room = seatLabels(30, 10);
  const problems = (s: SeatingSpec) => {
    const r = resolveSeating(s, room, 1000);
    return r.ok ? [] : r.problems.map((p) => p.message);
  };

  it('when two categories claim one seat, then it names the overlap', () => {
    expect(
      problems({
        categories: [
          { name: 'STANDARD', priceCents: 1000, rows: ['A', 'B', 'C'] },
          { name: 'PREMIUM', priceCents: 1500, seats: ['C4-C5'] },
        ],
      }),
    ).toEqual([
      'seat C4 is in both STANDARD and PREMIUM (overlapping categories)',
      'seat C5 is in both STANDARD and PREMIUM (overlapping categories)',
    ]);
  });

  it('when a seat has no category, then it names the incomplete layout', () => {
    expect(problems({ categories: [{ name: 'STANDARD', priceCents: 1000, rows: ['A', 'B'], seats: ['C1-C8'] }] })).toEqual([
      'incomplete layout: no category for C9, C10',
    ]);
  });

  it('when a seat, range or row is not of this room, then it says which', () => {
    expect(
      problems({
        categories: [{ name: 'ALL', priceCents: 1000, rows: ['A', 'B', 'C', 'D'] }],
        blocked: ['C9-C11', 'B5-B3', 'A1-B2'],
        preferredRows: ['Z'],
        aislesAfter: [10],
      }),
    ).toEqual([
      'row D is not a row of this room',
      '"C9-C11" names C11, which is not a seat of this room',
      '"B5-B3" must run forwards within one row',
      '"A1-B2" must run forwards within one row',
      'an aisle after seat 10 is outside the rows',
      'row Z is not a row of this room',
    ]);
  });

  it('when a seat is both blocked and a wheelchair space, then it is refused', () => {
    expect(problems({ blocked: ['B1'], wheelchair: ['B1'] })).toEqual(['seat B1 is both blocked and a wheelchair space']);
  });

  it('when a category name is used twice, then it is refused', () => {
    expect(
      problems({
        categories: [
          { name: 'X', priceCents: 1000, rows: ['A', 'B'] },
          { name: 'X', priceCents: 1000, rows: ['C'] },
        ],
      }),
    ).toEqual(['category X is named twice']);
  });
});
