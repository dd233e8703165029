import type { SessionEvent } from './events';
import { PersistentMap } from './persistent-map';
import type { Reservation, SessionState, TakenSeat } from './session-state';

/**
 * Applies one fact to the state. Pure: returns a new state and leaves the old one as it was. The seat map and the
 * reservations are persistent maps, so a change costs O(seats it touches), never a copy of the whole map.
 */
export function evolve(state: SessionState, event: SessionEvent): SessionState {
  switch (event.type) {
    case 'reservation.created': {
      if (state.reservations.has(event.reservationId)) return state; // a replayed fact changes nothing
      const reservation: Reservation = {
        id: event.reservationId,
        userId: event.userId,
        seatNumbers: event.seatNumbers,
        status: 'PENDING',
        amountCents: event.amountCents,
        createdAt: event.createdAt,
        expiresAt: event.expiresAt,
      };
      const held: TakenSeat = { reservationId: event.reservationId, status: 'RESERVED' };
      return {
        ...state,
        taken: withSeats(state.taken, event.seatNumbers, held),
        reservations: withReservation(state.reservations, reservation),
      };
    }
    case 'reservation.expired':
    case 'reservation.cancelled': {
      const r = state.reservations.get(event.reservationId);
      if (!r || r.status !== 'PENDING') return state;
      let taken = PersistentMap.from(state.taken);
      for (const s of r.seatNumbers) {
        if (taken.get(s)?.reservationId === r.id) taken = taken.delete(s);
      }
      // An ended hold leaves memory: the state keeps only what is live (pending and confirmed), exactly what an
      // activation loads, so a long-lived session does not slow down with its history. Its row keeps its status.
      return { ...state, taken, reservations: PersistentMap.from(state.reservations).delete(r.id) };
    }
    case 'payment.confirmed': {
      const r = state.reservations.get(event.reservationId);
      if (!r || r.status !== 'PENDING') return state;
      const sold: TakenSeat = { reservationId: r.id, status: 'SOLD' };
      return {
        ...state,
        taken: withSeats(state.taken, r.seatNumbers, sold),
        reservations: withReservation(state.reservations, {
          ...r,
          status: 'CONFIRMED',
          paidAt: event.paidAt,
          sales: event.sales,
        }),
      };
    }
  }
}

export function evolveAll(state: SessionState, events: readonly SessionEvent[]): SessionState {
  return events.reduce(evolve, state);
}

function withSeats(
  taken: ReadonlyMap<string, TakenSeat>,
  seats: readonly string[],
  value: TakenSeat,
): ReadonlyMap<string, TakenSeat> {
  let next = PersistentMap.from(taken);
  for (const s of seats) next = next.set(s, value);
  return next;
}

function withReservation(
  reservations: ReadonlyMap<string, Reservation>,
  r: Reservation,
): ReadonlyMap<string, Reservation> {
  return PersistentMap.from(reservations).set(r.id, r);
}
