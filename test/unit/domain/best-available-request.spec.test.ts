import type { SessionCommand } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import { BOB, T0, created, holdBest, sessionCancelled } from './builders';

/** The spec session starts at 2030-01-01T20:00:00Z. */
const START = Date.parse('2030-01-01T20:00:00.000Z');
const MINUTE = 60_000;

const closingEarly = (command: SessionCommand, salesCloseMs: number): SessionCommand => ({ ...command, salesCloseMs } as SessionCommand);

describe('what a best-available request may ask for (HoldBestAvailable)', () => {
  const room = sessionSpec({ numberOfSeats: 30, seatsPerRow: 10 }); // rows A, B, C: B is the preferred (middle) row

  it('when one seat is asked, then the best single seat is held', () => {
    room.given([]).when(holdBest('r1', 1)).then([created('r1', ['B5'])]);
  });

  it('when exactly the per-reservation maximum is asked, then it is held', () => {
    room.given([]).when(holdBest('r1', 3, { maxSeats: 3 })).then([created('r1', ['B4', 'B5', 'B6'])]);
  });

  it('when a fraction of a seat is asked, then it is refused as NO_SEATS rather than rounded', () => {
    room.given([]).when(holdBest('r1', 1.5)).thenFails('NO_SEATS');
  });

  it('when no seat or fewer than none are asked, then it is refused as NO_SEATS, however late or odd the rest of the request', () => {
    for (const quantity of [0, -2]) {
      room.given([]).when(holdBest('r1', quantity, { now: START })).thenFails('NO_SEATS');
      room.given([]).when(holdBest('r1', quantity, { category: 'BALCONY' })).thenFails('NO_SEATS');
    }
  });

  it('when the screening is cancelled, then the request is refused as cancelled, whatever else is wrong with it', () => {
    const cancelledRoom = [sessionCancelled(T0)];
    room.given(cancelledRoom).when(holdBest('r1', 11)).thenFails('SESSION_CANCELLED');
    room.given(cancelledRoom).when(holdBest('r1', 0)).thenFails('SESSION_CANCELLED');
    room.given(cancelledRoom).when(holdBest('r1', 2, { category: 'BALCONY' })).thenFails('SESSION_CANCELLED');
  });

  it('with sales closing 30 minutes before the start, then 31 minutes before is in time and 30 minutes before is not', () => {
    room
      .given([])
      .when(closingEarly(holdBest('r1', 2, { now: START - 31 * MINUTE }), 30 * MINUTE))
      .then([created('r1', ['B5', 'B6'], { at: START - 31 * MINUTE })]);
    room
      .given([])
      .when(closingEarly(holdBest('r1', 2, { now: START - 30 * MINUTE }), 30 * MINUTE))
      .thenFails({ code: 'SALES_CLOSED', closedAt: START - 30 * MINUTE });
  });
});

describe('best available under the single-seat rule for all holds (ALL_HOLDS)', () => {
  it('when the only block that strands nobody takes a wheelchair space, then the best block is held anyway', () => {
    // A1 is a wheelchair space, A3 and A7-A10 are taken: A1-A2 would strand nobody but best available never sells A1,
    // and both blocks of A4-A6 strand a seat. A manual pick of A5-A6 would be refused; best available's is not.
    const spec = sessionSpec({ numberOfSeats: 10, seatsPerRow: 10, seating: { singleSeatRule: 'ALL_HOLDS', wheelchair: ['A1'] } });
    const taken = created('r0', ['A3', 'A7', 'A8', 'A9', 'A10'], { userId: BOB });
    spec.given([taken]).when(holdBest('r1', 2)).then([created('r1', ['A5', 'A6'])]);
  });
});
