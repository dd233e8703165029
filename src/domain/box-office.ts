import { bestAvailable } from './best-available';
import type { BoxOfficeCommand, SessionCommand } from './commands';
import type { DomainError } from './domain-error';
import type { SessionEvent } from './events';
import { seatingPlan } from './seating';
import { dueHolds, type Reservation, type SessionState } from './session-state';
import type { FreeSeat } from './stranded-seats';

type Decision =
  | { readonly ok: true; readonly events: readonly SessionEvent[] }
  | { readonly ok: false; readonly error: DomainError };

type HoldSeats = Extract<SessionCommand, { type: 'HoldSeats' }>;

/** Seats free to hold at `now`: not blocked, not taken (a hold past its expiry no longer takes its seats). */
export function freeSeatsAt(state: SessionState, now: number): FreeSeat {
  const plan = seatingPlan(state.info);
  const freed = new Set(dueHolds(state, now).map((r) => r.id));
  return (label) => {
    const seat = plan.seats.get(label);
    if (!seat || seat.blocked) return false;
    const taken = state.taken.get(label);
    // A due hold is pending: its seats are RESERVED (a SOLD seat belongs to a confirmed reservation).
    return taken === undefined || freed.has(taken.reservationId);
  };
}

/**
 * The box office's commands. Best available picks the seats and then holds them exactly like a manual pick
 * (`holdSeats`, the decider's HoldSeats rule), so every rule of a hold applies to both.
 */
export function decideBoxOffice(
  command: BoxOfficeCommand,
  state: SessionState,
  holdSeats: (command: HoldSeats, state: SessionState, options: { strandingChecked: boolean }) => Decision,
): Decision {
  switch (command.type) {
    case 'HoldBestAvailable': {
      const existing = state.reservations.get(command.reservationId);
      if (existing) {
        // A redelivered command: the same user's hold is a no-op, anything else is a clash of ids.
        return existing.userId === command.userId ? { ok: true, events: [] } : refuse({ code: 'RESERVATION_ID_TAKEN' });
      }
      if (state.cancelledAt !== undefined) return refuse({ code: 'SESSION_CANCELLED' });
      if (!Number.isInteger(command.quantity) || command.quantity < 1) return refuse({ code: 'NO_SEATS' });
      if (command.quantity > command.maxSeats) return refuse({ code: 'TOO_MANY_SEATS', max: command.maxSeats });
      const plan = seatingPlan(state.info);
      if (command.category !== undefined && !plan.categories.some((c) => c.name === command.category)) {
        return refuse({ code: 'UNKNOWN_CATEGORY', category: command.category });
      }
      const pick = bestAvailable(plan, freeSeatsAt(state, command.now), command.quantity, {
        category: command.category,
        avoidStranding: plan.singleSeatRule !== 'OFF',
      });
      if (!pick.ok) return refuse({ code: 'NO_ADJACENT_SEATS', quantity: command.quantity, largestBlock: pick.largestBlock });
      const { reservationId, userId, now, ttlMs, maxSeats, maxSeatsPerUser, salesCloseMs } = command;
      const hold: HoldSeats = {
        type: 'HoldSeats',
        ...{ reservationId, userId, seatNumbers: pick.seats, now, ttlMs, maxSeats, maxSeatsPerUser, salesCloseMs },
      };
      return holdSeats(hold, state, { strandingChecked: true });
    }
    case 'ExtendHold': {
      const r = state.reservations.get(command.reservationId);
      if (!r) return refuse({ code: 'RESERVATION_NOT_FOUND' });
      if (r.userId !== command.userId) return refuse({ code: 'NOT_RESERVATION_OWNER' });
      if (r.status === 'CONFIRMED') return refuse({ code: 'RESERVATION_CONFIRMED' });
      if (r.expiresAt <= command.now) return refuse({ code: 'RESERVATION_EXPIRED' });
      const extensions = r.extensions ?? 0;
      if (extensions >= command.maxExtensions) return refuse({ code: 'EXTENSION_LIMIT_REACHED', max: command.maxExtensions });
      return accept([
        {
          type: 'reservation.extended',
          reservationId: r.id,
          userId: r.userId,
          expiresAt: r.expiresAt + command.extensionMs,
          extensions: extensions + 1,
          at: command.now,
        },
      ]);
    }
    case 'CancelSession':
      return accept(cancelSession(state, command.now));
  }
}

/** Cancelling a screening: pending holds released, one refund per sold seat, oldest reservation first. Idempotent. */
function cancelSession(state: SessionState, now: number): SessionEvent[] {
  if (state.cancelledAt !== undefined) return [];
  const events: SessionEvent[] = [{ type: 'session.cancelled', at: now }];
  // In the order they were made (then by id): the map's own order is not part of the state.
  const byAge = [...state.reservations.values()].sort((a, b) => a.createdAt - b.createdAt || byId(a, b));
  for (const r of byAge) {
    if (r.status === 'PENDING') {
      const type = r.expiresAt <= now ? 'reservation.expired' : 'reservation.cancelled';
      events.push({ type, reservationId: r.id, seatNumbers: r.seatNumbers, at: now });
    } else if (
      // Stryker disable next-line ConditionalExpression: `true` is equivalent: a REFUNDED reservation exists only once the session is cancelled, and then this returned early
      r.status === 'CONFIRMED'
    ) {
      for (const sale of r.sales ?? []) {
        events.push({
          type: 'sale.refunded',
          saleId: sale.id,
          reservationId: r.id,
          userId: r.userId,
          seatNumber: sale.seatNumber,
          amountCents: sale.amountCents,
          at: now,
        });
      }
    }
  }
  return events;
}

/** Reservations in id order (code units). Ids are the reservations map's keys, so two are never equal. */
function byId(a: Reservation, b: Reservation): number {
  // Stryker disable next-line EqualityOperator: `<=` is equivalent: ids are never equal
  return a.id < b.id ? -1 : 1;
}

const accept = (events: readonly SessionEvent[]): Decision => ({ ok: true, events });
const refuse = (error: DomainError): Decision => ({ ok: false, error });
