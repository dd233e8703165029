import { sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, PRICE, T0, TTL, cancelled, created, expired, hold, paid, refunded } from './builders';

describe('seats per user in one session (MAX_SEATS_PER_USER_PER_SESSION)', () => {
  const spec = sessionSpec({ numberOfSeats: 40, seatsPerRow: 10 });
  const limit = { maxSeatsPerUser: 4 };

  it('when a user holds seats up to the limit, then the hold is accepted', () => {
    spec
      .given([created('r1', ['A1', 'A2'])])
      .when(hold('r2', ['A3', 'A4'], limit))
      .then([created('r2', ['A3', 'A4'])]);
  });

  it('when a hold would take the user past the limit, then it is refused naming the limit and what the user has', () => {
    spec
      .given([created('r1', ['A1', 'A2', 'A3'])])
      .when(hold('r2', ['A4', 'A5'], limit))
      .thenFails({ code: 'SEAT_LIMIT_PER_USER', max: 4, held: 3 });
  });

  it('when the user bought seats, then those count too', () => {
    spec
      .given([created('r1', ['A1', 'A2', 'A3']), paid('r1', ['A1', 'A2', 'A3'])])
      .when(hold('r2', ['B1', 'B2'], { ...limit, now: T0 + 2_000 }))
      .thenFails({ code: 'SEAT_LIMIT_PER_USER', max: 4, held: 3 });
  });

  it('when a single hold asks for more than the limit, then it is refused even with nothing held', () => {
    spec.given([]).when(hold('r1', ['A1', 'A2', 'A3', 'A4', 'A5'], limit)).thenFails({ code: 'SEAT_LIMIT_PER_USER', max: 4, held: 0 });
  });

  it("when another user holds seats, then they do not count against this user's limit", () => {
    spec
      .given([created('r1', ['A1', 'A2', 'A3', 'A4'], { userId: BOB })])
      .when(hold('r2', ['B1', 'B2', 'B3', 'B4'], { ...limit, userId: ALICE }))
      .then([created('r2', ['B1', 'B2', 'B3', 'B4'])]);
  });

  it('when a hold of the user was cancelled or expired, then its seats no longer count', () => {
    spec
      .given([
        created('r1', ['A1', 'A2']),
        cancelled('r1', ['A1', 'A2'], T0 + 10),
        created('r2', ['A3', 'A4']),
        expired('r2', ['A3', 'A4'], T0 + TTL),
      ])
      .when(hold('r3', ['B1', 'B2', 'B3', 'B4'], { ...limit, now: T0 + TTL + 1 }))
      .then([created('r3', ['B1', 'B2', 'B3', 'B4'], { at: T0 + TTL + 1 })]);
  });

  it('when a hold of the user is past its expiry but its timer has not fired, then it no longer counts', () => {
    spec
      .given([created('r1', ['A1', 'A2', 'A3', 'A4'])])
      .when(hold('r2', ['B1', 'B2', 'B3', 'B4'], { ...limit, now: T0 + TTL }))
      .then([created('r2', ['B1', 'B2', 'B3', 'B4'], { at: T0 + TTL })]);
  });

  it('when a sold seat of the user was refunded, then that seat no longer counts', () => {
    spec
      .given([created('r1', ['A1', 'A2']), paid('r1', ['A1', 'A2']), refunded('r1', 'r1-sale-2', 'A2', PRICE, T0 + 2_000)])
      .when(hold('r2', ['B1'], { maxSeatsPerUser: 2, now: T0 + 3_000 }))
      .then([created('r2', ['B1'], { at: T0 + 3_000 })]);
  });

  it('when the seats are taken anyway, then the answer is that they are unavailable (no hint about the limit)', () => {
    spec
      .given([created('r1', ['A1', 'A2', 'A3', 'A4']), created('r2', ['B1'], { userId: BOB })])
      .when(hold('r3', ['B1'], limit))
      .thenFails('SEATS_UNAVAILABLE');
  });
});
