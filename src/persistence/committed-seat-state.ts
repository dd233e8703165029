import type { DataSource } from 'typeorm';
import type { SessionState } from '../domain';
import { SessionEntity } from './entities';
import { seatStateFromRows, type ReservationStateRow, type SaleStateRow } from './seat-state-rows';
import { sessionInfo, toSessionRecord } from './session-record';

/** A session's last committed seat state and the version it is at. */
export interface CommittedSeatState {
  readonly state: SessionState;
  readonly version: number;
}

export interface CommittedSeatStates {
  /** The committed seat state, read without taking the session's lease; null for an unknown session. */
  load(sessionId: string): Promise<CommittedSeatState | null>;
}

/**
 * Reads a session's committed rows (header, pending and confirmed reservations, sales) in one REPEATABLE READ
 * transaction: a commit is one statement, so the version and the rows always belong to the same commit.
 */
export function createCommittedSeatStates(dataSource: DataSource): CommittedSeatStates {
  return {
    load: (sessionId) =>
      dataSource.transaction('REPEATABLE READ', async (em) => {
        const row = await em.getRepository(SessionEntity).findOneBy({ id: sessionId });
        if (!row) return null;
        const header: { version: string | number }[] = await em.query(
          `SELECT version FROM session_snapshots WHERE session_id = $1`,
          [sessionId],
        );
        const reservations: ReservationStateRow[] = await em.query(
          `SELECT id, user_id, seat_numbers, status, amount_cents, expires_at, created_at, extensions
             FROM reservations WHERE session_id = $1 AND status IN ('PENDING', 'CONFIRMED')`,
          [sessionId],
        );
        const sales: SaleStateRow[] = await em.query(
          `SELECT id, reservation_id, seat_number, amount_cents, paid_at FROM sales WHERE session_id = $1`,
          [sessionId],
        );
        const record = toSessionRecord(row);
        const state = seatStateFromRows(sessionInfo(record), reservations, sales);
        const cancelled = record.cancelledAt ? { cancelledAt: record.cancelledAt.getTime() } : {};
        return { state: { ...state, ...cancelled }, version: Number(header[0]?.version ?? 0) };
      }),
  };
}
