import request from 'supertest';
import { createTestStore, startInstance, storages, type TestStore } from '../support/test-instance';
import { availability, createSession, expectProblem, expectValidationProblem, seatStatus, uid, until, useInstance, type Agent } from './helpers';
import type { Instance } from '../../src/main';

/** 3 rows of 10 at 10.00: rows A and B STANDARD, C PREMIUM at 15.50; A1-A2 off sale; A10 a wheelchair space. */
const layout = {
  categories: [
    { name: 'STANDARD', price: 10, rows: ['A', 'B'] },
    { name: 'PREMIUM', price: 15.5, rows: ['C'] },
  ],
  blocked: ['A1-A2'],
  wheelchair: ['A10'],
};
const room = { numberOfSeats: 30, seatsPerRow: 10, ticketPrice: 10 };

async function outbox(instance: Instance, sessionId: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return instance.dataSource.query(`SELECT type, payload FROM outbox WHERE session_id = $1 ORDER BY id`, [sessionId]);
}

describe.each(storages())('the box office on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '10', RESERVATION_EXTENSION_SECONDS: '60', MAX_EXTENSIONS: '1' });
  const reserve = (body: object) => ctx.api.post('/reservations').send(body);

  it('sells a screening with premium rows and a wheelchair space at exact prices per seat', async () => {
    const created = await ctx.api.post('/sessions').send({ movieName: 'Box office', startTime: '2031-05-01T20:00:00Z', roomNumber: '2', ...room, layout });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ availableSeats: 28, status: 'ON_SALE', categories: [{ name: 'STANDARD', price: 10 }, { name: 'PREMIUM', price: 15.5 }] });
    const doc = await availability(ctx.api, created.body.id);
    expect(doc.seats.find((s) => s.seatNumber === 'C1')).toMatchObject({ category: 'PREMIUM', price: 15.5, status: 'AVAILABLE', wheelchair: false });
    expect(doc.seats.find((s) => s.seatNumber === 'A1')).toMatchObject({ status: 'BLOCKED', isAvailable: false });
    expect(doc.seats.find((s) => s.seatNumber === 'A10')).toMatchObject({ wheelchair: true, status: 'AVAILABLE' });

    const buyer = uid('buyer');
    const held = await reserve({ sessionId: created.body.id, seatNumbers: ['B1', 'C1', 'A10'], userId: buyer });
    expect(held.status).toBe(201);
    expect(held.body.amount).toBe(35.5);
    const paid = await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId: buyer });
    expect(paid.status).toBe(200);
    expect(paid.body.map((s: { seatNumber: string; amount: number }) => [s.seatNumber, s.amount])).toEqual([['B1', 10], ['C1', 15.5], ['A10', 10]]);
    expect((await ctx.api.get(`/sales/user/${buyer}`)).body).toMatchObject({ totalPurchases: 3, totalAmount: 35.5 });

    const blocked = expectProblem(await reserve({ sessionId: created.body.id, seatNumbers: ['A2', 'A3'], userId: uid() }), 409);
    expect(blocked).toMatchObject({ type: '/problems/seats-not-for-sale', unavailableSeats: ['A2'] });
    const announced = (await outbox(ctx.instance, created.body.id)).find((e) => e.type === 'session.created');
    expect(announced?.payload.layout).toEqual(layout);
  });

  it('refuses overlapping or incomplete layouts with 400 naming the problem', async () => {
    const body = { movieName: 'Bad layout', startTime: '2031-05-01T20:00:00Z', roomNumber: '2', ...room };
    const overlap = { categories: [...layout.categories, { name: 'VIP', price: 30, seats: ['C4-C5'] }] };
    const errors = expectValidationProblem(await ctx.api.post('/sessions').send({ ...body, layout: overlap }));
    expect(errors).toContainEqual({ path: 'body.layout.categories.2', message: 'seat C4 is in both PREMIUM and VIP (overlapping categories)' });
    const incomplete = { categories: [layout.categories[0]] };
    const missing = expectValidationProblem(await ctx.api.post('/sessions').send({ ...body, layout: incomplete }));
    expect(missing).toEqual([{ path: 'body.layout.categories', message: expect.stringMatching(/^incomplete layout: no category for C1, C2/) }]);
  });

  it('holds the best available block, by category, and says when no block of that size is free', async () => {
    const session = await createSession(ctx.api, { ...room, layout } as object);
    const two = await reserve({ sessionId: session.id, quantity: 2, userId: uid() });
    expect(two.status).toBe(201);
    expect(two.body).toMatchObject({ seatNumbers: ['B5', 'B6'], amount: 20, status: 'PENDING' });
    const premium = await reserve({ sessionId: session.id, quantity: 4, category: 'PREMIUM', userId: uid() });
    expect(premium.body).toMatchObject({ seatNumbers: ['C4', 'C5', 'C6', 'C7'], amount: 62 });

    const small = await createSession(ctx.api, { numberOfSeats: 4, seatsPerRow: 4 });
    await reserve({ sessionId: small.id, seatNumbers: ['A2', 'A4'], userId: uid() });
    const none = expectProblem(await reserve({ sessionId: small.id, quantity: 2, userId: uid() }), 409);
    expect(none).toMatchObject({ type: '/problems/no-adjacent-seats', largestBlock: 1 });

    expectValidationProblem(await reserve({ sessionId: small.id, quantity: 2, seatNumbers: ['A1'], userId: uid() }));
    expectValidationProblem(await reserve({ sessionId: small.id, userId: uid() }));
    expectValidationProblem(await reserve({ sessionId: session.id, quantity: 2, category: 'BALCONY', userId: uid() }));
  });

  it('refuses a manual hold that strands a single seat where the session says so', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 10, layout: { singleSeatRule: 'ALL_HOLDS' } } as object);
    const res = expectProblem(await reserve({ sessionId: session.id, seatNumbers: ['A2', 'A3'], userId: uid() }), 409);
    expect(res).toMatchObject({ type: '/problems/single-seat-stranded', strandedSeat: 'A1' });
    expect((await reserve({ sessionId: session.id, seatNumbers: ['A1', 'A2'], userId: uid() })).status).toBe(201);
  });

  it('extends a hold once: 200 with the later expiry, then 409 past the limit, 403 for others, 410 once expired', async () => {
    const session = await createSession(ctx.api);
    const holder = uid('holder');
    const held = await reserve({ sessionId: session.id, seatNumbers: ['A1'], userId: holder });
    const once = await ctx.api.post(`/reservations/${held.body.id}/extend`).send({ userId: holder });
    expect(once.status).toBe(200);
    expect(Date.parse(once.body.expiresAt) - Date.parse(held.body.expiresAt)).toBe(60_000);
    expect((await ctx.api.get(`/reservations/${held.body.id}`)).body.expiresAt).toBe(once.body.expiresAt);
    const twice = expectProblem(await ctx.api.post(`/reservations/${held.body.id}/extend`).send({ userId: holder }), 409);
    expect(twice).toMatchObject({ type: '/problems/extension-limit-reached', maxExtensions: 1 });
    expectProblem(await ctx.api.post(`/reservations/${held.body.id}/extend`).send({ userId: uid() }), 403);
    const events = await outbox(ctx.instance, session.id);
    expect(events.find((e) => e.type === 'reservation.extended')?.payload).toEqual({
      type: 'reservation.extended', sessionId: session.id, reservationId: held.body.id, userId: holder,
      expiresAt: once.body.expiresAt, extensions: 1, at: expect.any(String), version: 2,
    });

    const late = await reserve({ sessionId: session.id, seatNumbers: ['A2'], userId: holder });
    await until(async () => ((await ctx.api.get(`/reservations/${late.body.id}`)).body.status === 'EXPIRED' ? true : undefined));
    expectProblem(await ctx.api.post(`/reservations/${late.body.id}/extend`).send({ userId: holder }), 410);
  });

  it('cancels a screening: holds released, each sold seat refunded with an event, no new holds, idempotent', async () => {
    const session = await createSession(ctx.api, { ...room, layout } as object);
    const buyer = uid('buyer');
    const holder = uid('holder');
    const bought = await reserve({ sessionId: session.id, seatNumbers: ['C1', 'B1'], userId: buyer });
    await ctx.api.post('/reservations/confirm-payment').send({ reservationId: bought.body.id, userId: buyer });
    const pending = await reserve({ sessionId: session.id, seatNumbers: ['B5'], userId: holder });

    const cancel = await ctx.api.post(`/sessions/${session.id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id: session.id, status: 'CANCELLED', isActive: false, availableSeats: 0, cancelledAt: expect.any(String) });
    const again = await ctx.api.post(`/sessions/${session.id}/cancel`);
    expect(again.body).toEqual(cancel.body);

    expect((await ctx.api.get(`/reservations/${pending.body.id}`)).body.status).toBe('CANCELLED');
    expect((await ctx.api.get(`/reservations/${bought.body.id}`)).body.status).toBe('REFUNDED');
    const sales = (await ctx.api.get(`/sales/user/${buyer}`)).body.purchases as { refundedAt?: string }[];
    expect(sales.map((s) => s.refundedAt)).toEqual([cancel.body.cancelledAt, cancel.body.cancelledAt]);
    const doc = await availability(ctx.api, session.id);
    expect({ status: (doc as unknown as { status: string }).status, available: doc.availableSeats, c1: seatStatus(doc, 'C1') }).toEqual({ status: 'CANCELLED', available: 0, c1: 'CANCELLED' });
    expect(expectProblem(await reserve({ sessionId: session.id, quantity: 2, userId: uid() }), 409).type).toBe('/problems/session-cancelled');
    expectProblem(await ctx.api.post('/reservations/confirm-payment').send({ reservationId: pending.body.id, userId: holder }), 409);

    const events = (await outbox(ctx.instance, session.id)).filter((e) => ['session.cancelled', 'reservation.cancelled', 'sale.refunded'].includes(e.type));
    // One event per reservation in the order they were made: the paid one first, then the pending one.
    expect(events.map((e) => e.type)).toEqual(['session.cancelled', 'sale.refunded', 'sale.refunded', 'reservation.cancelled']);
    expect(events.filter((e) => e.type === 'sale.refunded').map((e) => [e.payload.seatNumber, e.payload.amount, e.payload.userId])).toEqual([
      ['C1', 15.5, buyer],
      ['B1', 10, buyer],
    ]);
    // Every seat event of the session carries the next version, the box office's included: the read side sees no gap.
    const versions = (await outbox(ctx.instance, session.id)).filter((e) => e.type !== 'session.created').map((e) => e.payload.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
    expect((doc as unknown as { version: number }).version).toBe(versions.length);
    expectProblem(await ctx.api.post('/sessions/00000000-0000-4000-8000-000000000000/cancel'), 404);
  });
});

describe.each(storages())('the box office across restarts on %s', (storage) => {
  let store: TestStore;
  const started: Instance[] = [];
  const start = async () => {
    const instance = await startInstance(store, { RESERVATION_TTL_SECONDS: '120' });
    started.push(instance);
    return { instance, api: request(instance.app) as Agent };
  };
  beforeAll(async () => {
    store = await createTestStore(storage);
  });
  afterAll(async () => {
    for (const i of started) await i.close().catch(() => undefined);
    await store.cleanup();
  });

  it('keeps the layout, the extended expiry and its count, and the cancellation', async () => {
    const first = await start();
    const session = await createSession(first.api, { ...room, layout } as object);
    const holder = uid('holder');
    const held = await first.api.post('/reservations').send({ sessionId: session.id, quantity: 2, userId: holder });
    const extended = await first.api.post(`/reservations/${held.body.id}/extend`).send({ userId: holder });
    expect(extended.status).toBe(200);
    await first.instance.close();

    const second = await start();
    const doc = await availability(second.api, session.id);
    expect(doc.availableSeats).toBe(26);
    expect(doc.seats.find((s) => s.seatNumber === 'C3')).toMatchObject({ category: 'PREMIUM', price: 15.5 });
    expect(seatStatus(doc, 'A1')).toBe('BLOCKED');
    expect(seatStatus(doc, held.body.seatNumbers[0])).toBe('RESERVED');
    expect((await second.api.get(`/reservations/${held.body.id}`)).body.expiresAt).toBe(extended.body.expiresAt);
    expectProblem(await second.api.post(`/reservations/${held.body.id}/extend`).send({ userId: holder }), 409);
    expect((await second.api.post(`/sessions/${session.id}/cancel`)).status).toBe(200);
    await second.instance.close();

    const third = await start();
    expect((await third.api.get(`/sessions/${session.id}`)).body).toMatchObject({ status: 'CANCELLED', availableSeats: 0 });
    expectProblem(await third.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['B1'], userId: uid() }), 409);
  }, 240_000); // three instance start-ups on one store: slow on a busy 2-core machine
});
