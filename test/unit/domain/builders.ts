/** Commands and events for the decider specs, with the defaults every spec shares spelled out once. */
import type { SessionCommand, SessionEvent } from '../../../src/domain';

/** 19:00 UTC on the day of the screening: the clock every spec starts from. */
export const T0 = Date.UTC(2030, 0, 1, 19, 0, 0);
export const TTL = 30_000;
export const MAX_SEATS = 10;
export const MAX_SEATS_PER_USER = 10;
export const PRICE = 2500;

export const ALICE = 'alice';
export const BOB = 'bob';

/** The sale ids a confirmation of `reservationId` passes in: enough for the largest reservation. */
export const saleIdsFor = (reservationId: string, count = MAX_SEATS): string[] =>
  Array.from({ length: count }, (_, i) => `${reservationId}-sale-${i + 1}`);

// ---- commands ------------------------------------------------------------------------------------------------

export function hold(
  reservationId: string,
  seatNumbers: readonly string[],
  { userId = ALICE, now = T0, ttlMs = TTL, maxSeats = MAX_SEATS, maxSeatsPerUser = MAX_SEATS_PER_USER } = {},
): SessionCommand {
  return { type: 'HoldSeats', reservationId, userId, seatNumbers, now, ttlMs, maxSeats, maxSeatsPerUser };
}

export function confirm(
  reservationId: string,
  { userId = ALICE, now = T0 + 1_000, saleIds = saleIdsFor(reservationId) as readonly string[] } = {},
): SessionCommand {
  return { type: 'ConfirmPayment', reservationId, userId, now, saleIds };
}

export function cancel(reservationId: string, { userId = ALICE, now = T0 + 1_000 } = {}): SessionCommand {
  return { type: 'CancelReservation', reservationId, userId, now };
}

export function expireDue(now: number): SessionCommand {
  return { type: 'ExpireDue', now };
}

// ---- events --------------------------------------------------------------------------------------------------

export function created(
  reservationId: string,
  seatNumbers: readonly string[],
  { userId = ALICE, at = T0, ttlMs = TTL, priceCents = PRICE } = {},
): SessionEvent {
  return {
    type: 'reservation.created',
    reservationId,
    userId,
    seatNumbers,
    amountCents: priceCents * seatNumbers.length,
    createdAt: at,
    expiresAt: at + ttlMs,
  };
}

export function expired(reservationId: string, seatNumbers: readonly string[], at: number): SessionEvent {
  return { type: 'reservation.expired', reservationId, seatNumbers, at };
}

export function cancelled(reservationId: string, seatNumbers: readonly string[], at: number): SessionEvent {
  return { type: 'reservation.cancelled', reservationId, seatNumbers, at };
}

export function paid(
  reservationId: string,
  seatNumbers: readonly string[],
  { userId = ALICE, at = T0 + 1_000, priceCents = PRICE, saleIds = saleIdsFor(reservationId) as readonly string[] } = {},
): SessionEvent {
  return {
    type: 'payment.confirmed',
    reservationId,
    userId,
    sales: seatNumbers.map((seatNumber, i) => ({ id: saleIds[i], seatNumber, amountCents: priceCents })),
    paidAt: at,
  };
}
