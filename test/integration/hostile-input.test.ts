import { storages } from '../support/test-instance';
import { availability, createSession, expectValidationProblem, sessionBody, uid, useInstance } from './helpers';

/**
 * Input that the JSON schema of a field allows but its column does not hold (a NUL byte, a price past int4 cents)
 * must be refused at the edge with 400 naming the field: it must never reach a commit, fail it and stop the
 * session for everybody else.
 */
describe.each(storages())('hostile input on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' });

  const CONTROL = ['\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', 'line\nbreak', 'tab\tbed', '\ud800'];

  it.each(CONTROL.map((c) => [JSON.stringify(c), c]))(
    'refuses a userId containing %s on a hold with 400 naming body.userId, and the session keeps serving others',
    async (_shown, bad) => {
      const session = await createSession(ctx.api);
      const res = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: bad });
      expect(expectValidationProblem(res).map((e) => e.path)).toContain('body.userId');
      const honest = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: uid() });
      expect(honest.status).toBe(201);
      expect((await availability(ctx.api, session.id)).availableSeats).toBe(session.totalSeats - 1);
    },
  );

  it('refuses a NUL in confirm-payment and cancel bodies with 400 naming the field', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId });
    expect(held.status).toBe(201);
    const confirm = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId: `${userId}\u0000` });
    expect(expectValidationProblem(confirm).map((e) => e.path)).toContain('body.userId');
    const cancel = await ctx.api.post(`/reservations/${held.body.id}/cancel`).send({ userId: '\u0000' });
    expect(expectValidationProblem(cancel).map((e) => e.path)).toContain('body.userId');
    const paid = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId });
    expect(paid.status).toBe(200);
  });

  it.each([
    ['/reservations/user/%00', 'params.userId'],
    ['/sales/user/%00', 'params.userId'],
    ['/reservations/user/a%0Ab', 'params.userId'],
    ['/sales/user/%1B', 'params.userId'],
  ])('answers GET %s with 400 naming %s, never 500', async (path, field) => {
    const res = await ctx.api.get(path);
    expect(expectValidationProblem(res).map((e) => e.path)).toContain(field);
  });

  it.each([
    ['movieName', { movieName: 'Dune\u0000' }],
    ['roomNumber', { roomNumber: '\u0000' }],
    ['movieName', { movieName: 'Dune\u001b[2J' }],
  ])('refuses a control character in %s of a new session with 400 naming it', async (field, change) => {
    const res = await ctx.api.post('/sessions').send(sessionBody(change));
    expect(expectValidationProblem(res).map((e) => e.path)).toContain(`body.${field}`);
  });

  it('refuses a ticket price over the documented maximum (21474836.48 overflowed int4 cents) with 400, never 500', async () => {
    for (const ticketPrice of [21474836.48, 1_000_000.01, 1e9]) {
      const res = await ctx.api.post('/sessions').send(sessionBody({ ticketPrice }));
      expect(expectValidationProblem(res).map((e) => e.path)).toContain('body.ticketPrice');
    }
  });

  it('sells at the maximum price, 1,000,000.00, with exact totals', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 1_000_000, numberOfSeats: 10 });
    const userId = uid();
    const seats = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: seats, userId });
    expect(held.status).toBe(201);
    expect(held.body.amount).toBe(10_000_000);
    const paid = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId });
    expect(paid.status).toBe(200);
    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body).toMatchObject({ totalPurchases: 10, totalAmount: 10_000_000 });
  });

  it('accepts prices such as 19.99 and 0.07 exactly, and refuses a third decimal', async () => {
    for (const ticketPrice of [19.99, 0.07, 0.1, 1234.56]) {
      const res = await ctx.api.post('/sessions').send(sessionBody({ ticketPrice }));
      expect(res.status).toBe(201);
      expect(res.body.ticketPrice).toBe(ticketPrice);
    }
    const res = await ctx.api.post('/sessions').send(sessionBody({ ticketPrice: 19.999 }));
    expect(expectValidationProblem(res).map((e) => e.path)).toContain('body.ticketPrice');
  });
});
