import { randomUUID } from 'node:crypto';
import { storages } from '../support/test-instance';
import { availability, createSession, expectProblem, seatsWith, uid, useInstance } from './helpers';

describe.each(storages())('Idempotency-Key on %s', (storage) => {
  // A real socket: the concurrent repeats below must reach one server at the same time.
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' }, { listen: true });

  const reserve = (body: object, key?: string) => {
    const req = ctx.api.post('/reservations');
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };

  it('replays the first answer (status and body, same reservation id) to a repeat with the same key and body, holding the seats once', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const body = { sessionId: session.id, seatNumbers: ['A1', 'A2'], userId };
    const key = `key-${randomUUID()}`;

    const first = await reserve(body, key);
    expect(first.status).toBe(201);
    const second = await reserve(body, key);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['content-type']).toMatch(/^application\/json/);

    const doc = await availability(ctx.api, session.id);
    expect(seatsWith(doc, 'RESERVED').sort()).toEqual(['A1', 'A2']);
    expect(doc.availableSeats).toBe(14);
    const mine = await ctx.api.get(`/reservations/user/${userId}`);
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0].id).toBe(first.body.id);
  });

  it('answers 422 problem+json to the same key with a different body, and changes nothing', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const key = `key-${randomUUID()}`;
    const first = await reserve({ sessionId: session.id, seatNumbers: ['B1'], userId }, key);
    expect(first.status).toBe(201);

    const other = await reserve({ sessionId: session.id, seatNumbers: ['B2'], userId }, key);
    expectProblem(other, 422);
    const otherUser = await reserve({ sessionId: session.id, seatNumbers: ['B1'], userId: uid() }, key);
    expectProblem(otherUser, 422);

    const doc = await availability(ctx.api, session.id);
    expect(seatsWith(doc, 'RESERVED')).toEqual(['B1']);
    expect((await ctx.api.get(`/reservations/user/${userId}`)).body).toHaveLength(1);

    // The key still replays its own first answer.
    const again = await reserve({ sessionId: session.id, seatNumbers: ['B1'], userId }, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('never places a second hold for concurrent repeats: each answer is the replay or 409 while the first runs', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 30 });
    const userId = uid();
    const body = { sessionId: session.id, seatNumbers: ['C1', 'C2', 'C3'], userId };
    const key = `key-${randomUUID()}`;

    const answers = await Promise.all(Array.from({ length: 12 }, () => reserve(body, key)));

    const created = answers.filter((r) => r.status === 201);
    const busy = answers.filter((r) => r.status !== 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of busy) expectProblem(r, 409);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);

    const mine = await ctx.api.get(`/reservations/user/${userId}`);
    expect(mine.body).toHaveLength(1);
    expect(mine.body[0].id).toBe(created[0].body.id);
    const doc = await availability(ctx.api, session.id);
    expect(seatsWith(doc, 'RESERVED').sort()).toEqual(['C1', 'C2', 'C3']);
    expect(doc.availableSeats).toBe(27);

    // Once the first has finished, a repeat is a replay.
    const later = await reserve(body, key);
    expect(later.status).toBe(201);
    expect(later.body).toEqual(created[0].body);
  });

  it('replays a refusal too: a repeat of a 409 answer stays 409 even after the seat is freed', async () => {
    const session = await createSession(ctx.api);
    const owner = uid('owner');
    const taken = await reserve({ sessionId: session.id, seatNumbers: ['A7'], userId: owner });
    expect(taken.status).toBe(201);

    const body = { sessionId: session.id, seatNumbers: ['A7'], userId: uid() };
    const key = `key-${randomUUID()}`;
    const refused = await reserve(body, key);
    const problem = expectProblem(refused, 409);
    expect(problem.unavailableSeats).toEqual(['A7']);

    expect((await ctx.api.post(`/reservations/${taken.body.id}/cancel`).send({ userId: owner })).status).toBe(200);

    const repeat = await reserve(body, key);
    expect(repeat.status).toBe(409);
    expect(repeat.body).toEqual(refused.body);
    expect(seatsWith(await availability(ctx.api, session.id), 'RESERVED')).toEqual([]);
  });

  it('keeps different keys independent: the same body under a new key is a new request', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const body = { sessionId: session.id, seatNumbers: ['A9'], userId };
    const first = await reserve(body, `key-${randomUUID()}`);
    expect(first.status).toBe(201);
    const second = await reserve(body, `key-${randomUUID()}`);
    const problem = expectProblem(second, 409);
    expect(problem.unavailableSeats).toEqual(['A9']);
  });

  it('replays the same sales to a confirm-payment repeated with the same key', async () => {
    const session = await createSession(ctx.api, { ticketPrice: 7.5 });
    const userId = uid();
    const held = await reserve({ sessionId: session.id, seatNumbers: ['A1', 'A2'], userId });
    expect(held.status).toBe(201);
    const key = `pay-${randomUUID()}`;
    const pay = () =>
      ctx.api.post('/reservations/confirm-payment').set('Idempotency-Key', key).send({ reservationId: held.body.id, userId });

    const first = await pay();
    expect(first.status).toBe(200);
    expect(first.body).toHaveLength(2);
    const second = await pay();
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);

    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body.totalPurchases).toBe(2);
    expect(mine.body.totalAmount).toBe(15);
    expect(mine.body.purchases.map((s: { id: string }) => s.id).sort()).toEqual(first.body.map((s: { id: string }) => s.id).sort());
    expect(seatsWith(await availability(ctx.api, session.id), 'SOLD').sort()).toEqual(['A1', 'A2']);
  });

  it('never sells twice when confirm-payment repeats race with the same key', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const held = await reserve({ sessionId: session.id, seatNumbers: ['B3', 'B4'], userId });
    expect(held.status).toBe(201);
    const key = `pay-${randomUUID()}`;

    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        ctx.api.post('/reservations/confirm-payment').set('Idempotency-Key', key).send({ reservationId: held.body.id, userId }),
      ),
    );
    const paid = answers.filter((r) => r.status === 200);
    for (const r of answers.filter((a) => a.status !== 200)) expectProblem(r, 409);
    expect(paid.length).toBeGreaterThanOrEqual(1);
    for (const r of paid) expect(r.body).toEqual(paid[0].body);

    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body.totalPurchases).toBe(2);
  });

  it('answers 422 to a confirm-payment key reused for another reservation, and sells nothing for it', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const a = await reserve({ sessionId: session.id, seatNumbers: ['B5'], userId });
    const b = await reserve({ sessionId: session.id, seatNumbers: ['B6'], userId });
    expect([a.status, b.status]).toEqual([201, 201]);
    const key = `pay-${randomUUID()}`;

    const first = await ctx.api.post('/reservations/confirm-payment').set('Idempotency-Key', key).send({ reservationId: a.body.id, userId });
    expect(first.status).toBe(200);
    const reused = await ctx.api.post('/reservations/confirm-payment').set('Idempotency-Key', key).send({ reservationId: b.body.id, userId });
    expectProblem(reused, 422);

    expect((await ctx.api.get(`/reservations/${b.body.id}`)).body.status).toBe('PENDING');
    expect((await ctx.api.get(`/sales/user/${userId}`)).body.totalPurchases).toBe(1);
  });
});
