import type { SessionCommand } from './commands';
import type { DomainError } from './domain-error';
import type { SessionEvent } from './events';
import { decideBoxOffice, freeSeatsAt } from './box-office';
import { seatLimitExceeded } from './seat-limit';
import { salesClosed } from './sales-window';
import { seatSet } from './seat-layout';
import { priceOfSeats, seatingPlan } from './seating';
import { dueHolds, type Reservation, type SessionState } from './session-state';
import { avoidableStrandedSeat } from './stranded-seats';

export type Decision =
  | { readonly ok: true; readonly events: readonly SessionEvent[] }
  | { readonly ok: false; readonly error: DomainError };

const accept = (events: readonly SessionEvent[]): Decision => ({ ok: true, events });
const refuse = (error: DomainError): Decision => ({ ok: false, error });

const expiredEvent = (r: Reservation, at: number): SessionEvent => ({
  type: 'reservation.expired',
  reservationId: r.id,
  seatNumbers: r.seatNumbers,
  at,
});

/** The seat rules of one session: what happens when `command` meets `state`. Pure. */
export function decide(command: SessionCommand, state: SessionState): Decision {
  switch (command.type) {
    case 'HoldSeats':
      return decideHold(command, state);
    case 'ConfirmPayment':
      return decideConfirm(command, state);
    case 'CancelReservation':
      return decideCancel(command, state);
    case 'ExpireDue':
      return accept(dueHolds(state, command.now).map((r) => expiredEvent(r, command.now)));
    case 'HoldBestAvailable':
    case 'ExtendHold':
    case 'CancelSession':
      return decideBoxOffice(command, state, decideHold);
  }
}

function decideHold(
  command: Extract<SessionCommand, { type: 'HoldSeats' }>,
  state: SessionState,
  options = { strandingChecked: false },
): Decision {
  const { seatNumbers, now } = command;
  const existing = state.reservations.get(command.reservationId);
  if (existing) {
    // A redelivered command: the same hold again is a no-op, anything else is a clash of ids.
    const same = existing.userId === command.userId && sameSeats(existing.seatNumbers, seatNumbers);
    return same ? accept([]) : refuse({ code: 'RESERVATION_ID_TAKEN' });
  }
  if (state.cancelledAt !== undefined) return refuse({ code: 'SESSION_CANCELLED' });
  if (salesClosed(state.info, now, command.salesCloseMs)) return refuse(closed(state, command.salesCloseMs));
  if (seatNumbers.length === 0) return refuse({ code: 'NO_SEATS' });
  if (seatNumbers.length > command.maxSeats) return refuse({ code: 'TOO_MANY_SEATS', max: command.maxSeats });
  const duplicates = seatNumbers.filter((s, i) => seatNumbers.indexOf(s) !== i);
  if (duplicates.length > 0) return refuse({ code: 'DUPLICATE_SEATS', seats: [...new Set(duplicates)] });
  const known = seatSet(state.info.seatLabels);
  const unknown = seatNumbers.filter((s) => !known.has(s));
  if (unknown.length > 0) return refuse({ code: 'UNKNOWN_SEATS', seats: unknown });

  // Holds past their expiry no longer count, even if their timer has not fired yet.
  const due = dueHolds(state, now);
  const freed = new Set(due.map((r) => r.id));
  const unavailable = seatNumbers.filter((s) => {
    const taken = state.taken.get(s);
    // freed holds only due pending holds: their seats are RESERVED (a SOLD seat's reservation is confirmed).
    return taken !== undefined && !freed.has(taken.reservationId);
  });
  if (unavailable.length > 0) return refuse({ code: 'SEATS_UNAVAILABLE', seats: unavailable });
  const plan = seatingPlan(state.info);
  const notForSale = seatNumbers.filter((s) => plan.seats.get(s)?.blocked);
  if (notForSale.length > 0) return refuse({ code: 'SEATS_NOT_FOR_SALE', seats: notForSale });
  if (plan.singleSeatRule === 'ALL_HOLDS' && !options.strandingChecked) {
    const stranded = avoidableStrandedSeat(plan, freeSeatsAt(state, now), seatNumbers);
    if (stranded !== undefined) return refuse({ code: 'WOULD_STRAND_SEAT', seat: stranded });
  }
  const overLimit = seatLimitExceeded(state, command.userId, seatNumbers.length, command.maxSeatsPerUser, now);
  if (overLimit) return refuse(overLimit);

  const blocking = due.filter((r) => r.seatNumbers.some((s) => seatNumbers.includes(s)));
  return accept([
    ...blocking.map((r) => expiredEvent(r, now)),
    {
      type: 'reservation.created',
      reservationId: command.reservationId,
      userId: command.userId,
      seatNumbers: [...seatNumbers],
      amountCents: priceOfSeats(plan, seatNumbers),
      createdAt: now,
      expiresAt: now + command.ttlMs,
    },
  ]);
}

function decideConfirm(command: Extract<SessionCommand, { type: 'ConfirmPayment' }>, state: SessionState): Decision {
  const r = state.reservations.get(command.reservationId);
  if (!r) return refuse({ code: 'RESERVATION_NOT_FOUND' });
  if (r.userId !== command.userId) return refuse({ code: 'NOT_RESERVATION_OWNER' });
  if (r.status === 'CONFIRMED') return accept([]);
  if (r.expiresAt <= command.now) return refuse({ code: 'RESERVATION_EXPIRED' });
  if (salesClosed(state.info, command.now, command.salesCloseMs)) return refuse(closed(state, command.salesCloseMs));
  if (command.saleIds.length < r.seatNumbers.length) return refuse({ code: 'SALE_IDS_MISSING' });
  const plan = seatingPlan(state.info);
  return accept([
    {
      type: 'payment.confirmed',
      reservationId: r.id,
      userId: r.userId,
      sales: r.seatNumbers.map((seatNumber, i) => ({
        id: command.saleIds[i],
        seatNumber,
        amountCents: plan.seats.get(seatNumber)?.category.priceCents ?? 0,
      })),
      paidAt: command.now,
    },
  ]);
}

function decideCancel(command: Extract<SessionCommand, { type: 'CancelReservation' }>, state: SessionState): Decision {
  const r = state.reservations.get(command.reservationId);
  if (!r) return refuse({ code: 'RESERVATION_NOT_FOUND' });
  if (r.userId !== command.userId) return refuse({ code: 'NOT_RESERVATION_OWNER' });
  if (r.status === 'CONFIRMED') return refuse({ code: 'RESERVATION_CONFIRMED' });
  if (r.expiresAt <= command.now) return accept([expiredEvent(r, command.now)]);
  return accept([{ type: 'reservation.cancelled', reservationId: r.id, seatNumbers: r.seatNumbers, at: command.now }]);
}

function closed(state: SessionState, closeMs = 0): DomainError {
  return { code: 'SALES_CLOSED', closedAt: Date.parse(state.info.startTime) - closeMs };
}

function sameSeats(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}
