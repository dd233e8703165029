import type { DataSource } from 'typeorm';
import type { SessionEvent, SessionState } from '../domain';
import { SessionEntity } from './entities';
import { commitSeatStates, type CommitOutcome } from './seat-state-commit';
import { seatStateFromRows, type ReservationStateRow, type SaleStateRow } from './seat-state-rows';
import { sessionInfo, toSessionRecord, type SessionRecord } from './session-record';

export type { CommitOutcome };

/** A session taken over by a new owner: its new epoch and the last committed seat state. */
export interface Activation {
  readonly record: SessionRecord;
  readonly epoch: number;
  readonly state: SessionState;
  /** The session's committed version: the number of seat events committed so far. */
  readonly version: number;
}

/** Changes decided by a session's actor, committed together under the owner's epoch. */
export interface CommitBatch {
  readonly sessionId: string;
  readonly epoch: number;
  readonly events: readonly SessionEvent[];
  /** The state after the last event of the batch. */
  readonly state: SessionState;
  /** The session's version after the batch: each event counts one, so the batch's events are numbered up to it. */
  readonly version: number;
  /** Forwarded commands whose change this batch holds, with their answers (see applied-command-log.ts). */
  readonly commands?: readonly { readonly commandId: string; readonly reply: unknown }[];
}

export interface SeatStateStore {
  /** Takes the session over: bumps its epoch (fencing out any older owner) and loads its committed seat state. */
  activate(sessionId: string): Promise<Activation | null>;
  /** The committed seat state, read only: no epoch bump, no lease (for reads of sessions not active here). */
  read(sessionId: string): Promise<{ state: SessionState; version: number } | null>;
  /** Commits a batch, or throws FencedWriteError (and changes nothing) when the epoch moved on. */
  commit(batch: CommitBatch): Promise<void>;
  /**
   * Per-instance group commit: the batches of several sessions (one each) in one transaction, fenced per session.
   * Answers per batch: durable, or refused alone (FencedWriteError when that session's epoch moved on; the error of
   * its own rows). Rejects only when the outcome of the whole transaction is unknown.
   */
  commitTogether(batches: readonly CommitBatch[]): Promise<readonly CommitOutcome[]>;
  /** Sessions with pending holds and the time the earliest of them expires. */
  pendingExpiries(): Promise<{ sessionId: string; dueAt: number }[]>;
}

export function createSeatStateStore(dataSource: DataSource): SeatStateStore {
  /**
   * The committed seat state, rebuilt from the session's pending and confirmed reservations and its sales. One
   * statement reads both, so a reader that races a commit sees all of it or none of it.
   */
  const load = async (sessionId: string): Promise<{ record: SessionRecord; state: SessionState; version: number } | null> => {
    const [row, [rows]] = await Promise.all([
      dataSource.getRepository(SessionEntity).findOneBy({ id: sessionId }),
      dataSource.query(
        `SELECT
           (SELECT coalesce(json_agg(r), '[]') FROM (
              SELECT id, user_id, seat_numbers, status, amount_cents, expires_at, created_at, extensions
                FROM reservations WHERE session_id = $1 AND status IN ('PENDING', 'CONFIRMED')) r) AS reservations,
           (SELECT coalesce(json_agg(s), '[]') FROM (
              SELECT id, reservation_id, seat_number, amount_cents, paid_at FROM sales WHERE session_id = $1) s) AS sales,
           (SELECT version FROM session_snapshots WHERE session_id = $1) AS version`,
        [sessionId],
      ) as Promise<{ reservations: ReservationStateRow[]; sales: SaleStateRow[]; version: string | number | null }[]>,
    ]);
    if (!row) return null;
    const record = toSessionRecord(row);
    const state = seatStateFromRows(sessionInfo(record), rows.reservations, rows.sales);
    const cancelled = record.cancelledAt ? { cancelledAt: record.cancelledAt.getTime() } : {};
    return { record, state: { ...state, ...cancelled }, version: Number(rows.version ?? 0) };
  };

  return {
    async activate(sessionId) {
      // The bump is its own statement (no transaction held open): once it is done, an older owner can no longer
      // commit, so the rows read next are exactly the last committed state. A bump waits for an older owner's
      // commit in progress (the fence's row lock), never the other way round.
      const bumped: { epoch: string | number }[] = await dataSource.query(
        // A CTE, because typeorm answers a bare UPDATE with [rows, count] instead of rows.
        `WITH bumped AS (UPDATE sessions SET epoch = epoch + 1 WHERE id = $1 RETURNING epoch) SELECT epoch FROM bumped`,
        [sessionId],
      );
      if (bumped.length === 0) return null;
      const loaded = await load(sessionId);
      if (!loaded) return null;
      return { record: loaded.record, epoch: Number(bumped[0].epoch), state: loaded.state, version: loaded.version };
    },

    async read(sessionId) {
      const loaded = await load(sessionId);
      return loaded ? { state: loaded.state, version: loaded.version } : null;
    },

    async commit(batch) {
      const [outcome] = await commitSeatStates(dataSource, [batch]);
      if (!outcome.ok) throw outcome.error;
    },

    commitTogether: (batches) => commitSeatStates(dataSource, batches),

    async pendingExpiries() {
      const rows: { session_id: string; next_expiry_at: Date }[] = await dataSource.query(
        `SELECT session_id, next_expiry_at FROM session_snapshots WHERE next_expiry_at IS NOT NULL`,
      );
      return rows.map((r) => ({ sessionId: r.session_id, dueAt: new Date(r.next_expiry_at).getTime() }));
    },
  };
}
