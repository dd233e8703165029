import { randomUUID } from 'node:crypto';
import { evolve, type SessionEvent } from '../../src/domain';
import { createAppliedCommandLog } from '../../src/persistence/applied-command-log';
import { holdOf as holdOfSeat, useSeatStateStore } from '../support/seat-state-fixture';
import { storages } from '../support/test-instance';

/**
 * The commit itself refuses to revive a reservation: a replayed hold of an ended reservation, or any status change of
 * an ended one, fails the statement and changes nothing. A forwarded command is recorded with its answer in the
 * commit that made its change.
 */
describe.each(storages())('ended reservations in the seat-state store on %s', (storage) => {
  const ctx = useSeatStateStore(storage);

  async function activeSession() {
    const activation = await ctx.seats.activate(await ctx.newSession('Replay'));
    if (!activation) throw new Error('not activated');
    return activation;
  }

  const holdOf = (reservationId: string) => holdOfSeat('A1', reservationId);
  const statusOf = async (id: string) =>
    ((await ctx.dataSource.query('SELECT status FROM reservations WHERE id = $1', [id])) as { status: string }[])[0]?.status;

  it.each([
    ['cancelled', 'reservation.cancelled', 'CANCELLED'],
    ['expired', 'reservation.expired', 'EXPIRED'],
  ] as const)('when a hold that was %s is committed again, then the commit fails and the reservation stays ended', async (_, type, status) => {
    const { record, epoch, state, version } = await activeSession();
    const sessionId = record.id;
    const hold = holdOf(randomUUID());
    const held = evolve(state, hold);
    await ctx.seats.commit({ sessionId, epoch, events: [hold], state: held, version: version + 1 });
    const end: SessionEvent = { type, reservationId: hold.reservationId, seatNumbers: ['A1'], at: Date.now() };
    await ctx.seats.commit({ sessionId, epoch, events: [end], state: evolve(held, end), version: version + 2 });

    const again = await ctx.seats.activate(sessionId); // a new owner: the ended hold is not in memory any more
    expect(again!.state.reservations.has(hold.reservationId)).toBe(false);
    await expect(
      ctx.seats.commit({ sessionId, epoch: again!.epoch, events: [hold], state: evolve(again!.state, hold), version: again!.version + 1 }),
    ).rejects.toThrow(/duplicate key|reservations_pkey/);
    expect(await statusOf(hold.reservationId)).toBe(status);
    expect((await ctx.seats.activate(sessionId))!.state.taken.size).toBe(0);
  });

  it('when an ended reservation would be confirmed, then the commit fails and no sale is written', async () => {
    const { record, epoch, state, version } = await activeSession();
    const sessionId = record.id;
    const hold = holdOf(randomUUID());
    const held = evolve(state, hold);
    const expired: SessionEvent = { type: 'reservation.expired', reservationId: hold.reservationId, seatNumbers: ['A1'], at: Date.now() };
    await ctx.seats.commit({ sessionId, epoch, events: [hold, expired], state: evolve(held, expired), version: version + 2 });
    const paid: SessionEvent = {
      type: 'payment.confirmed',
      reservationId: hold.reservationId,
      userId: 'u1',
      sales: [{ id: randomUUID(), seatNumber: 'A1', amountCents: 1000 }],
      paidAt: Date.now(),
    };
    // The actor's memory of an older owner still holds it as pending: exactly the state a revival would come from.
    await expect(ctx.seats.commit({ sessionId, epoch, events: [paid], state: evolve(held, paid), version: version + 3 })).rejects.toThrow(/EXPIRED/);
    expect(await statusOf(hold.reservationId)).toBe('EXPIRED');
    const sales: unknown[] = await ctx.dataSource.query('SELECT id FROM sales WHERE reservation_id = $1', [hold.reservationId]);
    expect(sales).toEqual([]);
  });

  it('when a forwarded command’s change is committed, then its answer is recorded with it, once', async () => {
    const { record, epoch, state, version } = await activeSession();
    const hold = holdOf(randomUUID());
    const commandId = randomUUID();
    const reply = { ok: true, session: { sessionId: record.id }, reservation: { id: hold.reservationId } };
    const log = createAppliedCommandLog(ctx.dataSource);
    expect(await log.find(commandId)).toBeUndefined();
    await ctx.seats.commit({ sessionId: record.id, epoch, events: [hold], state: evolve(state, hold), version: version + 1, commands: [{ commandId, reply }] });
    expect(await log.find(commandId)).toEqual(reply);
    expect(await log.find('not-a-uuid')).toBeUndefined();
  });
});
