import { sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, cancelled, created, expired, hold, paid } from './builders';

describe('holding seats (HoldSeats)', () => {
  const spec = sessionSpec({ numberOfSeats: 16, seatsPerRow: 10, priceCents: 2500 });

  describe('when every requested seat is free', () => {
    it('then the seats are held for the user, priced at ticket price x seats in cents, until now + ttl', () => {
      spec
        .given([])
        .when(hold('r1', ['A1', 'A2', 'B6'], { userId: ALICE, now: T0, ttlMs: TTL }))
        .then([
          {
            type: 'reservation.created',
            reservationId: 'r1',
            userId: ALICE,
            seatNumbers: ['A1', 'A2', 'B6'],
            amountCents: 7500,
            createdAt: T0,
            expiresAt: T0 + 30_000,
          },
        ]);
    });

    it('then the amount is exact in cents for a price like 19.99 (3 seats cost 5997 cents)', () => {
      sessionSpec({ priceCents: 1999 })
        .given([])
        .when(hold('r1', ['A1', 'A2', 'A3']))
        .then([
          {
            type: 'reservation.created',
            reservationId: 'r1',
            userId: ALICE,
            seatNumbers: ['A1', 'A2', 'A3'],
            amountCents: 5997,
            createdAt: T0,
            expiresAt: T0 + TTL,
          },
        ]);
    });

    it('then a free session costs nothing', () => {
      sessionSpec({ priceCents: 0 })
        .given([])
        .when(hold('r1', ['A1', 'A2']))
        .then([created('r1', ['A1', 'A2'], { priceCents: 0 })]);
    });

    it('then the hold lasts exactly the ttl the command carries', () => {
      spec
        .given([])
        .when(hold('r1', ['A1'], { now: T0 + 7, ttlMs: 5_000 }))
        .then([created('r1', ['A1'], { at: T0 + 7, ttlMs: 5_000 })]);
    });

    it('then the seats are kept in the order the user asked for them', () => {
      spec.given([]).when(hold('r1', ['B2', 'A9', 'A1'])).then([created('r1', ['B2', 'A9', 'A1'])]);
    });

    it('then a hold of exactly the per-reservation maximum is accepted', () => {
      const ten = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];
      spec.given([]).when(hold('r1', ten, { maxSeats: 10 })).then([created('r1', ten)]);
    });

    it('then seats next to another hold can still be held', () => {
      spec
        .given([created('r1', ['A1', 'A2'], { userId: BOB })])
        .when(hold('r2', ['A3', 'A4']))
        .then([created('r2', ['A3', 'A4'])]);
    });
  });

  describe('all or nothing', () => {
    it('when one seat of the request is held by another pending hold, then the whole hold is refused and lists only that seat', () => {
      spec
        .given([created('r1', ['A2'], { userId: BOB })])
        .when(hold('r2', ['A1', 'A2', 'A3'], { now: T0 + 1_000 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A2'] });
    });

    it('when several requested seats are taken, then the refusal lists exactly those seats in the order asked', () => {
      spec
        .given([created('r1', ['A1'], { userId: BOB }), created('r2', ['B1', 'B2'], { userId: BOB }), created('r3', ['A5'])])
        .when(hold('r4', ['B2', 'A1', 'A2', 'A3'], { now: T0 + 1_000 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['B2', 'A1'] });
    });

    it('when a seat is held by the same user in another reservation, then it is still unavailable', () => {
      spec
        .given([created('r1', ['A1'], { userId: ALICE })])
        .when(hold('r2', ['A1', 'A2'], { userId: ALICE, now: T0 + 1_000 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
    });

    it('when a seat was sold, then it cannot be held', () => {
      spec
        .given([created('r1', ['A1', 'A2'], { userId: BOB }), paid('r1', ['A1', 'A2'], { userId: BOB })])
        .when(hold('r2', ['A2', 'A3'], { now: T0 + 2_000 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A2'] });
    });

    it("when a seat was sold, then it stays unavailable long after the original hold's expiry time", () => {
      spec
        .given([created('r1', ['A1'], { userId: BOB }), paid('r1', ['A1'], { userId: BOB })])
        .when(hold('r2', ['A1'], { now: T0 + 10 * TTL }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
    });

    it('when two holds race for the last seat, then only the first is accepted', () => {
      const lastSeat = sessionSpec({ numberOfSeats: 1 });
      lastSeat.given([]).when(hold('first', ['A1'], { userId: ALICE })).then([created('first', ['A1'], { userId: ALICE })]);
      lastSeat
        .given([created('first', ['A1'], { userId: ALICE })])
        .when(hold('second', ['A1'], { userId: BOB }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
    });

    it('when a hold is refused, then nothing is emitted, so the free seats of the request stay free', () => {
      const refused = spec.given([created('r1', ['A2'], { userId: BOB })]).when(hold('r2', ['A1', 'A2']));
      expect(refused.decision.ok).toBe(false);
      spec
        .given([created('r1', ['A2'], { userId: BOB })])
        .when(hold('r3', ['A1'], { userId: BOB }))
        .then([created('r3', ['A1'], { userId: BOB })]);
    });
  });

  describe('holds whose expiry time has passed', () => {
    it("when the blocking hold's expiry time has passed, then the decision expires that hold before creating the new one", () => {
      spec
        .given([created('old', ['A1', 'A2'], { userId: BOB, at: T0 })])
        .when(hold('new', ['A2', 'A3'], { now: T0 + TTL + 5 }))
        .then([expired('old', ['A1', 'A2'], T0 + TTL + 5), created('new', ['A2', 'A3'], { at: T0 + TTL + 5 })]);
    });

    it('when now equals the blocking hold\'s expiresAt, then that hold no longer blocks', () => {
      spec
        .given([created('old', ['A1'], { userId: BOB, at: T0 })])
        .when(hold('new', ['A1'], { now: T0 + TTL }))
        .then([expired('old', ['A1'], T0 + TTL), created('new', ['A1'], { at: T0 + TTL })]);
    });

    it('when the blocking hold has one millisecond left, then it still blocks', () => {
      spec
        .given([created('old', ['A1'], { userId: BOB, at: T0 })])
        .when(hold('new', ['A1'], { now: T0 + TTL - 1 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
    });

    it('when a due hold does not touch the requested seats, then it is left to the expiry timer', () => {
      spec
        .given([created('due-a', ['A1'], { userId: BOB }), created('due-b', ['B1'], { userId: BOB })])
        .when(hold('new', ['A1'], { now: T0 + TTL }))
        .then([expired('due-a', ['A1'], T0 + TTL), created('new', ['A1'], { at: T0 + TTL })]);
    });

    it('when two due holds block the request, then both are expired before the new hold, in the order they were made', () => {
      spec
        .given([created('due-a', ['A1'], { userId: BOB }), created('due-b', ['A2'], { userId: BOB, at: T0 + 1 })])
        .when(hold('new', ['A2', 'A1'], { now: T0 + TTL + 1 }))
        .then([
          expired('due-a', ['A1'], T0 + TTL + 1),
          expired('due-b', ['A2'], T0 + TTL + 1),
          created('new', ['A2', 'A1'], { at: T0 + TTL + 1 }),
        ]);
    });

    it('when a request meets both a due hold and a live one, then it is refused, lists only the live seat and expires nothing', () => {
      spec
        .given([created('due', ['A1'], { userId: BOB, at: T0 }), created('live', ['A2'], { userId: BOB, at: T0 + TTL })])
        .when(hold('new', ['A1', 'A2'], { now: T0 + TTL + 1 }))
        .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A2'] });
    });

    it('when the blocking hold already expired by event, then the seat is simply free again', () => {
      spec
        .given([created('old', ['A1'], { userId: BOB }), expired('old', ['A1'], T0 + TTL)])
        .when(hold('new', ['A1'], { now: T0 + TTL + 1 }))
        .then([created('new', ['A1'], { at: T0 + TTL + 1 })]);
    });

    it('when the blocking hold was cancelled, then the seat is free at once', () => {
      spec
        .given([created('old', ['A1'], { userId: BOB }), cancelled('old', ['A1'], T0 + 1)])
        .when(hold('new', ['A1'], { now: T0 + 2 }))
        .then([created('new', ['A1'], { at: T0 + 2 })]);
    });
  });

  describe('redelivery and reservation ids', () => {
    it('when the same HoldSeats is delivered again, then it is a no-op', () => {
      spec
        .given([created('r1', ['A1', 'A2'])])
        .when(hold('r1', ['A1', 'A2'], { now: T0 + 500 }))
        .then([]);
    });

    it('when the same hold is redelivered with its seats in another order, then it is still a no-op', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A2', 'A1'])).then([]);
    });

    it('when the hold is redelivered after it was paid, then it is a no-op and the sale stands', () => {
      spec.given([created('r1', ['A1']), paid('r1', ['A1'])]).when(hold('r1', ['A1'], { now: T0 + 2_000 })).then([]);
    });

    it('when the same reservation id comes with other seats, then it is refused as RESERVATION_ID_TAKEN', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A1', 'A3'])).thenFails('RESERVATION_ID_TAKEN');
    });

    it('when the same reservation id comes with a subset of its seats, then it is refused as RESERVATION_ID_TAKEN', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A1'])).thenFails('RESERVATION_ID_TAKEN');
    });

    it('when the same reservation id comes from another user, then it is refused as RESERVATION_ID_TAKEN', () => {
      spec
        .given([created('r1', ['A1'], { userId: ALICE })])
        .when(hold('r1', ['A1'], { userId: BOB }))
        .thenFails({ code: 'RESERVATION_ID_TAKEN' });
    });
  });

  describe('requests that break the rules', () => {
    it('when no seat is asked for, then it is refused as NO_SEATS', () => {
      spec.given([]).when(hold('r1', [])).thenFails({ code: 'NO_SEATS' });
    });

    it('when more seats than the per-reservation limit are asked for, then it is refused as TOO_MANY_SEATS naming the limit', () => {
      const eleven = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'B1'];
      spec.given([]).when(hold('r1', eleven, { maxSeats: 10 })).thenFails({ code: 'TOO_MANY_SEATS', max: 10 });
    });

    it('when the limit is configured lower, then the command\'s limit applies', () => {
      spec.given([]).when(hold('r1', ['A1', 'A2', 'A3'], { maxSeats: 2 })).thenFails({ code: 'TOO_MANY_SEATS', max: 2 });
    });

    it('when a seat is repeated, then it is refused as DUPLICATE_SEATS listing each repeated seat once', () => {
      spec
        .given([])
        .when(hold('r1', ['A1', 'A2', 'A1', 'A3', 'A2', 'A1']))
        .thenFails({ code: 'DUPLICATE_SEATS', seats: ['A1', 'A2'] });
    });

    it('when a seat is not in the room, then it is refused as UNKNOWN_SEATS listing exactly the unknown labels', () => {
      spec
        .given([])
        .when(hold('r1', ['A1', 'B7', 'A11', 'a1', 'C1', 'A0']))
        .thenFails({ code: 'UNKNOWN_SEATS', seats: ['B7', 'A11', 'a1', 'C1', 'A0'] });
    });

    it('when a request has both an unknown seat and a taken one, then it is refused as UNKNOWN_SEATS before availability is considered', () => {
      spec
        .given([created('r1', ['A1'], { userId: BOB })])
        .when(hold('r2', ['A1', 'Z9']))
        .thenFails({ code: 'UNKNOWN_SEATS', seats: ['Z9'] });
    });
  });
});
