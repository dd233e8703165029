import type { SessionFacts } from '../actors/protocol';
import { DEFAULT_CATEGORY, fromCents, type Reservation } from '../domain';
import type { ReservationRecord } from '../persistence/reservation-queries';
import type { SaleRecord } from '../persistence/sale-queries';
import type { SessionRecord } from '../persistence/session-record';
import type { ReservationView, SaleView, SessionView } from './views';

/** `isActive` is false once sales have closed (the session started, or is about to: SALES_CLOSE_MINUTES_BEFORE). */
export function sessionView(r: SessionRecord, now: number, salesCloseMs = 0): SessionView {
  return {
    id: r.id,
    movieName: r.movieName,
    startTime: r.startTime.toISOString(),
    roomNumber: r.roomNumber,
    ticketPrice: fromCents(r.priceCents),
    isActive: r.isActive && now < r.startTime.getTime() - salesCloseMs,
    totalSeats: r.totalSeats,
    availableSeats: r.availableSeats,
    createdAt: r.createdAt.toISOString(),
    status: r.cancelledAt ? 'CANCELLED' : 'ON_SALE',
    ...(r.cancelledAt ? { cancelledAt: r.cancelledAt.toISOString() } : {}),
    // Read from the stored plan as it is (lists of sessions must not resolve every seat of every session).
    categories: r.seating?.categories?.length
      ? r.seating.categories.map((c) => ({ name: c.name, price: fromCents(c.priceCents) }))
      : [{ name: DEFAULT_CATEGORY, price: fromCents(r.priceCents) }],
  };
}

/** A pending reservation past its expiry reads EXPIRED even before its timer has fired. */
export function reservationRecordView(r: ReservationRecord, now: number): ReservationView {
  const status = r.status === 'PENDING' && r.expiresAt.getTime() <= now ? 'EXPIRED' : r.status;
  return {
    id: r.id,
    sessionId: r.sessionId,
    userId: r.userId,
    seatNumbers: r.seatNumbers,
    status,
    amount: fromCents(r.amountCents),
    expiresAt: r.expiresAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
  };
}

export function reservationView(sessionId: string, r: Reservation): ReservationView {
  return {
    id: r.id,
    sessionId,
    userId: r.userId,
    seatNumbers: r.seatNumbers,
    status: r.status,
    amount: fromCents(r.amountCents),
    expiresAt: new Date(r.expiresAt).toISOString(),
    createdAt: new Date(r.createdAt).toISOString(),
  };
}

export function salesOfReservation(session: SessionFacts, r: Reservation): SaleView[] {
  return (r.sales ?? []).map((s) => ({
    id: s.id,
    reservationId: r.id,
    sessionId: session.sessionId,
    seatNumber: s.seatNumber,
    userId: r.userId,
    amount: fromCents(s.amountCents),
    movieName: session.movieName,
    sessionStartTime: session.startTime,
    roomNumber: session.roomNumber,
    paidAt: new Date(r.paidAt ?? 0).toISOString(),
  }));
}

export function saleView(s: SaleRecord): SaleView {
  return {
    id: s.id,
    reservationId: s.reservationId,
    sessionId: s.sessionId,
    seatNumber: s.seatNumber,
    userId: s.userId,
    amount: fromCents(s.amountCents),
    movieName: s.movieName,
    sessionStartTime: s.sessionStartTime.toISOString(),
    roomNumber: s.roomNumber,
    paidAt: s.paidAt.toISOString(),
    ...(s.refundedAt ? { refundedAt: s.refundedAt.toISOString() } : {}),
  };
}
