import { decodeEventPayload, seatsOf } from '../persistence/event-decoder';

/** Where a message sat on the topic and when the broker took it. */
export interface MessagePosition {
  readonly partition: number;
  readonly offset: string;
  /** Broker timestamp, epoch ms as a string (kafkajs). */
  readonly timestamp: string;
}

/**
 * One event of a session as one readable line for operators:
 *   2026-11-30T16:23:37.355Z  v3  reservation.created    A1 A2 -> RESERVED  reservation=… user=u1 amount=25  [p1@17]
 */
export function eventLine(payload: unknown, at: MessagePosition): string {
  const when = new Date(Number(at.timestamp)).toISOString();
  const where = `[p${at.partition}@${at.offset}]`;
  const decoded = decodeEventPayload(payload);
  if (!decoded) {
    const p = (payload ?? {}) as Record<string, unknown>;
    if (p.type === 'session.created') {
      return `${when}  v0  session.created        "${String(p.movieName)}" room ${String(p.roomNumber)} at ${String(p.startTime)}, ${String(p.totalSeats)} seats  ${where}`;
    }
    return `${when}  ??  not a seat event: ${JSON.stringify(payload).slice(0, 200)}  ${where}`;
  }
  const { event, version } = decoded;
  const seats = seatsOf(event).join(' ');
  const detail = (() => {
    switch (event.type) {
      case 'reservation.created':
        return `${seats} -> RESERVED  reservation=${event.reservationId} user=${event.userId} amount=${event.amountCents / 100} until ${new Date(event.expiresAt).toISOString()}`;
      case 'reservation.expired':
      case 'reservation.cancelled':
        return `${seats} -> AVAILABLE  reservation=${event.reservationId}`;
      case 'payment.confirmed':
        return `${seats} -> SOLD  reservation=${event.reservationId} user=${event.userId} total=${event.sales.reduce((s, l) => s + l.amountCents, 0) / 100}`;
      case 'reservation.extended':
        return `reservation=${event.reservationId} user=${event.userId} until ${new Date(event.expiresAt).toISOString()} (extension ${event.extensions})`;
      case 'session.cancelled':
        return 'every seat -> CANCELLED';
      case 'sale.refunded':
        return `${seats} -> REFUNDED  sale=${event.saleId} reservation=${event.reservationId} user=${event.userId} amount=${event.amountCents / 100}`;
    }
  })();
  return `${when}  v${version}  ${event.type.padEnd(22)} ${detail}  ${where}`;
}
