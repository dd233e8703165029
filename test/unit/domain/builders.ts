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

// ---- the box office's rules ----------------------------------------------------------------------------------

export const EXTENSION = 60_000;

export function holdBest(
  reservationId: string,
  quantity: number,
  {
    userId = ALICE,
    now = T0,
    ttlMs = TTL,
    maxSeats = MAX_SEATS,
    maxSeatsPerUser = MAX_SEATS_PER_USER,
    category = undefined as string | undefined,
  } = {},
): SessionCommand {
  return { type: 'HoldBestAvailable', reservationId, userId, quantity, now, ttlMs, maxSeats, maxSeatsPerUser, ...(category ? { category } : {}) };
}

export function extend(
  reservationId: string,
  { userId = ALICE, now = T0 + 10_000, extensionMs = EXTENSION, maxExtensions = 1 } = {},
): SessionCommand {
  return { type: 'ExtendHold', reservationId, userId, now, extensionMs, maxExtensions };
}

export function cancelSession(now = T0 + 5_000): SessionCommand {
  return { type: 'CancelSession', now };
}

/** A hold with the amount given (seats of different prices). */
export function createdAt(
  reservationId: string,
  seatNumbers: readonly string[],
  amountCents: number,
  { userId = ALICE, at = T0, ttlMs = TTL } = {},
): SessionEvent {
  return { type: 'reservation.created', reservationId, userId, seatNumbers, amountCents, createdAt: at, expiresAt: at + ttlMs };
}

export function extended(reservationId: string, expiresAt: number, extensions: number, at: number, userId = ALICE): SessionEvent {
  return { type: 'reservation.extended', reservationId, userId, expiresAt, extensions, at };
}

export function sessionCancelled(at: number): SessionEvent {
  return { type: 'session.cancelled', at };
}

export function refunded(
  reservationId: string,
  saleId: string,
  seatNumber: string,
  amountCents: number,
  at: number,
  userId = ALICE,
): SessionEvent {
  return { type: 'sale.refunded', saleId, reservationId, userId, seatNumber, amountCents, at };
}
