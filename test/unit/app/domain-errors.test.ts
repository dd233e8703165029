import { domainRefusal } from '../../../src/app/domain-errors';
import type { DomainError } from '../../../src/domain';

/** Every refusal of the seat rules has one HTTP meaning: a status, a title, a detail and, for seat lists, the seats. */
describe('the HTTP meaning of each refusal', () => {
  it.each<[DomainError, object]>([
    [
      { code: 'UNKNOWN_SEATS', seats: ['Z9', 'A0'] },
      {
        status: 400,
        title: 'Invalid request',
        detail: 'Unknown seats: Z9, A0',
        extras: { errors: [{ path: 'seatNumbers', message: 'not seats of this session: Z9, A0' }] },
      },
    ],
    [
      { code: 'DUPLICATE_SEATS', seats: ['A1', 'A2'] },
      { status: 400, detail: 'Seats repeated: A1, A2', extras: { errors: [{ path: 'seatNumbers', message: 'repeated: A1, A2' }] } },
    ],
    [
      { code: 'TOO_MANY_SEATS', max: 4 },
      { status: 400, detail: 'At most 4 seats per reservation', extras: { errors: [{ path: 'seatNumbers', message: 'at most 4 seats' }] } },
    ],
    [
      { code: 'NO_SEATS' },
      { status: 400, detail: 'At least one seat is needed', extras: { errors: [{ path: 'seatNumbers', message: 'empty' }] } },
    ],
    [
      { code: 'SEATS_UNAVAILABLE', seats: ['A2'] },
      { status: 409, title: 'Seats unavailable', extras: { unavailableSeats: ['A2'] } },
    ],
    [{ code: 'RESERVATION_ID_TAKEN' }, { status: 409, title: 'Conflict', detail: 'Reservation id already in use' }],
    [{ code: 'RESERVATION_NOT_FOUND' }, { status: 404, title: 'Not found', detail: 'Reservation not found' }],
    [{ code: 'NOT_RESERVATION_OWNER' }, { status: 403, title: 'Forbidden', detail: 'This reservation belongs to another user' }],
    [
      { code: 'RESERVATION_EXPIRED' },
      { status: 410, title: 'Reservation expired', detail: 'The reservation expired; its seats were released' },
    ],
    [{ code: 'RESERVATION_CANCELLED' }, { status: 409, title: 'Reservation cancelled', detail: 'The reservation was cancelled' }],
    [{ code: 'RESERVATION_CONFIRMED' }, { status: 409, title: 'Reservation confirmed', detail: 'The reservation is already paid' }],
    [{ code: 'SALE_IDS_MISSING' }, { status: 503, retriable: true, detail: 'Internal error while confirming; retry' }],
  ])('when the rules refuse with %o, then the answer is %o', (refusal, expected) => {
    expect(domainRefusal(refusal)).toMatchObject(expected);
  });
});
