import { storages } from '../support/test-instance';
import { createSession, expectValidationProblem, uid, useInstance } from './helpers';

/** Every list answers one page: `limit` (default 100, at most 1000) after `offset` (at most 1,000,000). */
describe.each(storages())('paging of every list on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' });

  it('answers at most 100 sessions by default and pages the rest with limit and offset, soonest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 101; i++) {
      const start = new Date(Date.UTC(2031, 0, 1, 0, i)).toISOString();
      created.push((await createSession(ctx.api, { startTime: start, numberOfSeats: 1 })).id);
    }
    const first = await ctx.api.get('/sessions');
    expect(first.status).toBe(200);
    expect(first.body.map((s: { id: string }) => s.id)).toEqual(created.slice(0, 100));
    const rest = await ctx.api.get('/sessions?offset=100');
    expect(rest.body.map((s: { id: string }) => s.id)).toEqual(created.slice(100));
    const middle = await ctx.api.get('/sessions?limit=3&offset=10');
    expect(middle.body.map((s: { id: string }) => s.id)).toEqual(created.slice(10, 13));
  });

  it('pages a user reservations, newest first, with the default page the same as before', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const ids: string[] = [];
    for (const seat of ['A1', 'A2', 'A3']) {
      const res = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: [seat], userId });
      expect(res.status).toBe(201);
      ids.unshift(res.body.id);
    }
    expect((await ctx.api.get(`/reservations/user/${userId}`)).body.map((r: { id: string }) => r.id)).toEqual(ids);
    expect((await ctx.api.get(`/reservations/user/${userId}?limit=2`)).body.map((r: { id: string }) => r.id)).toEqual(ids.slice(0, 2));
    expect((await ctx.api.get(`/reservations/user/${userId}?limit=2&offset=2`)).body.map((r: { id: string }) => r.id)).toEqual(ids.slice(2));
  });

  it('pages a user purchases while totalPurchases and totalAmount count all of them', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 7.35 });
    const userId = uid();
    for (const seats of [['A1'], ['A2', 'A3'], ['B1']]) {
      const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: seats, userId });
      const paid = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId });
      expect(paid.status).toBe(200);
    }
    const all = await ctx.api.get(`/sales/user/${userId}`);
    expect(all.body).toMatchObject({ userId, totalPurchases: 4, totalAmount: 29.4 });
    expect(all.body.purchases).toHaveLength(4);
    const page = await ctx.api.get(`/sales/user/${userId}?limit=1&offset=1`);
    expect(page.body).toMatchObject({ userId, totalPurchases: 4, totalAmount: 29.4 });
    expect(page.body.purchases).toEqual([all.body.purchases[1]]);
  });

  it.each([
    ['/sessions?limit=0', 'query.limit'],
    ['/sessions?limit=1001', 'query.limit'],
    ['/sessions?offset=1000001', 'query.offset'],
    [`/reservations/user/u1?limit=x`, 'query.limit'],
    [`/sales/user/u1?offset=-1`, 'query.offset'],
    ['/sales?limit=1e3', 'query.limit'],
  ])('refuses GET %s with 400 naming %s', async (path, field) => {
    expect(expectValidationProblem(await ctx.api.get(path)).map((e) => e.path)).toContain(field);
  });
});
