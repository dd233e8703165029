import { randomUUID } from 'node:crypto';
import type { SessionReply } from '../../src/actors/protocol';
import { storages } from '../support/test-instance';
import { availability, createSession, seatsWith, uid, useInstance } from './helpers';

/**
 * A commit that fails in the middle of traffic, through a real database fault: a trigger that raises for one user's
 * rows. Only the failed batch is of unknown outcome (503 with Retry-After); every request queued behind it is run
 * again on the next activation; nobody waits for the command timeout; the session then serves as before.
 */
describe.each(storages())('a commit that fails in the middle of traffic (%s)', (storage) => {
  const ctx = useInstance(storage, { COMMAND_TIMEOUT_MS: '20000' });

  beforeAll(async () => {
    await ctx.instance.dataSource.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$`);
    await ctx.instance.dataSource.query(`
      CREATE TRIGGER refuse_poison BEFORE INSERT ON reservations
      FOR EACH ROW WHEN (NEW.user_id LIKE 'poison%') EXECUTE FUNCTION refuse_poison()`);
  });

  const hold = (sessionId: string, userId: string, seat: string): Promise<SessionReply> =>
    ctx.instance.registry.execute(sessionId, { type: 'HoldSeats', reservationId: randomUUID(), userId, seatNumbers: [seat] });

  it('when a batch fails, then only it is of unknown outcome and every request queued behind it is served', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 30 });
    expect((await hold(id, uid(), 'A1')).ok).toBe(true); // active and idle: the next change commits alone
    const poison = hold(id, uid('poison'), 'A2');
    const seats = ['A', 'B', 'C'].flatMap((row) => Array.from({ length: 10 }, (_, i) => `${row}${i + 1}`)).slice(2, 22);
    const honest = seats.map((seat) => hold(id, uid(), seat));
    // A refusal queued behind the failure is no answer either: it is decided again on the committed state.
    const clash = hold(id, uid(), 'A1');

    expect(await poison).toEqual(expect.objectContaining({ ok: false, applied: 'unknown' }));
    const replies = await Promise.all(honest);
    expect(replies.map((r) => (r.ok ? 'held' : JSON.stringify(r)))).toEqual(seats.map(() => 'held'));
    expect(await clash).toEqual({ ok: false, error: { code: 'SEATS_UNAVAILABLE', seats: ['A1'] } });

    const doc = await availability(ctx.api, id);
    expect(seatsWith(doc, 'RESERVED').sort()).toEqual(['A1', ...seats].sort());
  });

  it('when a client’s request fails its commit, then it gets 503 with Retry-After and the session keeps serving', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 4 });
    const failed = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A1'], userId: uid('poison') });
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toMatch(/^\d+$/);
    const next = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A1'], userId: uid() });
    expect(next.status).toBe(201);
    expect(seatsWith(await availability(ctx.api, id), 'RESERVED')).toEqual(['A1']);
  });

  it('when a failing batch and another session’s batch are ready together, then only the failing session’s request fails', async () => {
    const [poisoned, other] = await Promise.all([1, 2].map(() => createSession(ctx.instance.app, { numberOfSeats: 4 })));
    await Promise.all([hold(poisoned.id, uid(), 'A1'), hold(other.id, uid(), 'A1')]); // both active and idle

    const [failed, held] = await Promise.all([hold(poisoned.id, uid('poison'), 'A2'), hold(other.id, uid(), 'A2')]);

    expect(failed).toEqual(expect.objectContaining({ ok: false, applied: 'unknown' }));
    expect(held.ok).toBe(true);
    expect(seatsWith(await availability(ctx.api, other.id), 'RESERVED').sort()).toEqual(['A1', 'A2']);
    expect(seatsWith(await availability(ctx.api, poisoned.id), 'RESERVED')).toEqual(['A1']);
  });
});
