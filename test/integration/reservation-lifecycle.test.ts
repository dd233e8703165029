import { randomUUID } from 'node:crypto';
import { storages } from '../support/test-instance';
import { availability, createSession, expectProblem, seatStatus, uid, useInstance } from './helpers';

describe.each(storages())('the reservation lifecycle on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' });

  async function hold(sessionId: string, seatNumbers: string[], userId = uid()) {
    const res = await ctx.api.post('/reservations').send({ sessionId, seatNumbers, userId });
    expect(res.status).toBe(201);
    return res.body as { id: string; userId: string; seatNumbers: string[]; status: string; amount: number };
  }

  const confirm = (reservationId: string, userId: string) =>
    ctx.api.post('/reservations/confirm-payment').send({ reservationId, userId });
  const cancel = (reservationId: string, userId: string) =>
    ctx.api.post(`/reservations/${reservationId}/cancel`).send({ userId });

  it('refuses a confirmation by another user with 403 and changes nothing', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['A1', 'A2']);
    const intruder = uid('intruder');

    const res = await confirm(r.id, intruder);
    expectProblem(res, 403);

    const after = await ctx.api.get(`/reservations/${r.id}`);
    expect(after.status).toBe(200);
    expect(after.body.status).toBe('PENDING');
    expect(after.body.userId).toBe(r.userId);
    const doc = await availability(ctx.api, session.id);
    expect(seatStatus(doc, 'A1')).toBe('RESERVED');
    expect(seatStatus(doc, 'A2')).toBe('RESERVED');
    expect(doc.availableSeats).toBe(14);
    expect((await ctx.api.get(`/sales/user/${intruder}`)).body).toEqual({ userId: intruder, totalPurchases: 0, totalAmount: 0, purchases: [] });
    expect((await ctx.api.get(`/sales/user/${r.userId}`)).body.totalPurchases).toBe(0);

    // The owner can still pay for it.
    const paid = await confirm(r.id, r.userId);
    expect(paid.status).toBe(200);
    expect(paid.body).toHaveLength(2);
  });

  it('answers a second confirmation with 200 and the same sales, creating no new sale', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 8 });
    const r = await hold(session.id, ['B1', 'B2', 'B3']);

    const first = await confirm(r.id, r.userId);
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(3);
    const second = await confirm(r.id, r.userId);
    expect(second.status).toBe(200);

    const ids = (body: Array<{ id: string }>) => body.map((s) => s.id).sort();
    expect(ids(second.body)).toEqual(ids(first.body));
    const bySeat = (body: Array<{ seatNumber: string }>) => [...body].sort((a, b) => a.seatNumber.localeCompare(b.seatNumber));
    expect(bySeat(second.body)).toEqual(bySeat(first.body));

    const mine = await ctx.api.get(`/sales/user/${r.userId}`);
    expect(mine.status).toBe(200);
    expect(mine.body.totalPurchases).toBe(3);
    expect(mine.body.totalAmount).toBe(24);
    expect(ids(mine.body.purchases)).toEqual(ids(first.body));

    const doc = await availability(ctx.api, session.id);
    expect(['B1', 'B2', 'B3'].map((s) => seatStatus(doc, s))).toEqual(['SOLD', 'SOLD', 'SOLD']);
    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('CONFIRMED');
  });

  it('cancels a pending reservation with 200 CANCELLED and frees its seats at once for a new hold', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['A3', 'A4']);

    const res = await cancel(r.id, r.userId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({ id: r.id, sessionId: session.id, userId: r.userId, seatNumbers: ['A3', 'A4'], status: 'CANCELLED' }),
    );

    const doc = await availability(ctx.api, session.id);
    expect(seatStatus(doc, 'A3')).toBe('AVAILABLE');
    expect(seatStatus(doc, 'A4')).toBe('AVAILABLE');
    expect(doc.availableSeats).toBe(16);
    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('CANCELLED');

    const again = await hold(session.id, ['A4', 'A3']);
    expect(again.status).toBe('PENDING');
  });

  it('answers a second cancellation with 200 and leaves the reservation CANCELLED', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['B6']);
    expect((await cancel(r.id, r.userId)).status).toBe(200);

    const second = await cancel(r.id, r.userId);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(expect.objectContaining({ id: r.id, status: 'CANCELLED', seatNumbers: ['B6'] }));
    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('CANCELLED');
    expect(seatStatus(await availability(ctx.api, session.id), 'B6')).toBe('AVAILABLE');
  });

  it('refuses a cancellation by another user with 403 and keeps the hold', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['B5']);

    const res = await cancel(r.id, uid('intruder'));
    expectProblem(res, 403);

    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('PENDING');
    expect(seatStatus(await availability(ctx.api, session.id), 'B5')).toBe('RESERVED');
  });

  it('refuses to cancel a confirmed reservation with 409 and keeps the seats sold', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['A9', 'A10']);
    expect((await confirm(r.id, r.userId)).status).toBe(200);

    const res = await cancel(r.id, r.userId);
    expectProblem(res, 409);

    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('CONFIRMED');
    const doc = await availability(ctx.api, session.id);
    expect(seatStatus(doc, 'A9')).toBe('SOLD');
    expect(seatStatus(doc, 'A10')).toBe('SOLD');
    expect((await ctx.api.get(`/sales/user/${r.userId}`)).body.totalPurchases).toBe(2);
  });

  it('refuses to confirm a cancelled reservation with 409 and sells nothing', async () => {
    const session = await createSession(ctx.api);
    const r = await hold(session.id, ['B2']);
    expect((await cancel(r.id, r.userId)).status).toBe(200);

    const res = await confirm(r.id, r.userId);
    expectProblem(res, 409);

    expect((await ctx.api.get(`/reservations/${r.id}`)).body.status).toBe('CANCELLED');
    expect(seatStatus(await availability(ctx.api, session.id), 'B2')).toBe('AVAILABLE');
    expect((await ctx.api.get(`/sales/user/${r.userId}`)).body).toEqual({ userId: r.userId, totalPurchases: 0, totalAmount: 0, purchases: [] });
  });

  it('keeps money exact: 3 seats at 0.10 cost 0.3, and the user total is 0.3', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 0.1 });
    expect(session.ticketPrice).toBe(0.1);
    const r = await hold(session.id, ['A1', 'A2', 'A3']);
    expect(r.amount).toBe(0.3);
    expect((await ctx.api.get(`/reservations/${r.id}`)).body.amount).toBe(0.3);

    const paid = await confirm(r.id, r.userId);
    expect(paid.status).toBe(200);
    expect(paid.body.map((s: { amount: number }) => s.amount)).toEqual([0.1, 0.1, 0.1]);

    const mine = await ctx.api.get(`/sales/user/${r.userId}`);
    expect(mine.body.totalPurchases).toBe(3);
    expect(mine.body.totalAmount).toBe(0.3);
    expect((await availability(ctx.api, session.id)).ticketPrice).toBe(0.1);
  });

  it('keeps money exact across reservations: 0.10 + 0.20 totals 0.3 for one user', async () => {
    const cheap = await createSession(ctx.api, { ticketPrice: 0.1 });
    const dearer = await createSession(ctx.api, { ticketPrice: 0.2 });
    const userId = uid();
    const a = await hold(cheap.id, ['A1'], userId);
    const b = await hold(dearer.id, ['A1'], userId);
    expect((await confirm(a.id, userId)).status).toBe(200);
    expect((await confirm(b.id, userId)).status).toBe(200);

    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body.totalPurchases).toBe(2);
    expect(mine.body.totalAmount).toBe(0.3);
  });

  it('keeps money exact for every kind of two-decimal price', async () => {
    const userId = uid();
    let expectedCents = 0;
    for (const price of [0.29, 19.99, 4.35, 1.15, 0.07, 1_000_000]) {
      const session = await createSession(ctx.api, { ticketPrice: price });
      expect(session.ticketPrice).toBe(price);
      const r = await hold(session.id, ['A1', 'A2', 'A3'], userId);
      expect(r.amount).toBe(Math.round(price * 100 * 3) / 100);
      const paid = await confirm(r.id, userId);
      expect(paid.status).toBe(200);
      expect(paid.body.map((s: { amount: number }) => s.amount)).toEqual([price, price, price]);
      expectedCents += Math.round(price * 100) * 3;
    }
    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body.totalPurchases).toBe(18);
    expect(mine.body.totalAmount).toBe(expectedCents / 100);
  });

  it('sells seats of a free session for 0', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 0 });
    const r = await hold(session.id, ['A1']);
    expect(r.amount).toBe(0);
    const paid = await confirm(r.id, r.userId);
    expect(paid.status).toBe(200);
    expect(paid.body[0].amount).toBe(0);
  });

  it('lays seats out in rows of 10 by default: 16 seats are A1..A10 then B1..B6, in row then number order', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 16 });
    const doc = await availability(ctx.api, session.id);
    expect(doc.seats.map((s) => s.seatNumber)).toEqual([
      'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6',
    ]);
    expect(doc.seats.map((s) => s.row)).toEqual([...Array(10).fill('A'), ...Array(6).fill('B')]);
    expect(doc.seats.every((s) => s.status === 'AVAILABLE' && s.isAvailable)).toBe(true);
    expect(doc.totalSeats).toBe(16);
  });

  it('accepts the largest session (2000 seats, 50 per row): rows run A..Z, AA..AN and AN50 is the last seat', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 2000, seatsPerRow: 50 });
    expect(session.totalSeats).toBe(2000);
    const doc = await availability(ctx.api, session.id);
    expect(doc.seats).toHaveLength(2000);
    expect(doc.seats[0].seatNumber).toBe('A1');
    expect(doc.seats[50].seatNumber).toBe('B1');
    expect(doc.seats[26 * 50].seatNumber).toBe('AA1');
    expect(doc.seats[1999]).toEqual({
      seatNumber: 'AN50',
      row: 'AN',
      status: 'AVAILABLE',
      isAvailable: true,
      category: 'STANDARD',
      price: 12.5,
      wheelchair: false,
    });

    const r = await hold(session.id, ['AN50', 'AA1', 'Z50']);
    expect(r.seatNumbers).toEqual(['AN50', 'AA1', 'Z50']);
    const after = await availability(ctx.api, session.id);
    expect(after.availableSeats).toBe(1997);
    expect(seatStatus(after, 'AN50')).toBe('RESERVED');
    expectProblem(await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['AO1'], userId: uid() }), 400);
  });

  it('accepts values at the edges of the contract', async () => {
    const session = await createSession(ctx.api, {
      movieName: 'm'.repeat(200),
      roomNumber: 'r'.repeat(50),
      numberOfSeats: 1,
      seatsPerRow: 1,
      startTime: '2031-05-01T20:00:00+02:00',
    });
    expect(new Date((await ctx.api.get(`/sessions/${session.id}`)).body.startTime).toISOString()).toBe('2031-05-01T18:00:00.000Z');
    const longUser = 'u'.repeat(100);
    const one = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: longUser });
    expect(one.status).toBe(201);
    expect(one.body.userId).toBe(longUser);

    const big = await createSession(ctx.api, { numberOfSeats: 20 });
    const ten = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];
    const r = await hold(big.id, ten);
    expect(r.seatNumbers).toEqual(ten);

    expect((await ctx.api.get('/sales?limit=1000')).status).toBe(200);
    expect((await ctx.api.get('/sales?limit=1&offset=0')).status).toBe(200);
  });

  it('pages GET /sales newest first with limit and offset', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 5 });
    const paidIds: string[] = [];
    for (const seat of ['A1', 'A2', 'A3']) {
      const r = await hold(session.id, [seat]);
      const paid = await confirm(r.id, r.userId);
      expect(paid.status).toBe(200);
      paidIds.push(paid.body[0].id);
    }
    const all = await ctx.api.get('/sales?limit=1000');
    expect(all.status).toBe(200);
    const times = (all.body as Array<{ paidAt: string }>).map((s) => Date.parse(s.paidAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ids = (all.body as Array<{ id: string }>).map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(paidIds));

    const page = await ctx.api.get('/sales?limit=2&offset=1');
    expect(page.status).toBe(200);
    expect(page.body.map((s: { id: string }) => s.id)).toEqual(ids.slice(1, 3));
    expect((await ctx.api.get('/sales?limit=1')).body.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 1));
    expect((await ctx.api.get(`/sales?offset=${ids.length}`)).body).toEqual([]);
  });

  it('answers 404 problem+json for an unknown reservation id', async () => {
    const res = await ctx.api.get(`/reservations/${randomUUID()}`);
    expectProblem(res, 404);
  });

  it('answers 404 problem+json for the availability of an unknown session', async () => {
    const res = await ctx.api.get(`/sessions/${randomUUID()}/availability`);
    expectProblem(res, 404);
  });

  it('answers 404 problem+json for an unknown session', async () => {
    expectProblem(await ctx.api.get(`/sessions/${randomUUID()}`), 404);
  });

  it('answers 404 problem+json when confirming or cancelling an unknown reservation', async () => {
    expectProblem(await confirm(randomUUID(), uid()), 404);
    expectProblem(await cancel(randomUUID(), uid()), 404);
  });
});
