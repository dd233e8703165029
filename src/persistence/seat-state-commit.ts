import type { DataSource } from 'typeorm';
import { availableSeatCount, nextExpiry } from '../domain';
import { FencedWriteError } from '../errors';
import { eventPayload } from './event-payload';
import { reservationWrites } from './seat-state-rows';
import type { CommitBatch } from './seat-state-store';

/** What became of one session's batch in a shared commit: durable, or refused alone with its error. */
export type CommitOutcome = { readonly ok: true } | { readonly ok: false; readonly error: Error };

/**
 * One statement commits the batches of several sessions (README, "Group commit"). Fencing is per session: the
 * `fence` CTE updates the row of each session whose epoch is still its writer's, and every other part joins `fence`
 * on the session id, so a fenced-out session writes nothing at all while the others commit. The row lock taken by
 * the fence makes a concurrent epoch bump wait until this commit is done. One round trip for all of them.
 * A reservation is inserted once: a second insert of its id (a replayed hold) fails the statement, and the
 * `reservation_status_final` trigger fails it when an ended reservation would change status, so nothing ended comes
 * back. Forwarded commands are recorded with their answers in the same statement.
 */
const COMMIT_SQL = `
  WITH fence AS (
    UPDATE sessions SET available_seats = x.available_seats, cancelled_at = x.cancelled_at,
           is_active = (x.cancelled_at IS NULL)
      FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, epoch bigint, available_seats integer, cancelled_at timestamptz,
           version bigint, next_expiry_at timestamptz)
     WHERE sessions.id = x.id AND sessions.epoch = x.epoch
    RETURNING sessions.id, x.epoch, x.version, x.next_expiry_at
  ), inserted AS (
    INSERT INTO reservations (id, session_id, user_id, seat_numbers, status, amount_cents, expires_at, created_at, updated_at,
                              extensions)
    SELECT x.id, fence.id, x.user_id, x.seat_numbers, x.status, x.amount_cents, x.expires_at, x.created_at, $2, x.extensions
      FROM jsonb_to_recordset($3::jsonb) AS x(session_id uuid, id uuid, user_id varchar, seat_numbers jsonb, status varchar,
           amount_cents bigint, expires_at timestamptz, created_at timestamptz, extensions integer)
      JOIN fence ON fence.id = x.session_id
  ), changed AS (
    UPDATE reservations SET status = x.status, updated_at = $2,
           expires_at = COALESCE(x.expires_at, reservations.expires_at), extensions = COALESCE(x.extensions, reservations.extensions)
      FROM jsonb_to_recordset($4::jsonb) AS x(session_id uuid, id uuid, status varchar, expires_at timestamptz, extensions integer)
      JOIN fence ON fence.id = x.session_id
     WHERE reservations.id = x.id AND reservations.session_id = x.session_id
  ), sold AS (
    INSERT INTO sales (id, reservation_id, session_id, seat_number, user_id, amount_cents, paid_at, refunded_at)
    SELECT x.id, x.reservation_id, fence.id, x.seat_number, x.user_id, x.amount_cents, x.paid_at, x.refunded_at
      FROM jsonb_to_recordset($5::jsonb) AS x(session_id uuid, id uuid, reservation_id uuid, seat_number varchar,
           user_id varchar, amount_cents integer, paid_at timestamptz, refunded_at timestamptz)
      JOIN fence ON fence.id = x.session_id
  ), refunded AS (
    UPDATE sales SET refunded_at = x.at
      FROM jsonb_to_recordset($6::jsonb) AS x(session_id uuid, id uuid, at timestamptz)
      JOIN fence ON fence.id = x.session_id
     WHERE sales.id = x.id
  ), published AS (
    INSERT INTO outbox (session_id, epoch, type, payload, created_at)
    SELECT fence.id, fence.epoch, x.type, x.payload, $2
      FROM jsonb_to_recordset($7::jsonb) AS x(n integer, session_id uuid, type varchar, payload json)
      JOIN fence ON fence.id = x.session_id
     ORDER BY x.n
  ), recorded AS (
    INSERT INTO applied_commands (command_id, session_id, reply, applied_at)
    SELECT x.command_id, fence.id, x.reply, $2
      FROM jsonb_to_recordset($8::jsonb) AS x(session_id uuid, command_id uuid, reply jsonb)
      JOIN fence ON fence.id = x.session_id
    ON CONFLICT (command_id) DO NOTHING
  ), header AS (
    UPDATE session_snapshots SET epoch = fence.epoch, version = fence.version, next_expiry_at = fence.next_expiry_at,
           updated_at = $2
      FROM fence WHERE session_snapshots.session_id = fence.id
  )
  SELECT coalesce(json_agg(fence.id), '[]') AS committed FROM fence`;

