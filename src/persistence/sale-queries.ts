import type { DataSource } from 'typeorm';

/** A sale with the session facts a receipt shows. */
export interface SaleRecord {
  readonly id: string;
  readonly reservationId: string;
  readonly sessionId: string;
  readonly seatNumber: string;
  readonly userId: string;
  readonly amountCents: number;
  readonly movieName: string;
  readonly sessionStartTime: Date;
  readonly roomNumber: string;
  readonly paidAt: Date;
  readonly refundedAt?: Date;
}

export interface SaleQueries {
  page(limit: number, offset: number): Promise<SaleRecord[]>;
  byUser(userId: string, limit: number, offset: number): Promise<SaleRecord[]>;
  /** How many seats the user bought and what they paid, over all their sales (not one page). */
  userTotals(userId: string): Promise<{ count: number; totalCents: number }>;
  byReservation(reservationId: string): Promise<SaleRecord[]>;
}

const SELECT_SALES = `
  SELECT s.id, s.reservation_id, s.session_id, s.seat_number, s.user_id, s.amount_cents, s.paid_at, s.refunded_at,
         se.movie_name, se.start_time, se.room_number
    FROM sales s JOIN sessions se ON se.id = s.session_id`;

interface SaleJoinRow {
  id: string;
  reservation_id: string;
  session_id: string;
  seat_number: string;
  user_id: string;
  amount_cents: number | string;
  paid_at: Date;
  refunded_at: Date | null;
  movie_name: string;
  start_time: Date;
  room_number: string;
}

function toRecord(r: SaleJoinRow): SaleRecord {
  return {
    id: r.id,
    reservationId: r.reservation_id,
    sessionId: r.session_id,
    seatNumber: r.seat_number,
    userId: r.user_id,
    amountCents: Number(r.amount_cents),
    movieName: r.movie_name,
    sessionStartTime: new Date(r.start_time),
    roomNumber: r.room_number,
    paidAt: new Date(r.paid_at),
    ...(r.refunded_at ? { refundedAt: new Date(r.refunded_at) } : {}),
  };
}

/** Reads of the sales table, newest first. */
export function createSaleQueries(dataSource: DataSource): SaleQueries {
  const run = async (sql: string, params: unknown[]) =>
    ((await dataSource.query(sql, params)) as SaleJoinRow[]).map(toRecord);
  return {
    page: (limit, offset) =>
      run(`${SELECT_SALES} ORDER BY s.paid_at DESC, s.id LIMIT $1 OFFSET $2`, [limit, offset]),
    byUser: (userId, limit, offset) =>
      run(`${SELECT_SALES} WHERE s.user_id = $1 ORDER BY s.paid_at DESC, s.id LIMIT $2 OFFSET $3`, [userId, limit, offset]),
    async userTotals(userId) {
      const [row]: { count: string | number; total: string | number }[] = await dataSource.query(
        `SELECT count(*) AS count, coalesce(sum(amount_cents), 0) AS total FROM sales WHERE user_id = $1`,
        [userId],
      );
      return { count: Number(row?.count ?? 0), totalCents: Number(row?.total ?? 0) };
    },
    byReservation: (reservationId) =>
      run(`${SELECT_SALES} WHERE s.reservation_id = $1 ORDER BY s.seat_number`, [reservationId]),
  };
}
