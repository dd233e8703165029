import type { DataSource } from 'typeorm';
import { availableSeatCount, nextExpiry, type SessionEvent, type SessionState } from '../domain';
import { FencedWriteError } from '../errors';
import { eventPayload } from './event-payload';
import { SessionEntity } from './entities';
import { reservationWrites, seatStateFromRows, type ReservationStateRow, type SaleStateRow } from './seat-state-rows';
import { sessionInfo, toSessionRecord, type SessionRecord } from './session-record';

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
  /** Sessions with pending holds and the time the earliest of them expires. */
  pendingExpiries(): Promise<{ sessionId: string; dueAt: number }[]>;
}

/**
 * One statement commits a whole batch: every part joins the `fence` row, which exists only while the session's
 * epoch is still the writer's. A stale writer's statement therefore writes nothing at all, and the row lock taken
 * by the fence makes a concurrent epoch bump wait until this commit is done. One round trip per batch.
 * A reservation is inserted once: a second insert of its id (a replayed hold) fails the statement, and the
 * `reservation_status_final` trigger fails it when an ended reservation would change status, so nothing ended comes
 * back. Forwarded commands are recorded with their answers in the same statement.
 */
const COMMIT_SQL = `
  WITH fence AS (
    UPDATE sessions SET available_seats = $3, cancelled_at = $10, is_active = ($10::timestamptz IS NULL)
     WHERE id = $1 AND epoch = $2 RETURNING id
  ), inserted AS (
    INSERT INTO reservations (id, session_id, user_id, seat_numbers, status, amount_cents, expires_at, created_at, updated_at,
                              extensions)
    SELECT x.id, fence.id, x.user_id, x.seat_numbers, x.status, x.amount_cents, x.expires_at, x.created_at, $8, x.extensions
      FROM fence, jsonb_to_recordset($4::jsonb) AS x(id uuid, user_id varchar, seat_numbers jsonb, status varchar,
           amount_cents bigint, expires_at timestamptz, created_at timestamptz, extensions integer)
    RETURNING 1
  ), changed AS (
    UPDATE reservations SET status = x.status, updated_at = $8,
           expires_at = COALESCE(x.expires_at, reservations.expires_at), extensions = COALESCE(x.extensions, reservations.extensions)
      FROM fence, jsonb_to_recordset($9::jsonb) AS x(id uuid, status varchar, expires_at timestamptz, extensions integer)
     WHERE reservations.id = x.id
    RETURNING 1
  ), sold AS (
    INSERT INTO sales (id, reservation_id, session_id, seat_number, user_id, amount_cents, paid_at, refunded_at)
    SELECT x.id, x.reservation_id, fence.id, x.seat_number, x.user_id, x.amount_cents, x.paid_at, x.refunded_at
      FROM fence, jsonb_to_recordset($5::jsonb) AS x(id uuid, reservation_id uuid, seat_number varchar,
           user_id varchar, amount_cents integer, paid_at timestamptz, refunded_at timestamptz)
    RETURNING 1
  ), refunded AS (
    UPDATE sales SET refunded_at = x.at
      FROM fence, jsonb_to_recordset($11::jsonb) AS x(id uuid, at timestamptz)
     WHERE sales.id = x.id
    RETURNING 1
  ), published AS (
    INSERT INTO outbox (session_id, epoch, type, payload, created_at)
    SELECT fence.id, $2, x.type, x.payload, $8
      FROM fence, jsonb_to_recordset($6::jsonb) AS x(type varchar, payload json)
    RETURNING 1
  ), recorded AS (
    INSERT INTO applied_commands (command_id, session_id, reply, applied_at)
    SELECT x.command_id, fence.id, x.reply, $8
      FROM fence, jsonb_to_recordset($13::jsonb) AS x(command_id uuid, reply jsonb)
    ON CONFLICT (command_id) DO NOTHING
    RETURNING 1
  ), header AS (
    UPDATE session_snapshots SET epoch = $2, version = $12, next_expiry_at = $7, updated_at = $8
      FROM fence WHERE session_snapshots.session_id = fence.id
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM fence) AS fenced,
         (SELECT count(*) FROM inserted) + (SELECT count(*) FROM changed) + (SELECT count(*) FROM sold) + (SELECT count(*) FROM refunded)
           + (SELECT count(*) FROM published) + (SELECT count(*) FROM recorded) + (SELECT count(*) FROM header) AS written`;

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

    async commit({ sessionId, epoch, events, state, version, commands = [] }) {
      const { inserts, statusChanges } = reservationWrites(events);
      // A sale refunded in the batch that made it is inserted refunded (the CTEs of one statement see one snapshot).
      const refunds = new Map<string, string>();
      for (const e of events) if (e.type === 'sale.refunded') refunds.set(e.saleId, new Date(e.at).toISOString());
      const sales = events.flatMap((e) =>
        e.type === 'payment.confirmed'
          ? e.sales.map((s) => ({
              id: s.id,
              reservation_id: e.reservationId,
              seat_number: s.seatNumber,
              user_id: e.userId,
              amount_cents: s.amountCents,
              paid_at: new Date(e.paidAt).toISOString(),
              refunded_at: refunds.get(s.id) ?? null,
            }))
          : [],
      );
      const first = version - events.length + 1;
      const outbox = events.map((e, i) => ({ type: e.type, payload: eventPayload(sessionId, e, first + i) }));
      const next = nextExpiry(state);
      const [result]: { fenced: string | number }[] = await dataSource.query(COMMIT_SQL, [
        sessionId,
        epoch,
        availableSeatCount(state),
        JSON.stringify(inserts),
        JSON.stringify(sales),
        JSON.stringify(outbox),
        next === undefined ? null : new Date(next),
        new Date(),
        JSON.stringify(statusChanges),
        state.cancelledAt === undefined ? null : new Date(state.cancelledAt),
        JSON.stringify([...refunds].map(([id, at]) => ({ id, at }))),
        version,
        JSON.stringify(commands.map((c) => ({ command_id: c.commandId, reply: c.reply }))),
      ]);
      if (Number(result?.fenced ?? 0) === 0) throw new FencedWriteError(sessionId, epoch);
    },

    async pendingExpiries() {
      const rows: { session_id: string; next_expiry_at: Date }[] = await dataSource.query(
        `SELECT session_id, next_expiry_at FROM session_snapshots WHERE next_expiry_at IS NOT NULL`,
      );
      return rows.map((r) => ({ sessionId: r.session_id, dueAt: new Date(r.next_expiry_at).getTime() }));
    },
  };
}
