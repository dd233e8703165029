import { sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, cancel, cancelled, created, expired, hold, paid } from './builders';

describe('cancelling a reservation (CancelReservation)', () => {
  const spec = sessionSpec({ numberOfSeats: 16 });
  const pending = created('r1', ['A1', 'A2'], { userId: ALICE, at: T0 });

  it('when the owner cancels a pending hold, then reservation.cancelled is emitted with its seats', () => {
    spec
      .given([pending])
      .when(cancel('r1', { userId: ALICE, now: T0 + 1_000 }))
      .then([{ type: 'reservation.cancelled', reservationId: 'r1', seatNumbers: ['A1', 'A2'], at: T0 + 1_000 }]);
  });

  it('when a hold was cancelled, then its seats are free at once and the same seats can be held again', () => {
    spec
      .given([pending, cancelled('r1', ['A1', 'A2'], T0 + 1_000)])
      .when(hold('r2', ['A1', 'A2'], { userId: BOB, now: T0 + 1_001 }))
      .then([created('r2', ['A1', 'A2'], { userId: BOB, at: T0 + 1_001 })]);
  });

  it("when a hold is cancelled, then other reservations' seats stay taken", () => {
    spec
      .given([pending, created('r2', ['A3'], { userId: BOB }), cancelled('r1', ['A1', 'A2'], T0 + 1_000)])
      .when(hold('r3', ['A1', 'A2', 'A3'], { now: T0 + 1_001 }))
      .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A3'] });
  });

  // An ended reservation leaves the session's memory; the shell answers repeats from the reservations table.
  it('when the owner cancels twice, then the session no longer knows the reservation (the shell answers from its row)', () => {
    spec
      .given([pending, cancelled('r1', ['A1', 'A2'], T0 + 1_000)])
      .when(cancel('r1', { now: T0 + 2_000 }))
      .thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });

  it('when another user cancels, then it is refused as NOT_RESERVATION_OWNER (403)', () => {
    spec.given([pending]).when(cancel('r1', { userId: BOB })).thenFails({ code: 'NOT_RESERVATION_OWNER' });
  });

  it('when the reservation is unknown, then it is refused as RESERVATION_NOT_FOUND', () => {
    spec.given([pending]).when(cancel('nope')).thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });

  it('when the reservation was confirmed, then it is refused as RESERVATION_CONFIRMED', () => {
    spec
      .given([pending, paid('r1', ['A1', 'A2'], { at: T0 + 1_000 })])
      .when(cancel('r1', { now: T0 + 2_000 }))
      .thenFails({ code: 'RESERVATION_CONFIRMED' });
  });

  it('when a pending hold is cancelled after its expiry time, then it is recorded as expired, not cancelled', () => {
    spec
      .given([pending])
      .when(cancel('r1', { now: T0 + TTL + 1 }))
      .then([expired('r1', ['A1', 'A2'], T0 + TTL + 1)]);
  });

  it('when a pending hold is cancelled exactly at its expiresAt, then it is recorded as expired', () => {
    spec.given([pending]).when(cancel('r1', { now: T0 + TTL })).then([expired('r1', ['A1', 'A2'], T0 + TTL)]);
  });

  it('when a hold that already expired is cancelled, then the session no longer knows it and emits nothing', () => {
    spec
      .given([pending, expired('r1', ['A1', 'A2'], T0 + TTL)])
      .when(cancel('r1', { now: T0 + TTL + 1 }))
      .thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });
});
