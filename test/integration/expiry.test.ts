import { eventually, storages } from '../support/test-instance';
import { availability, createSession, expectProblem, seatStatus, uid, until, useInstance } from './helpers';

describe.each(storages())('holds that expire on %s (RESERVATION_TTL_SECONDS=1)', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '1' });

  it('sets expiresAt one TTL after createdAt', async () => {
    const session = await createSession(ctx.api);
    const res = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A5'], userId: uid() });
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(1000);
  });

  it('releases an unpaid hold by itself: the seat turns AVAILABLE, the reservation reads EXPIRED, payment gets 410 and sells nothing, and another user can take the seat', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 4 });
    const holder = uid('holder');
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1', 'A2'], userId: holder });
    expect(held.status).toBe(201);
    const before = await availability(ctx.api, session.id);
    expect(seatStatus(before, 'A1')).toBe('RESERVED');

    // Nobody touches the session: the expiry must fire on its own.
    const freed = await until(async () => {
      const doc = await availability(ctx.api, session.id);
      return seatStatus(doc, 'A1') === 'AVAILABLE' && seatStatus(doc, 'A2') === 'AVAILABLE' ? doc : undefined;
    });
    expect(freed.availableSeats).toBe(4);
    expect(freed.seats.every((s) => s.status === 'AVAILABLE' && s.isAvailable)).toBe(true);

    const read = await ctx.api.get(`/reservations/${held.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(expect.objectContaining({ id: held.body.id, status: 'EXPIRED', seatNumbers: ['A1', 'A2'] }));

    const listed = await ctx.api.get(`/reservations/user/${holder}`);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([expect.objectContaining({ id: held.body.id, status: 'EXPIRED' })]);

    const pay = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId: holder });
    expectProblem(pay, 410);

    const sales = await ctx.api.get(`/sales/user/${holder}`);
    expect(sales.body).toEqual({ userId: holder, totalPurchases: 0, totalAmount: 0, purchases: [] });
    const all = await ctx.api.get('/sales?limit=1000');
    expect((all.body as Array<{ reservationId: string }>).filter((s) => s.reservationId === held.body.id)).toEqual([]);
    expect(seatStatus(await availability(ctx.api, session.id), 'A1')).toBe('AVAILABLE');

    const other = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2', 'A1'], userId: uid('other') });
    expect(other.status).toBe(201);
    expect(other.body.status).toBe('PENDING');
  });

  it('answers 409 reservation-expired when its owner cancels an expired reservation, and keeps it expired', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 2 });
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId });
    expect(held.status).toBe(201);
    await eventually(async () => seatStatus(await availability(ctx.api, session.id), 'A1') === 'AVAILABLE');

    const res = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId });
    expect(expectProblem(res, 409)).toMatchObject({ type: '/problems/reservation-expired' });
    expect((await ctx.api.get(`/reservations/${held.body.id}`)).body.status).toBe('EXPIRED');
    expect(seatStatus(await availability(ctx.api, session.id), 'A1')).toBe('AVAILABLE');
  });

  it('does not expire a hold that was paid in time', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 2 });
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2'], userId });
    expect(held.status).toBe(201);
    const pay = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId });
    // Paying within one second is the normal case; a slow machine may legitimately see 410 instead.
    if (pay.status === 410) return;
    expect(pay.status).toBe(200);

    // Wait until a later hold in the same session has expired: the paid seat must still be SOLD.
    const later = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: uid() });
    expect(later.status).toBe(201);
    const doc = await until(async () => {
      const d = await availability(ctx.api, session.id);
      return seatStatus(d, 'A1') === 'AVAILABLE' ? d : undefined;
    });
    expect(seatStatus(doc, 'A2')).toBe('SOLD');
    expect((await ctx.api.get(`/reservations/${held.body.id}`)).body.status).toBe('CONFIRMED');
  });
});

describe.each(storages())('holds of an idle session on %s (actor passivated before the hold is due)', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '2', SESSION_IDLE_SECONDS: '0.2' });

  const expiriesCounted = async (): Promise<number> => {
    const text = (await ctx.api.get('/metrics')).text;
    const line = text.split('\n').find((l) => l.startsWith('reservation_expiries_total'));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  };

  it('still expires the hold on time, waking the session up for it', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 3 });
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A3'], userId });
    expect(held.status).toBe(201);

    // Let the actor go idle without touching the session again.
    await eventually(() => !ctx.instance.registry.isActive(session.id));

    // Only the metrics are read while waiting, so only the expiry timer can wake the session.
    await eventually(async () => (await expiriesCounted()) >= 1);

    // The expiry is counted when decided; the seat map shows it once committed.
    const doc = await until(async () => {
      const d = await availability(ctx.api, session.id);
      return seatStatus(d, 'A3') === 'AVAILABLE' ? d : undefined;
    });
    expect(doc.availableSeats).toBe(3);
    expect((await ctx.api.get(`/reservations/${held.body.id}`)).body.status).toBe('EXPIRED');
    expectProblem(await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId }), 410);
  });
});
