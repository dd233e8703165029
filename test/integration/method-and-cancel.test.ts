import { storages } from '../support/test-instance';
import { availability, createSession, expectProblem, seatStatus, uid, useInstance } from './helpers';

describe.each(storages())('methods a path does not support, and cancelling an expired hold, on %s', (storage) => {
  // The instance's clock runs `skew` ms ahead of the real one, so a hold can pass its expiry before its timer fires.
  let skew = 0;
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '60' }, { clock: () => Date.now() + skew });

  it.each([
    ['delete', '/sessions/6c1e3f9a-8a5e-4d8b-9d0b-2a1f4b7c9e10', 'GET, HEAD'],
    ['put', '/sessions', 'GET, HEAD, POST'],
    ['patch', '/reservations/6c1e3f9a-8a5e-4d8b-9d0b-2a1f4b7c9e10', 'GET, HEAD'],
    ['delete', '/reservations/user/u1', 'GET, HEAD'],
    ['get', '/reservations/confirm-payment', 'GET, HEAD, POST'],
    ['delete', '/sales', 'GET, HEAD'],
    ['post', '/health/live', 'GET, HEAD'],
  ] as const)('answers %s %s with 405 problem+json and Allow: %s', async (method, path, allow) => {
    const res = await ctx.api[method](path);
    if (method === 'get') {
      // GET /reservations/confirm-payment is GET /reservations/{id} with a bad id: 400, not 405.
      expectProblem(res, 400);
      return;
    }
    expect(expectProblem(res, 405)).toMatchObject({ type: '/problems/method-not-allowed' });
    expect(res.headers.allow).toBe(allow);
  });

  it('still answers 404 for a path that does not exist', async () => {
    expectProblem(await ctx.api.delete('/tickets/1'), 404);
  });

  it('answers 409 reservation-expired to a cancel that arrives after the hold expired but before its timer fired', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 2 });
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId });
    expect(held.status).toBe(201);
    skew = 61_000;
    try {
      const res = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId });
      expect(expectProblem(res, 409)).toMatchObject({ type: '/problems/reservation-expired', title: 'Reservation expired' });
      expect((await ctx.api.get(`/reservations/${held.body.id}`)).body.status).toBe('EXPIRED');
      expect(seatStatus(await availability(ctx.api, session.id), 'A1')).toBe('AVAILABLE');
      const again = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId });
      expectProblem(again, 409);
    } finally {
      skew = 0;
    }
  });

  it('still answers 200 to cancelling a pending hold, and 200 again to cancelling it twice', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 2 });
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2'], userId });
    const first = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('CANCELLED');
    const second = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('CANCELLED');
  });
});
