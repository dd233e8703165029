import type { SessionReply } from '../../src/actors/protocol';
import { storages } from '../support/test-instance';
import { createSession, uid, useInstance } from './helpers';
import { randomUUID } from 'node:crypto';

/**
 * nact schedules the handling of each message with setImmediate, and stopping an actor cancels that: such a message
 * is neither handled nor in the mailbox handed to afterStop. Every request must still get an answer (handled, or
 * refused as not applied and run again on the next activation) well before the command timeout.
 */
describe.each(storages())('stopping a session actor in the middle of its traffic (%s)', (storage) => {
  // A long command timeout: a request that nobody answers shows up as "did not answer in time" after it.
  const ctx = useInstance(storage, { COMMAND_TIMEOUT_MS: '20000' });

  const hold = (sessionId: string, seat: string) =>
    ctx.instance.registry.execute(sessionId, { type: 'HoldSeats', reservationId: randomUUID(), userId: uid(), seatNumbers: [seat] });

  it('when the actor stops right after requests reached it, then every request is answered and applied once', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 60 });
    expect((await hold(id, 'A1')).ok).toBe(true); // active now
    for (let round = 0; round < 5; round++) {
      const seats = Array.from({ length: 6 }, (_, i) => `${String.fromCharCode(66 + round)}${i + 1}`);
      const replies: Promise<SessionReply>[] = seats.map((s) => hold(id, s));
      // Stop while those messages are between nact's dispatch and their setImmediate.
      await Promise.resolve();
      const stopping = ctx.instance.registry.passivate(id);
      const answered = await Promise.all(replies);
      await stopping;
      expect(answered.map((r) => (r.ok ? 'held' : JSON.stringify(r)))).toEqual(seats.map(() => 'held'));
    }
    const rows = await ctx.instance.dataSource.query(`SELECT count(*)::int AS n FROM reservations WHERE session_id = $1`, [id]);
    expect(rows[0].n).toBe(1 + 5 * 6);
  });
});
