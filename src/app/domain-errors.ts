import type { DomainError } from '../domain';
import {
  AppError,
  ConflictError,
  ForbiddenError,
  GoneError,
  NotFoundError,
  SeatLimitPerUserError,
  SeatsUnavailableError,
  ServiceUnavailableError,
  ValidationError,
} from '../errors';

/** The HTTP meaning of each refusal of the seat rules. */
export function domainErrorToAppError(error: DomainError): AppError {
  switch (error.code) {
    case 'UNKNOWN_SEATS':
      return new ValidationError(`Unknown seats: ${error.seats.join(', ')}`, [
        { path: 'seatNumbers', message: `not seats of this session: ${error.seats.join(', ')}` },
      ]);
    case 'DUPLICATE_SEATS':
      return new ValidationError(`Seats repeated: ${error.seats.join(', ')}`, [
        { path: 'seatNumbers', message: `repeated: ${error.seats.join(', ')}` },
      ]);
    case 'TOO_MANY_SEATS':
      return new ValidationError(`At most ${error.max} seats per reservation`, [
        { path: 'seatNumbers', message: `at most ${error.max} seats` },
      ]);
    case 'NO_SEATS':
      return new ValidationError('At least one seat is needed', [{ path: 'seatNumbers', message: 'empty' }]);
    case 'SEATS_UNAVAILABLE':
      return new SeatsUnavailableError(error.seats);
    case 'SEAT_LIMIT_PER_USER':
      return new SeatLimitPerUserError(error.max, error.held);
    case 'RESERVATION_ID_TAKEN':
      return new ConflictError('Reservation id already in use');
    case 'RESERVATION_NOT_FOUND':
      return new NotFoundError('Reservation not found');
    case 'NOT_RESERVATION_OWNER':
      return new ForbiddenError('This reservation belongs to another user');
    case 'RESERVATION_EXPIRED':
      return new GoneError('The reservation expired; its seats were released');
    case 'RESERVATION_CANCELLED':
      return new ConflictError('The reservation was cancelled', undefined, 'Reservation cancelled');
    case 'RESERVATION_CONFIRMED':
      return new ConflictError('The reservation is already paid', undefined, 'Reservation confirmed');
    case 'SALE_IDS_MISSING':
      return new ServiceUnavailableError('Internal error while confirming; retry');
  }
}
