import type { Response } from 'supertest';
import { seatLabels } from '../../src/domain';
import { storages } from '../support/test-instance';
import { availability, createSession, expectProblem, seatsWith, shuffle, uid, useInstance } from './helpers';

describe.each(storages())('concurrent reservations on %s', (storage) => {
  // Holds must outlive the test, so that every RESERVED seat is one of this test's accepted holds.
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' }, { listen: true });

  it('never gives one seat to two of 300 concurrent reservations, and refuses the rest with 409 naming the taken seats', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 100, ticketPrice: 10 });
    const all = seatLabels(100, 10);
    const attempts = Array.from({ length: 300 }, () => ({
      userId: uid(),
      seatNumbers: shuffle(all).slice(0, 1 + Math.floor(Math.random() * 4)),
    }));

    const answers: Response[] = await Promise.all(
      attempts.map((a) => ctx.api.post('/reservations').send({ sessionId: session.id, ...a })),
    );

    const accepted = answers.filter((r) => r.status === 201);
    const refused = answers.filter((r) => r.status !== 201);
    const unexpected = answers.filter((r) => r.status !== 201 && r.status !== 409).map((r) => `${r.status} ${r.text}`);
    expect(unexpected).toEqual([]);
    expect(accepted.length).toBeGreaterThan(0);

    // Each accepted hold is exactly what its user asked for.
    answers.forEach((r, i) => {
      if (r.status !== 201) return;
      expect(r.body.userId).toBe(attempts[i].userId);
      expect(r.body.seatNumbers).toEqual(attempts[i].seatNumbers);
      expect(r.body.status).toBe('PENDING');
      expect(r.body.amount).toBe(10 * attempts[i].seatNumbers.length);
    });

    // No seat in two accepted holds.
    const owner = new Map<string, string>();
    const doubles: string[] = [];
    for (const r of accepted) {
      for (const seat of r.body.seatNumbers as string[]) {
        if (owner.has(seat)) doubles.push(`${seat}: ${owner.get(seat)} and ${r.body.id}`);
        owner.set(seat, r.body.id);
      }
    }
    expect(doubles).toEqual([]);

    // Every refusal is a 409 problem naming seats it asked for, each of them held by an accepted reservation.
    answers.forEach((r, i) => {
      if (r.status === 201) return;
      const problem = expectProblem(r, 409);
      const unavailable = problem.unavailableSeats as string[];
      expect(unavailable.length).toBeGreaterThan(0);
      for (const seat of unavailable) {
        expect(attempts[i].seatNumbers).toContain(seat);
        expect(owner.has(seat)).toBe(true);
      }
    });
    expect(accepted.length + refused.length).toBe(300);

    // The seat map agrees exactly with the accepted holds.
    const doc = await availability(ctx.api, session.id);
    expect(seatsWith(doc, 'RESERVED').sort()).toEqual([...owner.keys()].sort());
    expect(seatsWith(doc, 'SOLD')).toEqual([]);
    expect(doc.availableSeats).toBe(100 - owner.size);
    expect(seatsWith(doc, 'AVAILABLE')).toHaveLength(100 - owner.size);

    // And the session resource agrees with it too.
    const listed = await ctx.api.get(`/sessions/${session.id}`);
    expect(listed.status).toBe(200);
    expect(listed.body.availableSeats).toBe(100 - owner.size);
  });

  it('lets exactly one of each pair of users asking for the same two seats in opposite orders win, without deadlock', async () => {
    const sessions = await Promise.all(Array.from({ length: 6 }, () => createSession(ctx.api, { numberOfSeats: 20 })));
    const seats = seatLabels(20, 10);
    const pairs = sessions.flatMap((s) =>
      Array.from({ length: 10 }, (_, p) => ({ sessionId: s.id, first: seats[2 * p], second: seats[2 * p + 1] })),
    );

    const outcomes = await Promise.all(
      pairs.map(async ({ sessionId, first, second }) => {
        const [a, b] = await Promise.all([
          ctx.api.post('/reservations').send({ sessionId, seatNumbers: [first, second], userId: uid('a') }),
          ctx.api.post('/reservations').send({ sessionId, seatNumbers: [second, first], userId: uid('b') }),
        ]);
        return { first, second, a, b };
      }),
    );

    for (const { first, second, a, b } of outcomes) {
      expect([a.status, b.status].sort()).toEqual([201, 409]);
      const loser = a.status === 409 ? a : b;
      const problem = expectProblem(loser, 409);
      const unavailable = problem.unavailableSeats as string[];
      expect(unavailable.length).toBeGreaterThan(0);
      expect([first, second]).toEqual(expect.arrayContaining(unavailable));
    }

    // Every seat of every pair is held, once.
    for (const s of sessions) {
      const doc = await availability(ctx.api, s.id);
      expect(seatsWith(doc, 'RESERVED').sort()).toEqual([...seats].sort());
      expect(doc.availableSeats).toBe(0);
    }
  });
  it('settles a payment racing a cancellation of the same hold one way only, across many holds at once', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 60 });
    const seats = seatLabels(60, 10);
    const holds = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const userId = uid();
        const res = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: [seats[2 * i], seats[2 * i + 1]], userId });
        expect(res.status).toBe(201);
        return { id: res.body.id as string, userId, seats: [seats[2 * i], seats[2 * i + 1]] };
      }),
    );

    const outcomes = await Promise.all(
      holds.map(async (h) => {
        const [pay, cancel] = await Promise.all([
          ctx.api.post('/reservations/confirm-payment').send({ reservationId: h.id, userId: h.userId }),
          ctx.api.post(`/reservations/${h.id}/cancel`).send({ userId: h.userId }),
        ]);
        return { h, pay, cancel };
      }),
    );

    const doc = await availability(ctx.api, session.id);
    for (const { h, pay, cancel } of outcomes) {
      const statuses = `${pay.status}/${cancel.status}`;
      expect(['200/409', '409/200']).toContain(statuses);
      const final = (await ctx.api.get(`/reservations/${h.id}`)).body.status;
      const sales = (await ctx.api.get(`/sales/user/${h.userId}`)).body.totalPurchases;
      if (pay.status === 200) {
        expectProblem(cancel, 409);
        expect(final).toBe('CONFIRMED');
        expect(sales).toBe(2);
        expect(h.seats.map((s) => doc.seats.find((x) => x.seatNumber === s)?.status)).toEqual(['SOLD', 'SOLD']);
      } else {
        expectProblem(pay, 409);
        expect(cancel.body.status).toBe('CANCELLED');
        expect(final).toBe('CANCELLED');
        expect(sales).toBe(0);
        expect(h.seats.map((s) => doc.seats.find((x) => x.seatNumber === s)?.status)).toEqual(['AVAILABLE', 'AVAILABLE']);
      }
    }
  });

  it('creates the sales once when the same user confirms one hold many times at once', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1', 'A2', 'A3'], userId });
    expect(held.status).toBe(201);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    const ids = (r: Response) => (r.body as Array<{ id: string }>).map((s) => s.id).sort();
    for (const r of answers) expect(ids(r)).toEqual(ids(answers[0]));

    const mine = await ctx.api.get(`/sales/user/${userId}`);
    expect(mine.body.totalPurchases).toBe(3);
    expect(mine.body.purchases.map((s: { id: string }) => s.id).sort()).toEqual(ids(answers[0]));
  });
});
