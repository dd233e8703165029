import type { DataSource } from 'typeorm';
import { availableSeatCount, nextExpiry, type SessionEvent, type SessionState } from '../domain';
import { FencedWriteError } from '../errors';
import { eventPayload } from './event-payload';
import { SessionEntity } from './entities';
import { sessionInfo, toSessionRecord, type SessionRecord } from './session-record';
import { decodeSnapshot, encodeSnapshot } from './snapshot-codec';

/** A session taken over by a new owner: its new epoch and the last committed seat state. */
export interface Activation {
  readonly record: SessionRecord;
  readonly epoch: number;
  readonly state: SessionState;
}

/** Changes decided by a session's actor, committed together in one transaction under the owner's epoch. */
export interface CommitBatch {
  readonly sessionId: string;
  readonly epoch: number;
  readonly events: readonly SessionEvent[];
  /** The state after the last event of the batch. */
  readonly state: SessionState;
}

export interface SeatStateStore {
  /** Takes the session over: bumps its epoch (fencing out any older owner) and loads its last snapshot. */
  activate(sessionId: string): Promise<Activation | null>;
  /** Commits a batch, or throws FencedWriteError (and changes nothing) when the epoch moved on. */
  commit(batch: CommitBatch): Promise<void>;
  /** Sessions with pending holds and the time the earliest of them expires. */
  pendingExpiries(): Promise<{ sessionId: string; dueAt: number }[]>;
}

export function createSeatStateStore(dataSource: DataSource): SeatStateStore {
  return {
    async activate(sessionId) {
      return dataSource.transaction(async (em) => {
        const bumped: { epoch: string | number }[] = await em.query(
          // A CTE, because typeorm answers a bare UPDATE with [rows, count] instead of rows.
          `WITH bumped AS (UPDATE sessions SET epoch = epoch + 1 WHERE id = $1 RETURNING epoch) SELECT epoch FROM bumped`,
          [sessionId],
        );
        if (bumped.length === 0) return null;
        const row = await em.getRepository(SessionEntity).findOneByOrFail({ id: sessionId });
        const record = toSessionRecord(row);
        const [snapshot]: { state: unknown }[] = await em.query(
          `SELECT state FROM session_snapshots WHERE session_id = $1`,
          [sessionId],
        );
        const state = decodeSnapshot(sessionInfo(record), snapshot?.state ?? { v: 1, reservations: [] });
        return { record, epoch: Number(bumped[0].epoch), state };
      });
    },

    async commit({ sessionId, epoch, events, state }) {
      const now = new Date();
      const touched = new Set(events.map((e) => e.reservationId));
      const reservations = [...touched].flatMap((id) => {
        const r = state.reservations.get(id);
        return r
          ? [{
              id: r.id,
              user_id: r.userId,
              seat_numbers: r.seatNumbers,
              status: r.status,
              amount_cents: r.amountCents,
              expires_at: new Date(r.expiresAt).toISOString(),
              created_at: new Date(r.createdAt).toISOString(),
            }]
          : [];
      });
      const sales = events.flatMap((e) =>
        e.type === 'payment.confirmed'
          ? e.sales.map((s) => ({
              id: s.id,
              reservation_id: e.reservationId,
              seat_number: s.seatNumber,
              user_id: e.userId,
              amount_cents: s.amountCents,
              paid_at: new Date(e.paidAt).toISOString(),
            }))
          : [],
      );
      const outbox = events.map((e) => ({ type: e.type, payload: eventPayload(sessionId, e) }));
      const next = nextExpiry(state);

      await dataSource.transaction(async (em) => {
        // The fence: this row lock also makes a concurrent epoch bump wait until this commit is done.
        const fenced: unknown[] = await em.query(
          `WITH fenced AS (UPDATE sessions SET available_seats = $3 WHERE id = $1 AND epoch = $2 RETURNING id)
           SELECT id FROM fenced`,
          [sessionId, epoch, availableSeatCount(state)],
        );
        if (fenced.length === 0) throw new FencedWriteError(sessionId, epoch);
        if (reservations.length > 0) {
          await em.query(
            `INSERT INTO reservations (id, session_id, user_id, seat_numbers, status, amount_cents, expires_at,
               created_at, updated_at)
             SELECT x.id, $2, x.user_id, x.seat_numbers, x.status, x.amount_cents, x.expires_at, x.created_at, $3
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, user_id varchar, seat_numbers jsonb, status varchar,
                    amount_cents bigint, expires_at timestamptz, created_at timestamptz)
             ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
            [JSON.stringify(reservations), sessionId, now],
          );
        }
        if (sales.length > 0) {
          await em.query(
            `INSERT INTO sales (id, reservation_id, session_id, seat_number, user_id, amount_cents, paid_at)
             SELECT x.id, x.reservation_id, $2, x.seat_number, x.user_id, x.amount_cents, x.paid_at
               FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, reservation_id uuid, seat_number varchar,
                    user_id varchar, amount_cents integer, paid_at timestamptz)`,
            [JSON.stringify(sales), sessionId],
          );
        }
        if (outbox.length > 0) {
          await em.query(
            `INSERT INTO outbox (session_id, epoch, type, payload, created_at)
             SELECT $2, $3, x.type, x.payload, $4
               FROM jsonb_to_recordset($1::jsonb) AS x(type varchar, payload json)`,
            [JSON.stringify(outbox), sessionId, epoch, now],
          );
        }
        await em.query(
          `UPDATE session_snapshots
              SET epoch = $2, version = version + 1, state = $3, next_expiry_at = $4, updated_at = $5
            WHERE session_id = $1`,
          [sessionId, epoch, JSON.stringify(encodeSnapshot(state)), next === undefined ? null : new Date(next), now],
        );
      });
    },

    async pendingExpiries() {
      const rows: { session_id: string; next_expiry_at: Date }[] = await dataSource.query(
        `SELECT session_id, next_expiry_at FROM session_snapshots WHERE next_expiry_at IS NOT NULL`,
      );
      return rows.map((r) => ({ sessionId: r.session_id, dueAt: new Date(r.next_expiry_at).getTime() }));
    },
  };
}
