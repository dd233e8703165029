import { evolve, type SessionEvent } from '../../src/domain';
import { FencedWriteError } from '../../src/errors';
import type { CommitBatch } from '../../src/persistence/seat-state-store';
import { holdOf, useSeatStateStore } from '../support/seat-state-fixture';
import { storages } from '../support/test-instance';

/** Per-instance group commit on a real Postgres: several sessions in one statement, fenced per session. */
describe.each(storages())('several sessions committed together on %s', (storage) => {
  const ctx = useSeatStateStore(storage);

  /** A session taken over by this test, with one hold of `seat` decided on it (not yet committed). */
  async function heldBatch(seat: string, event: SessionEvent = holdOf(seat)): Promise<CommitBatch> {
    const sessionId = await ctx.newSession('Group commit');
    const owner = await ctx.seats.activate(sessionId);
    return { sessionId, epoch: owner!.epoch, events: [event], state: evolve(owner!.state, event), version: owner!.version + 1 };
  }

  const reservationId = (batch: CommitBatch) => (batch.events[0] as { reservationId: string }).reservationId;

  /** The transaction id that wrote each reservation row (rows of one transaction share it). */
  async function writers(batches: CommitBatch[]): Promise<Map<string, string>> {
    const rows: { session_id: string; xmin: string }[] = await ctx.dataSource.query(
      `SELECT session_id, xmin::text AS xmin FROM reservations WHERE id = ANY($1::uuid[])`,
      [batches.map(reservationId)],
    );
    return new Map(rows.map((r) => [r.session_id, r.xmin]));
  }

  const heldSeats = async (sessionId: string) => [...(await ctx.seats.read(sessionId))!.state.taken.keys()];

  it('when two sessions’ changes are committed together, then both are durable and were written by one transaction', async () => {
    const a = await heldBatch('A1');
    const b = await heldBatch('A2');

    const outcomes = await ctx.seats.commitTogether([a, b]);

    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    const written = await writers([a, b]);
    expect(written.size).toBe(2);
    expect(written.get(a.sessionId)).toBe(written.get(b.sessionId));
    expect(await heldSeats(a.sessionId)).toEqual(['A1']);
    expect(await heldSeats(b.sessionId)).toEqual(['A2']);
    expect((await ctx.seats.read(b.sessionId))!.version).toBe(1);
  });

  it('when one session of the batch was taken over by a new owner, then only it is refused and the others commit', async () => {
    const a = await heldBatch('A1');
    const fenced = await heldBatch('A2');
    const c = await heldBatch('A3');
    await ctx.seats.activate(fenced.sessionId); // a new owner bumps the epoch: `fenced` is now a stale writer

    const outcomes = await ctx.seats.commitTogether([a, fenced, c]);

    expect(outcomes[0]).toEqual({ ok: true });
    expect(outcomes[1].ok).toBe(false);
    expect(!outcomes[1].ok && outcomes[1].error).toBeInstanceOf(FencedWriteError);
    expect(outcomes[2]).toEqual({ ok: true });
    const written = await writers([a, fenced, c]);
    expect(written.has(fenced.sessionId)).toBe(false);
    expect(written.get(a.sessionId)).toBe(written.get(c.sessionId));
    expect(await heldSeats(fenced.sessionId)).toEqual([]);
    const outbox: { type: string }[] = await ctx.dataSource.query('SELECT type FROM outbox WHERE session_id = $1', [fenced.sessionId]);
    expect(outbox.map((o) => o.type)).toEqual(['session.created']);
  });

  it('when one session’s rows break a constraint (a replayed hold), then only it fails and the others commit', async () => {
    const replayed = await heldBatch('A1');
    await ctx.seats.commit(replayed);
    const again = { ...replayed, version: replayed.version + 1 };
    const b = await heldBatch('A2');

    const outcomes = await ctx.seats.commitTogether([again, b]);

    expect(outcomes[0].ok).toBe(false);
    expect(!outcomes[0].ok && outcomes[0].error.message).toMatch(/duplicate key/);
    expect(outcomes[1]).toEqual({ ok: true });
    expect((await ctx.seats.read(replayed.sessionId))!.version).toBe(1);
    expect(await heldSeats(b.sessionId)).toEqual(['A2']);
  });

  it('when every session of the batch is fenced out, then nothing is written and each is refused', async () => {
    const a = await heldBatch('A1');
    const b = await heldBatch('A2');
    await ctx.seats.activate(a.sessionId);
    await ctx.seats.activate(b.sessionId);

    const outcomes = await ctx.seats.commitTogether([a, b]);

    expect(outcomes.map((o) => !o.ok && o.error instanceof FencedWriteError)).toEqual([true, true]);
    expect((await writers([a, b])).size).toBe(0);
  });
});