/** The statement's parameters: each session's header, then every written row tagged with its session. */
function commitParameters(batches: readonly CommitBatch[], now: Date): unknown[] {
  const headers: unknown[] = [];
  const inserts: unknown[] = [];
  const changes: unknown[] = [];
  const sales: unknown[] = [];
  const refunds: unknown[] = [];
  const outbox: unknown[] = [];
  const commands: unknown[] = [];
  for (const { sessionId, epoch, events, state, version, commands: applied = [] } of batches) {
    const next = nextExpiry(state);
    headers.push({
      id: sessionId,
      epoch,
      available_seats: availableSeatCount(state),
      cancelled_at: state.cancelledAt === undefined ? null : new Date(state.cancelledAt).toISOString(),
      version,
      next_expiry_at: next === undefined ? null : new Date(next).toISOString(),
    });
    const { inserts: created, statusChanges } = reservationWrites(events);
    for (const row of created) inserts.push({ session_id: sessionId, ...row });
    for (const row of statusChanges) changes.push({ session_id: sessionId, ...row });
    // A sale refunded in the batch that made it is inserted refunded (the CTEs of one statement see one snapshot).
    const refunded = new Map<string, string>();
    for (const e of events) if (e.type === 'sale.refunded') refunded.set(e.saleId, new Date(e.at).toISOString());
    for (const e of events) {
      if (e.type !== 'payment.confirmed') continue;
      for (const s of e.sales) {
        sales.push({
          session_id: sessionId,
          id: s.id,
          reservation_id: e.reservationId,
          seat_number: s.seatNumber,
          user_id: e.userId,
          amount_cents: s.amountCents,
          paid_at: new Date(e.paidAt).toISOString(),
          refunded_at: refunded.get(s.id) ?? null,
        });
      }
    }
    for (const [id, at] of refunded) refunds.push({ session_id: sessionId, id, at });
    const first = version - events.length + 1;
    events.forEach((e, i) => {
      outbox.push({ n: outbox.length, session_id: sessionId, type: e.type, payload: eventPayload(sessionId, e, first + i) });
    });
    for (const c of applied) commands.push({ session_id: sessionId, command_id: c.commandId, reply: c.reply });
  }
  const json = JSON.stringify;
  return [json(headers), now, json(inserts), json(changes), json(sales), json(refunds), json(outbox), json(commands)];
}

/**
 * SQLSTATE classes after which the statement surely changed nothing and which one session's rows can cause: a bad
 * value (22), an integrity constraint such as a replayed insert or an ended reservation's status (23), an exception
 * raised by a trigger (P0), a deadlock or serialization failure (40). Committed alone, the other sessions' batches go
 * through. Timeouts, lost connections and server shutdowns are not among them: their outcome may be unknown.
 */
const FAILS_ALONE = /^(22|23|P0|40)/;

function sqlState(error: unknown): string | undefined {
  const raw = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = raw?.code ?? raw?.driverError?.code;
  return typeof code === 'string' ? code : undefined;
}

async function commitStatement(dataSource: DataSource, batches: readonly CommitBatch[]): Promise<CommitOutcome[]> {
  const [row]: { committed: string[] }[] = await dataSource.query(COMMIT_SQL, commitParameters(batches, new Date()));
  const committed = new Set(row?.committed ?? []);
  return batches.map((b) =>
    committed.has(b.sessionId) ? { ok: true } : { ok: false, error: new FencedWriteError(b.sessionId, b.epoch) },
  );
}

/**
 * Commits the batches of several sessions (at most one batch per session) in one statement, and says per batch
 * whether it is durable or why not: a fenced-out session is refused alone (FencedWriteError). When the statement
 * fails on a row of one session (and so changed nothing), each batch is committed again on its own, so that only
 * that session fails. Any other failure (connection lost, timeout: the outcome is unknown) rejects the whole call.
 */
export async function commitSeatStates(dataSource: DataSource, batches: readonly CommitBatch[]): Promise<CommitOutcome[]> {
  if (new Set(batches.map((b) => b.sessionId)).size !== batches.length) {
    throw new Error('one shared commit takes at most one batch per session');
  }
  try {
    return await commitStatement(dataSource, batches);
  } catch (error) {
    const code = sqlState(error);
    if (batches.length === 1 || code === undefined || !FAILS_ALONE.test(code)) throw error;
    const outcomes: CommitOutcome[] = [];
    for (const batch of batches) {
      try {
        outcomes.push(...(await commitStatement(dataSource, [batch])));
      } catch (alone) {
        outcomes.push({ ok: false, error: alone instanceof Error ? alone : new Error(String(alone)) });
      }
    }
    return outcomes;
  }
}
