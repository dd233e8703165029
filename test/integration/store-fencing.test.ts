import { randomUUID } from 'node:crypto';
import { evolve, type SessionEvent } from '../../src/domain';
import { FencedWriteError } from '../../src/errors';
import { holdOf, useSeatStateStore } from '../support/seat-state-fixture';
import { storages } from '../support/test-instance';

describe.each(storages())('the seat-state store on %s', (storage) => {
  const ctx = useSeatStateStore(storage);
  const newSession = () => ctx.newSession('Fencing');
  const hold = (reservationId: string, seat: string) => holdOf(seat, reservationId);

  it('when a new owner takes the session over, then the old owner’s commit is refused and changes nothing', async () => {
    const sessionId = await newSession();
    const first = await ctx.seats.activate(sessionId);
    const second = await ctx.seats.activate(sessionId);
    expect(first && second).toBeTruthy();
    expect(second!.epoch).toBe(first!.epoch + 1);

    const stale = hold(randomUUID(), 'A1');
    await expect(
      ctx.seats.commit({ sessionId, epoch: first!.epoch, events: [stale], state: evolve(first!.state, stale), version: 1 }),
    ).rejects.toBeInstanceOf(FencedWriteError);

    const fresh = hold(randomUUID(), 'A2');
    await ctx.seats.commit({ sessionId, epoch: second!.epoch, events: [fresh], state: evolve(second!.state, fresh), version: 1 });

    const rows: { id: string }[] = await ctx.dataSource.query('SELECT id FROM reservations WHERE session_id = $1', [sessionId]);
    expect(rows.map((r) => r.id)).toEqual([fresh.reservationId]);
    const outbox: { type: string }[] = await ctx.dataSource.query('SELECT type FROM outbox WHERE session_id = $1 ORDER BY id', [
      sessionId,
    ]);
    expect(outbox.map((o) => o.type)).toEqual(['session.created', 'reservation.created']);
    const recovered = await ctx.seats.activate(sessionId);
    expect([...recovered!.state.taken.keys()]).toEqual(['A2']);
    expect(recovered!.version).toBe(1);
  });

  it('when two owners both try to sell a seat, then Postgres keeps exactly one sale', async () => {
    const sessionId = await newSession();
    const a = await ctx.seats.activate(sessionId);
    const reservation = hold(randomUUID(), 'A3');
    const held = evolve(a!.state, reservation);
    await ctx.seats.commit({ sessionId, epoch: a!.epoch, events: [reservation], state: held, version: 1 });
    const sale = (saleId: string): SessionEvent => ({
      type: 'payment.confirmed',
      reservationId: reservation.reservationId,
      userId: 'u1',
      sales: [{ id: saleId, seatNumber: 'A3', amountCents: 1000 }],
      paidAt: Date.now(),
    });
    const first = sale(randomUUID());
    await ctx.seats.commit({ sessionId, epoch: a!.epoch, events: [first], state: evolve(held, first), version: 2 });
    const second = sale(randomUUID());
    await expect(
      ctx.seats.commit({ sessionId, epoch: a!.epoch, events: [second], state: evolve(held, second), version: 2 }),
    ).rejects.toThrow(/sales_one_per_seat|duplicate key/);
    const [count]: { n: string }[] = await ctx.dataSource.query(
      'SELECT count(*) AS n FROM sales WHERE session_id = $1 AND seat_number = $2',
      [sessionId, 'A3'],
    );
    expect(Number(count.n)).toBe(1);
  });

  it('when an unknown session is activated, then there is nothing to activate', async () => {
    expect(await ctx.seats.activate(randomUUID())).toBeNull();
  });

  it('when two transactions read and then write the same counter concurrently, then neither write is lost', async () => {
    const sessionId = await newSession();
    const bump = () =>
      ctx.dataSource.transaction(async (em) => {
        const [row]: { available_seats: number }[] = await em.query(
          'SELECT available_seats FROM sessions WHERE id = $1 FOR UPDATE',
          [sessionId],
        );
        await new Promise((r) => setTimeout(r, 20)); // the other transaction gets every chance to run in between
        await em.query('UPDATE sessions SET available_seats = $2 WHERE id = $1', [sessionId, row.available_seats + 1]);
      });
    await Promise.all([bump(), bump(), bump()]);
    const [row]: { available_seats: number }[] = await ctx.dataSource.query(
      'SELECT available_seats FROM sessions WHERE id = $1',
      [sessionId],
    );
    expect(row.available_seats).toBe(4 + 3);
  });
});
