import type { AvailabilityView, SeatView } from '../app/views';
import { availableSeatCount, fromCents, rowOf, seatingPlan, type SessionState } from '../domain';

/** The availability document of a session, computed from its seat state alone. */
export function availabilityDocument(state: SessionState): AvailabilityView {
  const { info, taken } = state;
  const plan = seatingPlan(info);
  const cancelled = state.cancelledAt !== undefined;
  const seats: SeatView[] = info.seatLabels.map((seatNumber) => {
    const t = taken.get(seatNumber);
    const seat = plan.seats.get(seatNumber)!;
    const status = cancelled ? 'CANCELLED' : seat.blocked ? 'BLOCKED' : t === undefined ? 'AVAILABLE' : t.status;
    return {
      seatNumber,
      row: rowOf(seatNumber),
      status,
      isAvailable: status === 'AVAILABLE',
      category: seat.category.name,
      price: fromCents(seat.category.priceCents),
      wheelchair: seat.wheelchair,
    };
  });
  return {
    sessionId: info.sessionId,
    movieName: info.movieName,
    startTime: info.startTime,
    roomNumber: info.roomNumber,
    ticketPrice: fromCents(info.priceCents),
    totalSeats: info.seatLabels.length,
    availableSeats: availableSeatCount(state),
    status: cancelled ? 'CANCELLED' : 'ON_SALE',
    categories: plan.categories.map((c) => ({ name: c.name, price: fromCents(c.priceCents) })),
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
