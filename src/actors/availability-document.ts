import type { AvailabilityView, SeatView } from '../app/views';
import { availableSeatCount, fromCents, rowOf, type SessionState } from '../domain';

/** The availability document of a session, computed from its seat state alone. */
export function availabilityDocument(state: SessionState): AvailabilityView {
  const { info, taken } = state;
  const seats: SeatView[] = info.seatLabels.map((seatNumber) => {
    const t = taken.get(seatNumber);
    const status = t === undefined ? 'AVAILABLE' : t.status;
    return { seatNumber, row: rowOf(seatNumber), status, isAvailable: status === 'AVAILABLE' };
  });
  return {
    sessionId: info.sessionId,
    movieName: info.movieName,
    startTime: info.startTime,
    roomNumber: info.roomNumber,
    ticketPrice: fromCents(info.priceCents),
    totalSeats: info.seatLabels.length,
    availableSeats: availableSeatCount(state),
    seats,
  };
}

/**
 * Serializes and encodes the document once per committed state: every read between two commits sends the same
 * bytes. States are immutable, so the state object itself is the cache key.
 */
export function createAvailabilityCache(): (state: SessionState) => Buffer {
  let lastState: SessionState | undefined;
  let lastBytes = Buffer.alloc(0);
  return (state) => {
    if (state !== lastState) {
      lastBytes = Buffer.from(JSON.stringify(availabilityDocument(state)));
      lastState = state;
    }
    return lastBytes;
  };
}
