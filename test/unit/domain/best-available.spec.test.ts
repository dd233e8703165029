import { sessionSpec } from '../../support/given-when-then';
import { BOB, PRICE, T0, TTL, created, createdAt, expired, hold, holdBest, sessionCancelled } from './builders';

const oneRow = (seating = {}) => sessionSpec({ numberOfSeats: 10, seatsPerRow: 10, seating });
const taken = (id: string, seats: string[]) => created(id, seats, { userId: BOB });

describe('best available (HoldBestAvailable)', () => {
  const room = sessionSpec({ numberOfSeats: 30, seatsPerRow: 10 }); // rows A, B, C: B is the preferred (middle) row

  it('when 2 seats are asked of an empty room, then the two centre seats of the preferred row are held', () => {
    room.given([]).when(holdBest('r1', 2)).then([created('r1', ['B5', 'B6'])]);
  });

  it('when 3 are asked, then of two blocks equally near the centre the one with the lower seat numbers wins', () => {
    room.given([]).when(holdBest('r1', 3)).then([created('r1', ['B4', 'B5', 'B6'])]);
  });

  it('when the preferred row is full, then the nearest row is used, front first on a tie', () => {
    const full = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8', 'B9', 'B10'];
    room.given([taken('r0', full)]).when(holdBest('r1', 2)).then([created('r1', ['A5', 'A6'])]);
  });

  it('when a category is asked, then only its seats are picked, at its price', () => {
    sessionSpec({
      numberOfSeats: 30,
      seating: {
        categories: [
          { name: 'STANDARD', priceCents: 1000, rows: ['A', 'B'] },
          { name: 'PREMIUM', priceCents: 2000, rows: ['C'] },
        ],
      },
    })
      .given([])
      .when(holdBest('r1', 2, { category: 'PREMIUM' }))
      .then([createdAt('r1', ['C5', 'C6'], 4000)]);
  });

  it('then wheelchair spaces and blocked seats are never picked', () => {
    oneRow({ wheelchair: ['A5', 'A6'], blocked: ['A4'] }).given([]).when(holdBest('r1', 2)).then([created('r1', ['A7', 'A8'])]);
  });

  it('then seats across an aisle are not adjacent', () => {
    oneRow({ aislesAfter: [5] }).given([]).when(holdBest('r1', 2)).then([created('r1', ['A4', 'A5'])]);
  });

  it('when the best block would strand a single seat, then the best block that strands none is held', () => {
    // A3 and A8 taken: A5-A6 would leave A4 and A7 alone.
    oneRow().given([taken('r0', ['A3', 'A8'])]).when(holdBest('r1', 2)).then([created('r1', ['A4', 'A5'])]);
  });

  it('when the single-seat rule is off, then the best block is held even if it strands a seat', () => {
    oneRow({ singleSeatRule: 'OFF' }).given([taken('r0', ['A3', 'A8'])]).when(holdBest('r1', 2)).then([created('r1', ['A5', 'A6'])]);
  });

  it('when every block of that size in the row strands a seat, then the best of them is held anyway', () => {
    oneRow()
      .given([taken('r0', ['A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'])])
      .when(holdBest('r1', 2))
      .then([created('r1', ['A2', 'A3'])]);
  });

  it('when no block of that size is free, then it is refused with the largest free block as a hint', () => {
    oneRow()
      .given([taken('r0', ['A1', 'A2', 'A3', 'A5', 'A6', 'A7', 'A9'])])
      .when(holdBest('r1', 2))
      .thenFails({ code: 'NO_ADJACENT_SEATS', quantity: 2, largestBlock: 1 });
  });

  it('when a hold past its expiry sits on the best seats, then it expires and its seats are picked', () => {
    const all = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];
    oneRow()
      .given([taken('r0', all)])
      .when(holdBest('r1', 2, { now: T0 + TTL }))
      .then([expired('r0', all, T0 + TTL), created('r1', ['A5', 'A6'], { at: T0 + TTL })]);
  });

  it('when asked for more than the per-reservation maximum, or for an unknown category, then it is refused', () => {
    room.given([]).when(holdBest('r1', 11)).thenFails({ code: 'TOO_MANY_SEATS', max: 10 });
    room.given([]).when(holdBest('r1', 2, { category: 'BALCONY' })).thenFails({ code: 'UNKNOWN_CATEGORY', category: 'BALCONY' });
  });

  it('when the same command is delivered again, then nothing more happens', () => {
    room.given([created('r1', ['B5', 'B6'])]).when(holdBest('r1', 2)).then([]);
    room.given([created('r1', ['B5', 'B6'])]).when(holdBest('r1', 2, { userId: BOB })).thenFails('RESERVATION_ID_TAKEN');
  });

  it('when the screening is cancelled, then nothing is held', () => {
    room.given([sessionCancelled(T0)]).when(holdBest('r1', 2)).thenFails('SESSION_CANCELLED');
  });

  it('is deterministic: the same state and request give the same seats', () => {
    const a = room.given([taken('r0', ['B5'])]).when(holdBest('r1', 3)).decision;
    const b = room.given([taken('r0', ['B5'])]).when(holdBest('r1', 3)).decision;
    expect(a).toEqual(b);
    expect(a.ok && a.events[0]).toMatchObject({ seatNumbers: ['B6', 'B7', 'B8'], amountCents: 3 * PRICE });
  });
});

describe('no stranded single seats on manual picks (singleSeatRule ALL_HOLDS)', () => {
  const spec = oneRow({ singleSeatRule: 'ALL_HOLDS' });

  it('when a hold would leave one seat alone at the row end, then it is refused naming that seat', () => {
    spec.given([]).when(hold('r1', ['A2', 'A3'])).thenFails({ code: 'WOULD_STRAND_SEAT', seat: 'A1' });
  });

  it('when a hold would leave one seat alone next to a taken seat, then it is refused naming that seat', () => {
    spec.given([taken('r0', ['A1', 'A2', 'A3'])]).when(hold('r1', ['A5'])).thenFails({ code: 'WOULD_STRAND_SEAT', seat: 'A4' });
  });

  it('when two seats with one between them are picked, then the seat between is named', () => {
    spec.given([]).when(hold('r1', ['A4', 'A6'])).thenFails({ code: 'WOULD_STRAND_SEAT', seat: 'A5' });
  });

  it('when no other choice of that many seats exists in the row, then the hold goes ahead', () => {
    spec
      .given([taken('r0', ['A1', 'A2', 'A3', 'A7', 'A8', 'A9', 'A10'])])
      .when(hold('r1', ['A4', 'A5']))
      .then([created('r1', ['A4', 'A5'])]);
  });

  it('when a seat was already alone before the hold, then the hold is not blamed for it', () => {
    spec.given([taken('r0', ['A1', 'A3'])]).when(hold('r1', ['A6', 'A7'])).then([created('r1', ['A6', 'A7'])]);
  });

  it('by default (BEST_AVAILABLE) a manual pick may strand a seat', () => {
    oneRow().given([]).when(hold('r1', ['A2', 'A3'])).then([created('r1', ['A2', 'A3'])]);
  });
});
