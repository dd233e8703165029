import type { BoxOfficeEvent } from './events';
import { PersistentMap } from './persistent-map';
import type { SessionState } from './session-state';

/** Applies a fact of the box office's rules to the state. Pure: returns a new state. */
export function evolveBoxOffice(state: SessionState, event: BoxOfficeEvent): SessionState {
  switch (event.type) {
    case 'reservation.extended': {
      const r = state.reservations.get(event.reservationId);
      if (!r || r.status !== 'PENDING' || (r.extensions ?? 0) >= event.extensions) return state; // replayed
      const reservations = PersistentMap.from(state.reservations).set(r.id, { ...r, expiresAt: event.expiresAt, extensions: event.extensions });
      return { ...state, reservations };
    }
    case 'session.cancelled':
      return state.cancelledAt !== undefined ? state : { ...state, cancelledAt: event.at };
    case 'sale.refunded': {
      const r = state.reservations.get(event.reservationId);
      if (!r || state.taken.get(event.seatNumber)?.reservationId !== r.id) return state;
      const taken = PersistentMap.from(state.taken).delete(event.seatNumber);
      // A refunded reservation leaves memory with its last seat, as an activation would load it (not at all).
      const rest = PersistentMap.from(state.reservations);
      const reservations = r.seatNumbers.some((s) => taken.get(s)?.reservationId === r.id)
        ? rest.set(r.id, { ...r, status: 'REFUNDED' })
        : rest.delete(r.id);
      return { ...state, taken, reservations };
    }
  }
}
