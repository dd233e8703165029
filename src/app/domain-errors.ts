import type { DomainError } from '../domain';
import { refusals, type Refusal } from '../errors';

/** The HTTP meaning of each refusal of the seat rules, as a value (no exception, no stack). */
export function domainRefusal(error: DomainError): Refusal {
  switch (error.code) {
    case 'UNKNOWN_SEATS':
      return refusals.invalid(`Unknown seats: ${error.seats.join(', ')}`, [
        { path: 'seatNumbers', message: `not seats of this session: ${error.seats.join(', ')}` },
      ]);
    case 'DUPLICATE_SEATS':
      return refusals.invalid(`Seats repeated: ${error.seats.join(', ')}`, [
        { path: 'seatNumbers', message: `repeated: ${error.seats.join(', ')}` },
      ]);
    case 'TOO_MANY_SEATS':
      return refusals.invalid(`At most ${error.max} seats per reservation`, [
        { path: 'seatNumbers', message: `at most ${error.max} seats` },
      ]);
    case 'NO_SEATS':
      return refusals.invalid('At least one seat is needed', [{ path: 'seatNumbers', message: 'empty' }]);
    case 'SEATS_UNAVAILABLE':
      return refusals.seatsUnavailable(error.seats);
    case 'SEAT_LIMIT_PER_USER':
      return refusals.seatLimitPerUser(error.max, error.held);
    case 'RESERVATION_ID_TAKEN':
      return refusals.conflict('Reservation id already in use');
    case 'RESERVATION_NOT_FOUND':
      return refusals.notFound('Reservation not found');
    case 'NOT_RESERVATION_OWNER':
      return refusals.forbidden('This reservation belongs to another user');
    case 'RESERVATION_EXPIRED':
      return refusals.gone('The reservation expired; its seats were released');
    case 'RESERVATION_CANCELLED':
      return refusals.conflict('The reservation was cancelled', 'Reservation cancelled');
    case 'RESERVATION_CONFIRMED':
      return refusals.conflict('The reservation is already paid', 'Reservation confirmed');
    case 'SALES_CLOSED':
      return refusals.conflict(`Sales for this session closed at ${new Date(error.closedAt).toISOString()}`, 'Sales closed', {
        closedAt: new Date(error.closedAt).toISOString(),
      });
    case 'SALE_IDS_MISSING':
      return refusals.unavailable('Internal error while confirming; retry');
    case 'SEATS_NOT_FOR_SALE':
      return refusals.conflict(`Seats not for sale: ${error.seats.join(', ')}`, 'Seats not for sale', { unavailableSeats: error.seats });
    case 'UNKNOWN_CATEGORY':
      return refusals.invalid(`Unknown category: ${error.category}`, [
        { path: 'category', message: `not a category of this session: ${error.category}` },
      ]);
    case 'NO_ADJACENT_SEATS':
      return refusals.conflict(
        `No ${error.quantity} adjacent seats are free; the largest free block has ${error.largestBlock}`,
        'No adjacent seats',
        { quantity: error.quantity, largestBlock: error.largestBlock },
      );
    case 'WOULD_STRAND_SEAT':
      return refusals.conflict(
        `This hold would leave seat ${error.seat} alone; choose seats that leave no single empty seat`,
        'Single seat stranded',
        { strandedSeat: error.seat },
      );
    case 'SESSION_CANCELLED':
      return refusals.conflict('The session was cancelled', 'Session cancelled');
    case 'EXTENSION_LIMIT_REACHED':
      return refusals.conflict(`A hold can be extended at most ${error.max} times`, 'Extension limit reached', { maxExtensions: error.max });
  }
}
