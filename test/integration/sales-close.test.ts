import { storages } from '../support/test-instance';
import { availability, createSession, expectProblem, expectValidationProblem, sessionBody, uid, useInstance } from './helpers';

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe.each(storages())('sales close at the session start on %s', (storage) => {
  describe('with the default SALES_CLOSE_MINUTES_BEFORE=0', () => {
    // The instance's clock runs `skew` ms ahead of the real one, so the test can move past a session's start.
    let skew = 0;
    const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' }, { clock: () => Date.now() + skew });

    it('refuses to create a session that starts in the past with 400 naming startTime', async () => {
      for (const startTime of ['2026-02-15T19:00:00Z', new Date(Date.now() - 1000).toISOString()]) {
        const res = await ctx.api.post('/sessions').send(sessionBody({ startTime }));
        expect(expectValidationProblem(res).map((e) => e.path)).toContain('body.startTime');
      }
    });

    it('sells until the start, then shows the session inactive and answers a hold and a payment 409 sales-closed', async () => {
      const session = await createSession(ctx.api, { startTime: inMinutes(5) });
      const userId = uid();
      const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId });
      expect(held.status).toBe(201);
      expect((await ctx.api.get(`/sessions/${session.id}`)).body.isActive).toBe(true);

      skew = 5 * 60_000;
      expect((await ctx.api.get(`/sessions/${session.id}`)).body.isActive).toBe(false);
      const listed = (await ctx.api.get('/sessions?limit=1000')).body.find((s: { id: string }) => s.id === session.id);
      expect(listed).toMatchObject({ isActive: false });

      const late = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2'], userId: uid() });
      expect(expectProblem(late, 409)).toMatchObject({ type: '/problems/sales-closed', title: 'Sales closed' });
      const pay = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId });
      expect(expectProblem(pay, 409)).toMatchObject({ type: '/problems/sales-closed', closedAt: expect.any(String) });

      const doc = await availability(ctx.api, session.id);
      expect(doc.seats.filter((s) => s.status !== 'AVAILABLE').map((s) => s.seatNumber)).toEqual(['A1']);
      expect((await ctx.api.get(`/sales/user/${userId}`)).body.totalPurchases).toBe(0);
    });
  });

  describe('with SALES_CLOSE_MINUTES_BEFORE=30', () => {
    const ctx = useInstance(storage, { SALES_CLOSE_MINUTES_BEFORE: '30' });

    it('refuses holds on a session starting in 20 minutes and shows it inactive, while one in 40 minutes sells', async () => {
      const soon = await createSession(ctx.api, { startTime: inMinutes(20) });
      expect(soon).toMatchObject({ isActive: false });
      const refused = await ctx.api.post('/reservations').send({ sessionId: soon.id, seatNumbers: ['A1'], userId: uid() });
      expect(expectProblem(refused, 409)).toMatchObject({ type: '/problems/sales-closed' });

      const later = await createSession(ctx.api, { startTime: inMinutes(40) });
      expect(later).toMatchObject({ isActive: true });
      const held = await ctx.api.post('/reservations').send({ sessionId: later.id, seatNumbers: ['A1'], userId: uid() });
      expect(held.status).toBe(201);
    });
  });
});
