import { storages } from '../support/test-instance';
import { availability, createSession, seatsWith, uid, useInstance } from './helpers';

/** Reading a session's availability never activates it: no lease is taken and its epoch stays where it was. */
describe.each(storages())('reading the availability of a session that is not active here (%s)', (storage) => {
  const ctx = useInstance(storage);

  const epochOf = async (id: string) =>
    Number(((await ctx.instance.dataSource.query('SELECT epoch FROM sessions WHERE id = $1', [id])) as { epoch: string }[])[0].epoch);

  it('when an idle session is read five times, then it is served from its committed rows and never activated', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 4 });
    for (let i = 0; i < 5; i++) expect((await availability(ctx.api, id)).availableSeats).toBe(4);
    expect(ctx.instance.registry.isActive(id)).toBe(false);
    expect(await epochOf(id)).toBe(0);
  });

  it('when a session with holds and sales was passivated, then a read shows them without taking it over', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 4 });
    const held = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A1', 'A2'], userId: uid() });
    const buyer = uid();
    const bought = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A3'], userId: buyer });
    expect([held.status, bought.status]).toEqual([201, 201]);
    const paid = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: bought.body.id, userId: buyer });
    expect(paid.status).toBe(200);
    await ctx.instance.registry.passivate(id);
    const epoch = await epochOf(id);

    const doc = await availability(ctx.api, id);
    expect(seatsWith(doc, 'RESERVED')).toEqual(['A1', 'A2']);
    expect(seatsWith(doc, 'SOLD')).toEqual(['A3']);
    expect(doc.availableSeats).toBe(1);
    expect(ctx.instance.registry.isActive(id)).toBe(false);
    expect(await epochOf(id)).toBe(epoch);
  });

  it('when an idle session that was read is changed and passivated again, then the next read shows the change', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 4 });
    const before = await availability(ctx.api, id);
    expect(before.availableSeats).toBe(4);
    const held = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A1'], userId: uid() });
    expect(held.status).toBe(201);
    await ctx.instance.registry.passivate(id);

    const after = await availability(ctx.api, id);
    expect(seatsWith(after, 'RESERVED')).toEqual(['A1']);
    expect(after.version).toBeGreaterThan(before.version);
    expect(ctx.instance.registry.isActive(id)).toBe(false);
  });

  it('when the session does not exist, then the read answers 404', async () => {
    const res = await ctx.api.get('/sessions/7b0c2a4e-5d1f-4c3a-9e8b-1f2a3b4c5d6e/availability');
    expect(res.status).toBe(404);
  });
});
