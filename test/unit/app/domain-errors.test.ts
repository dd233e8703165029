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
    [
      { code: 'SEAT_LIMIT_PER_USER', max: 6, held: 4 },
      { status: 409, title: 'Seat limit per user reached', extras: { limit: 'MAX_SEATS_PER_USER_PER_SESSION', max: 6, held: 4 } },
    ],
    [
      { code: 'SALES_CLOSED', closedAt: Date.UTC(2030, 0, 1, 19, 45) },
      {
        status: 409,
        title: 'Sales closed',
        detail: 'Sales for this session closed at 2030-01-01T19:45:00.000Z',
        extras: { closedAt: '2030-01-01T19:45:00.000Z' },
      },
    ],
    [
      { code: 'SEATS_NOT_FOR_SALE', seats: ['A4', 'B1'] },
      { status: 409, title: 'Seats not for sale', detail: 'Seats not for sale: A4, B1', extras: { unavailableSeats: ['A4', 'B1'] } },
    ],
    [
      { code: 'UNKNOWN_CATEGORY', category: 'BALCONY' },
      {
        status: 400,
        title: 'Invalid request',
        detail: 'Unknown category: BALCONY',
        extras: { errors: [{ path: 'category', message: 'not a category of this session: BALCONY' }] },
      },
    ],
    [
      { code: 'NO_ADJACENT_SEATS', quantity: 4, largestBlock: 3 },
      {
        status: 409,
        title: 'No adjacent seats',
        detail: 'No 4 adjacent seats are free; the largest free block has 3',
        extras: { quantity: 4, largestBlock: 3 },
      },
    ],
    [
      { code: 'WOULD_STRAND_SEAT', seat: 'C5' },
      {
        status: 409,
        title: 'Single seat stranded',
        detail: 'This hold would leave seat C5 alone; choose seats that leave no single empty seat',
        extras: { strandedSeat: 'C5' },
      },
    ],
    [{ code: 'SESSION_CANCELLED' }, { status: 409, title: 'Session cancelled', detail: 'The session was cancelled' }],
    [
      { code: 'EXTENSION_LIMIT_REACHED', max: 2 },
      { status: 409, title: 'Extension limit reached', detail: 'A hold can be extended at most 2 times', extras: { maxExtensions: 2 } },
    ],
  ])('when the rules refuse with %o, then the answer is %o', (refusal, expected) => {
    expect(domainRefusal(refusal)).toMatchObject(expected);
  });
});
