import type { SeatMap } from '../app/ports';
import type { AvailabilityView, SeatView } from '../app/views';
import { availableSeatCount, fromCents, rowOf, seatingPlan, type SessionState } from '../domain';

/** The availability document of a session, computed from its seat state and committed version alone. */
export function availabilityDocument(state: SessionState, version: number): AvailabilityView {
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
    version,
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
 * Serializes and encodes the document once per committed version: every read between two commits sends the same
 * bytes. The owner's actor and every instance's read model build it with this same function, so one version is
 * one byte string everywhere (which makes the version a strong ETag).
 */
export function createAvailabilityCache(): (state: SessionState, version: number) => SeatMap {
  let last: SeatMap | undefined;
  let lastState: SessionState | undefined;
  return (state, version) => {
    if (!last || state !== lastState || version !== last.version) {
      last = { sessionId: state.info.sessionId, version, body: Buffer.from(JSON.stringify(availabilityDocument(state, version))) };
      lastState = state;
    }
    return last;
  };
}
