import type { SessionEvent } from '../domain';
import { fromCents } from '../domain';

/**
 * The readable JSON of a domain event as operators see it on the events topic: ISO times, money as numbers,
 * always with its session id and the session's version once this event is applied (the read side keeps to it).
 */
export function eventPayload(sessionId: string, event: SessionEvent, version: number): Record<string, unknown> {
  return { ...eventFields(sessionId, event), version };
}

function eventFields(sessionId: string, event: SessionEvent): Record<string, unknown> {
  switch (event.type) {
    case 'reservation.created':
      return {
        type: event.type,
        sessionId,
        reservationId: event.reservationId,
        userId: event.userId,
        seatNumbers: event.seatNumbers,
        amount: fromCents(event.amountCents),
        createdAt: new Date(event.createdAt).toISOString(),
        expiresAt: new Date(event.expiresAt).toISOString(),
      };
    case 'reservation.expired':
    case 'reservation.cancelled':
      return {
        type: event.type,
        sessionId,
        reservationId: event.reservationId,
        seatNumbers: event.seatNumbers,
        at: new Date(event.at).toISOString(),
      };
    case 'payment.confirmed':
      return {
        type: event.type,
        sessionId,
        reservationId: event.reservationId,
        userId: event.userId,
        sales: event.sales.map((s) => ({ id: s.id, seatNumber: s.seatNumber, amount: fromCents(s.amountCents) })),
        totalAmount: fromCents(event.sales.reduce((sum, s) => sum + s.amountCents, 0)),
        paidAt: new Date(event.paidAt).toISOString(),
      };
    case 'reservation.extended':
      return {
        type: event.type,
        sessionId,
        reservationId: event.reservationId,
        userId: event.userId,
        expiresAt: new Date(event.expiresAt).toISOString(),
        extensions: event.extensions,
        at: new Date(event.at).toISOString(),
      };
    case 'session.cancelled':
      return { type: event.type, sessionId, at: new Date(event.at).toISOString() };
    case 'sale.refunded':
      return {
        type: event.type,
        sessionId,
        saleId: event.saleId,
        reservationId: event.reservationId,
        userId: event.userId,
        seatNumber: event.seatNumber,
        amount: fromCents(event.amountCents),
        at: new Date(event.at).toISOString(),
      };
  }
}

export const eventTypes = { sessionCreated: 'session.created' } as const;
