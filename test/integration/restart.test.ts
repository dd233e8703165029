import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Instance } from '../../src/main';
import { createTestStore, eventually, startInstance, storages, type TestStore } from '../support/test-instance';
import type { Response } from 'supertest';
import { availability, createSession, expectProblem, seatStatus, uid, until, type Agent } from './helpers';

/** Reads one unlabelled counter from /metrics (0 when absent). */
async function counter(instance: Instance, name: string): Promise<number> {
  const text = (await request(instance.app).get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(/\s+/)[1]) : 0;
}

describe.each(storages())('a restart on the same store on %s', (storage) => {
  let store: TestStore;
  let first: Instance | undefined;
  let second: Instance | undefined;
  let api: Agent;

  // What the first instance did before it was closed.
  let session: { id: string };
  let sessionBefore: Record<string, unknown>;
  const buyer = uid('buyer');
  const holder = uid('holder');
  const quitter = uid('quitter');
  const keyed = uid('keyed');
  const key = `key-${randomUUID()}`;
  let bought: Response;
  let sale: Response;
  let pending: Response;
  let cancelled: Response;
  let keyedBody: object;
  let keyedFirst: Response;

  beforeAll(async () => {
    store = await createTestStore(storage);

    // Before: one instance makes a sale, a pending hold, a cancelled hold and a keyed request, then stops.
    first = await startInstance(store, { RESERVATION_TTL_SECONDS: '60' });
    const before = request(first.app);
    session = await createSession(before, { ticketPrice: 9.99, movieName: 'Before the restart' });
    bought = await before.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: buyer });
    sale = await before.post('/reservations/confirm-payment').send({ reservationId: bought.body.id, userId: buyer });
    pending = await before.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2', 'A3'], userId: holder });
    cancelled = await before.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A4'], userId: quitter });
    const cancel = await before.post(`/reservations/${cancelled.body.id}/cancel`).send({ userId: quitter });
    keyedBody = { sessionId: session.id, seatNumbers: ['B1'], userId: keyed };
    keyedFirst = await before.post('/reservations').set('Idempotency-Key', key).send(keyedBody);
    sessionBefore = (await before.get(`/sessions/${session.id}`)).body;
    const statuses = [bought.status, sale.status, pending.status, cancelled.status, cancel.status, keyedFirst.status];
    if (statuses.join() !== '201,200,201,201,200,201') throw new Error(`set-up failed: ${statuses.join()}`);
    await first.close();
    first = undefined;

    // After: a new instance on the same store.
    second = await startInstance(store, { RESERVATION_TTL_SECONDS: '60' });
    api = request(second.app);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await store?.cleanup();
  });

  it('still serves the session as it was', async () => {
    const res = await api.get(`/sessions/${session.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(sessionBefore);
    expect((await api.get('/sessions')).body.map((s: { id: string }) => s.id)).toContain(session.id);
  });

  it('still lists the sale among the buyer purchases', async () => {
    const res = await api.get(`/sales/user/${buyer}`);
    expect(res.body).toEqual({ userId: buyer, totalPurchases: 1, totalAmount: 9.99, purchases: sale.body });
  });

  it('still shows the sold seat SOLD, the held seats RESERVED and the cancelled seat AVAILABLE', async () => {
    const doc = await availability(api, session.id);
    expect(seatStatus(doc, 'A1')).toBe('SOLD');
    expect(seatStatus(doc, 'A2')).toBe('RESERVED');
    expect(seatStatus(doc, 'A3')).toBe('RESERVED');
    expect(seatStatus(doc, 'A4')).toBe('AVAILABLE');
    expect(seatStatus(doc, 'B1')).toBe('RESERVED');
    expect(doc.availableSeats).toBe(16 - 4);
  });

  it('still reads the pending hold as PENDING, unchanged, and protects its seats from others', async () => {
    const res = await api.get(`/reservations/${pending.body.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(pending.body);
    const clash = await api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A3'], userId: uid() });
    expect(expectProblem(clash, 409).unavailableSeats).toEqual(['A3']);
  });

  it('replays the idempotency key recorded by the previous instance', async () => {
    const replay = await api.post('/reservations').set('Idempotency-Key', key).send(keyedBody);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(keyedFirst.body);
    expect((await api.get(`/reservations/user/${keyed}`)).body).toHaveLength(1);
  });

  it('answers for reservations that ended before the restart as before', async () => {
    const again = await api.post('/reservations/confirm-payment').send({ reservationId: bought.body.id, userId: buyer });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(sale.body);
    const recancel = await api.post(`/reservations/${cancelled.body.id}/cancel`).send({ userId: quitter });
    expect(recancel.status).toBe(200);
    expect(recancel.body.status).toBe('CANCELLED');
    expectProblem(await api.post('/reservations/confirm-payment').send({ reservationId: cancelled.body.id, userId: quitter }), 409);
    expectProblem(await api.post(`/reservations/${bought.body.id}/cancel`).send({ userId: buyer }), 409);
    expectProblem(await api.post('/reservations/confirm-payment').send({ reservationId: bought.body.id, userId: uid() }), 403);
    expect((await api.get(`/sales/user/${buyer}`)).body.totalPurchases).toBe(1);
  });

  it('still lets the holder pay for the pending hold', async () => {
    const paid = await api.post('/reservations/confirm-payment').send({ reservationId: pending.body.id, userId: holder });
    expect(paid.status).toBe(200);
    expect(paid.body.map((s: { seatNumber: string }) => s.seatNumber).sort()).toEqual(['A2', 'A3']);
    const doc = await availability(api, session.id);
    expect(seatStatus(doc, 'A2')).toBe('SOLD');
    expect(seatStatus(doc, 'A3')).toBe('SOLD');
    expect((await api.get(`/sales/user/${holder}`)).body).toEqual(
      expect.objectContaining({ totalPurchases: 2, totalAmount: 19.98 }),
    );
  });
});

describe.each(storages())('a restart before a hold is due on %s (RESERVATION_TTL_SECONDS=2)', (storage) => {
  let store: TestStore;
  let first: Instance | undefined;
  let second: Instance | undefined;

  beforeAll(async () => {
    store = await createTestStore(storage);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await store?.cleanup();
  });

  it('lets the new instance expire the hold once it is due, without anyone touching the session', async () => {
    first = await startInstance(store, { RESERVATION_TTL_SECONDS: '2' });
    let api = request(first.app);
    const session = await createSession(api, { numberOfSeats: 4 });
    const userId = uid();
    const held = await api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1', 'A2'], userId });
    expect(held.status).toBe(201);
    await first.close();
    first = undefined;

    second = await startInstance(store, { RESERVATION_TTL_SECONDS: '2' });
    api = request(second.app);
    // Only /metrics is read while waiting: the expiry is the new instance's own doing.
    await eventually(async () => (await counter(second as Instance, 'reservation_expiries_total')) >= 1);

    // The expiry is counted when decided; the seat map shows it once committed.
    const doc = await until(async () => {
      const d = await availability(api, session.id);
      return seatStatus(d, 'A1') === 'AVAILABLE' ? d : undefined;
    });
    expect(seatStatus(doc, 'A2')).toBe('AVAILABLE');
    expect(doc.availableSeats).toBe(4);
    expect((await api.get(`/reservations/${held.body.id}`)).body.status).toBe('EXPIRED');
    expectProblem(await api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId }), 410);
    expect((await api.get(`/sales/user/${userId}`)).body.totalPurchases).toBe(0);

    const taken = await api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: uid() });
    expect(taken.status).toBe(201);

    await second.close();
    second = undefined;
  });
});
