import type { Reservation, ReservationStatus, SaleLine, SessionEvent, SessionInfo, SessionState, TakenSeat } from '../domain';

/**
 * The committed seat state of a session is relational: its pending and confirmed reservation rows and its sales.
 * A commit writes only the rows its changes touched (never the whole seat map), and an activation rebuilds the
 * state from those rows. Expired and cancelled reservations stay in the table but not in memory.
 */
export interface ReservationStateRow {
  readonly id: string;
  readonly user_id: string;
  readonly seat_numbers: string[];
  readonly status: ReservationStatus;
  readonly amount_cents: number | string;
  readonly expires_at: Date | string;
  readonly created_at: Date | string;
  readonly extensions?: number | string;
}

export interface SaleStateRow {
  readonly id: string;
  readonly reservation_id: string;
  readonly seat_number: string;
  readonly amount_cents: number | string;
  readonly paid_at: Date | string;
}

export function seatStateFromRows(
  info: SessionInfo,
  reservations: readonly ReservationStateRow[],
  sales: readonly SaleStateRow[],
): SessionState {
  const salesOf = new Map<string, { lines: SaleLine[]; paidAt: number }>();
  for (const s of sales) {
    const entry = salesOf.get(s.reservation_id) ?? { lines: [], paidAt: new Date(s.paid_at).getTime() };
    entry.lines.push({ id: s.id, seatNumber: s.seat_number, amountCents: Number(s.amount_cents) });
    salesOf.set(s.reservation_id, entry);
  }
  const taken = new Map<string, TakenSeat>();
  const byId = new Map<string, Reservation>();
  for (const row of reservations) {
    const sold = salesOf.get(row.id);
    const r: Reservation = {
      id: row.id,
      userId: row.user_id,
      seatNumbers: row.seat_numbers,
      status: row.status,
      amountCents: Number(row.amount_cents),
      createdAt: new Date(row.created_at).getTime(),
      expiresAt: new Date(row.expires_at).getTime(),
      ...(Number(row.extensions ?? 0) > 0 ? { extensions: Number(row.extensions) } : {}),
      ...(sold ? { paidAt: sold.paidAt, sales: sold.lines } : {}),
    };
    byId.set(r.id, r);
    const seat: TakenSeat = { reservationId: r.id, status: r.status === 'CONFIRMED' ? 'SOLD' : 'RESERVED' };
    for (const s of r.seatNumbers) taken.set(s, seat);
  }
  return { info, taken, reservations: byId };
}

/** A changed row: its new status and, once extended, its new expiry and extension count. */
export interface ReservationChange {
  readonly id: string;
  readonly status: ReservationStatus;
  readonly expires_at?: string;
  readonly extensions?: number;
}

/**
 * What a batch of events does to the reservations table: new rows (with their final status and expiry) and changes
 * of rows written before.
 */
export function reservationWrites(events: readonly SessionEvent[]): {
  inserts: Record<string, unknown>[];
  statusChanges: ReservationChange[];
} {
  const created = new Map<string, Extract<SessionEvent, { type: 'reservation.created' }>>();
  const status = new Map<string, ReservationStatus>();
  const extended = new Map<string, { expires_at: string; extensions: number }>();
  for (const e of events) {
    if (e.type === 'session.cancelled') continue;
    if (e.type === 'reservation.created') created.set(e.reservationId, e);
    if (e.type === 'reservation.extended') {
      extended.set(e.reservationId, { expires_at: new Date(e.expiresAt).toISOString(), extensions: e.extensions });
    }
    status.set(e.reservationId, STATUS_AFTER[e.type]);
  }
  const inserts = [...created.values()].map((e) => ({
    id: e.reservationId,
    user_id: e.userId,
    seat_numbers: e.seatNumbers,
    status: status.get(e.reservationId),
    amount_cents: e.amountCents,
    expires_at: new Date(e.expiresAt).toISOString(),
    created_at: new Date(e.createdAt).toISOString(),
    extensions: 0,
    ...extended.get(e.reservationId),
  }));
  const statusChanges = [...status]
    .filter(([id]) => !created.has(id))
    .map(([id, s]) => ({ id, status: s, ...extended.get(id) }));
  return { inserts, statusChanges };
}

const STATUS_AFTER: Record<Exclude<SessionEvent['type'], 'session.cancelled'>, ReservationStatus> = {
  'reservation.created': 'PENDING',
  'reservation.expired': 'EXPIRED',
  'reservation.cancelled': 'CANCELLED',
  'payment.confirmed': 'CONFIRMED',
  'reservation.extended': 'PENDING',
  'sale.refunded': 'REFUNDED',
};
