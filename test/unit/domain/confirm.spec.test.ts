import { sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, cancelled, confirm, created, expired, paid } from './builders';

describe('confirming payment (ConfirmPayment)', () => {
  const spec = sessionSpec({ numberOfSeats: 16, priceCents: 2500 });
  const pending = created('r1', ['A1', 'A2', 'B3'], { userId: ALICE, at: T0 });

  describe('when the owner confirms a pending hold in time', () => {
    it('then payment.confirmed is emitted with one sale per seat, using the given sale ids in seat order', () => {
      spec
        .given([pending])
        .when(confirm('r1', { userId: ALICE, now: T0 + 10_000, saleIds: ['s-1', 's-2', 's-3'] }))
        .then([
          {
            type: 'payment.confirmed',
            reservationId: 'r1',
            userId: ALICE,
            sales: [
              { id: 's-1', seatNumber: 'A1', amountCents: 2500 },
              { id: 's-2', seatNumber: 'A2', amountCents: 2500 },
              { id: 's-3', seatNumber: 'B3', amountCents: 2500 },
            ],
            paidAt: T0 + 10_000,
          },
        ]);
    });

    it('then the sales add up to the amount of the hold', () => {
      const { decision } = spec.given([pending]).when(confirm('r1'));
      if (!decision.ok) throw new Error(`refused: ${decision.error.code}`);
      const [event] = decision.events;
      if (event.type !== 'payment.confirmed') throw new Error(`unexpected ${event.type}`);
      const total = event.sales.reduce((sum, s) => sum + s.amountCents, 0);
      expect(total).toBe(7500);
      expect(pending).toMatchObject({ amountCents: total });
    });

    it('then a confirmation one millisecond before expiresAt is still in time', () => {
      spec
        .given([pending])
        .when(confirm('r1', { now: T0 + TTL - 1, saleIds: ['a', 'b', 'c'] }))
        .then([paid('r1', ['A1', 'A2', 'B3'], { at: T0 + TTL - 1, saleIds: ['a', 'b', 'c'] })]);
    });

    it('then spare sale ids beyond one per seat are ignored', () => {
      spec
        .given([created('r1', ['A1'])])
        .when(confirm('r1', { saleIds: ['s-1', 's-2', 's-3'] }))
        .then([paid('r1', ['A1'], { saleIds: ['s-1'] })]);
    });
  });

  it('when the owner confirms a reservation that is already confirmed, then nothing new happens (idempotent)', () => {
    spec.given([pending, paid('r1', ['A1', 'A2', 'B3'])]).when(confirm('r1', { now: T0 + 2_000 })).then([]);
  });

  it('when a confirmed reservation is confirmed again after its hold would have expired, then it is still a no-op, not an expiry', () => {
    spec.given([pending, paid('r1', ['A1', 'A2', 'B3'])]).when(confirm('r1', { now: T0 + 10 * TTL })).then([]);
  });

  it("when another user confirms, then it is refused as NOT_RESERVATION_OWNER", () => {
    spec.given([pending]).when(confirm('r1', { userId: BOB })).thenFails({ code: 'NOT_RESERVATION_OWNER' });
  });

  it("when another user confirms someone's pending reservation after its expiry time, then ownership is checked first", () => {
    spec
      .given([pending])
      .when(confirm('r1', { userId: BOB, now: T0 + TTL + 1 }))
      .thenFails('NOT_RESERVATION_OWNER');
  });

  it('when the reservation is unknown, then it is refused as RESERVATION_NOT_FOUND', () => {
    spec.given([pending]).when(confirm('nope')).thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });

  it('when the hold is past its expiry time but no expired event was recorded yet, then it is refused as RESERVATION_EXPIRED', () => {
    spec.given([pending]).when(confirm('r1', { now: T0 + TTL + 1 })).thenFails({ code: 'RESERVATION_EXPIRED' });
  });

  it('when the confirmation arrives exactly at expiresAt, then it is too late', () => {
    spec.given([pending]).when(confirm('r1', { now: T0 + TTL })).thenFails('RESERVATION_EXPIRED');
  });

  // An ended reservation leaves the session's memory: the shell reads its row and answers 410 (expired) or 409
  // (cancelled); see test/integration/reservation-lifecycle.test.ts and expiry.test.ts.
  it('when the hold has expired by event, then the session no longer knows it', () => {
    spec
      .given([pending, expired('r1', ['A1', 'A2', 'B3'], T0 + TTL)])
      .when(confirm('r1', { now: T0 + TTL + 1 }))
      .thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });

  it('when the expired event was recorded early and the confirmation still looks in time, then it is still not confirmable', () => {
    spec
      .given([pending, expired('r1', ['A1', 'A2', 'B3'], T0 + 5)])
      .when(confirm('r1', { now: T0 + 10 }))
      .thenFails('RESERVATION_NOT_FOUND');
  });

  it('when the reservation was cancelled, then the session no longer knows it', () => {
    spec
      .given([pending, cancelled('r1', ['A1', 'A2', 'B3'], T0 + 1)])
      .when(confirm('r1', { now: T0 + 2 }))
      .thenFails({ code: 'RESERVATION_NOT_FOUND' });
  });

  it('when fewer sale ids than seats are passed, then it is refused as SALE_IDS_MISSING', () => {
    spec.given([pending]).when(confirm('r1', { saleIds: ['s-1', 's-2'] })).thenFails({ code: 'SALE_IDS_MISSING' });
  });

  it('when no sale id is passed, then it is refused as SALE_IDS_MISSING', () => {
    spec.given([pending]).when(confirm('r1', { saleIds: [] })).thenFails('SALE_IDS_MISSING');
  });
});
