import { evolveAll, initialState, type SessionEvent } from '../../../src/domain';
import { sessionInfo, sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, created, hold, paid } from './builders';

/**
 * Kafka and restarts deliver commands and facts more than once. A fact seen again and a command sent again must
 * never move a reservation backwards nor let one id stand for two different holds.
 */
describe('facts and commands that arrive twice', () => {
  const info = sessionInfo({ numberOfSeats: 16 });
  const stateAfter = (events: readonly SessionEvent[]) => evolveAll(initialState(info), events);

  describe('a replayed reservation.created', () => {
    it('when it arrives after the payment, then the reservation stays CONFIRMED with its sale and its seats stay SOLD', () => {
      const state = stateAfter([
        created('r1', ['A1', 'A2']),
        paid('r1', ['A1', 'A2'], { at: T0 + 5, saleIds: ['s1', 's2'] }),
        created('r1', ['A1', 'A2']),
      ]);
      expect(state.reservations.get('r1')).toMatchObject({
        status: 'CONFIRMED',
        paidAt: T0 + 5,
        sales: [
          { id: 's1', seatNumber: 'A1' },
          { id: 's2', seatNumber: 'A2' },
        ],
      });
      expect(state.taken.get('A1')).toEqual({ reservationId: 'r1', status: 'SOLD' });
      expect(state.taken.get('A2')).toEqual({ reservationId: 'r1', status: 'SOLD' });
    });

    it('when it arrives again with other seats and times, then the first hold stands and the other seats stay free', () => {
      const state = stateAfter([created('r1', ['A1'], { at: T0 }), created('r1', ['B1'], { userId: BOB, at: T0 + 9 })]);
      expect(state.reservations.get('r1')).toMatchObject({ userId: ALICE, seatNumbers: ['A1'], createdAt: T0, expiresAt: T0 + TTL });
      expect(state.taken.has('B1')).toBe(false);
      expect(state.taken.size).toBe(1);
    });
  });

  describe('a replayed payment.confirmed', () => {
    it('when a second payment arrives for a paid reservation, then the first paidAt and sales stand', () => {
      const state = stateAfter([
        created('r1', ['A1']),
        paid('r1', ['A1'], { at: T0 + 5, saleIds: ['first'] }),
        paid('r1', ['A1'], { at: T0 + 99, saleIds: ['second'] }),
      ]);
      expect(state.reservations.get('r1')).toMatchObject({
        status: 'CONFIRMED',
        paidAt: T0 + 5,
        sales: [{ id: 'first', seatNumber: 'A1', amountCents: 2500 }],
      });
    });
  });

  describe('a re-delivered HoldSeats', () => {
    const spec = sessionSpec({ numberOfSeats: 16 });

    it('when the same id and user come back with more seats than the hold, then it is refused as RESERVATION_ID_TAKEN, not a silent no-op', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A1', 'A2', 'A3'])).thenFails({ code: 'RESERVATION_ID_TAKEN' });
    });

    it('when the same id and user come back with the hold\'s seats plus a repeat of one, then it is refused as RESERVATION_ID_TAKEN', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A1', 'A2', 'A1'])).thenFails({ code: 'RESERVATION_ID_TAKEN' });
    });

    it('when the same id and user come back with as many seats but one repeated, then it is refused as RESERVATION_ID_TAKEN', () => {
      spec.given([created('r1', ['A1', 'A2'])]).when(hold('r1', ['A1', 'A1'])).thenFails({ code: 'RESERVATION_ID_TAKEN' });
    });
  });
});
