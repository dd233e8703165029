import request from 'supertest';
import { SeatsUnavailableError, ServiceUnavailableError } from '../../../src/errors';
import { canonicalJson } from '../../../src/http/canonical-json';
import { MemoryIdempotencyStore, RESERVATION_ID, SESSION_ID, reservation, testApp } from './fakes';

const body = { sessionId: SESSION_ID, seatNumbers: ['A1', 'A2'], userId: 'u1' };

describe('Idempotency-Key on POST /reservations and POST /reservations/confirm-payment', () => {
  it('runs every request when no key is given', async () => {
    const { app, deps } = testApp();
    await request(app).post('/reservations').send(body);
    await request(app).post('/reservations').send(body);
    expect(deps.service.reserve).toHaveBeenCalledTimes(2);
  });

  it('replays the first answer to a repeat with the same key and body, without running it again', async () => {
    const { app, deps } = testApp();
    const first = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    const again = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    expect(deps.service.reserve).toHaveBeenCalledTimes(1);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('treats bodies that differ only in key order or unknown fields as the same request', async () => {
    const { app, deps } = testApp();
    await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    const again = await request(app)
      .post('/reservations')
      .set('Idempotency-Key', 'k1')
      .send({ userId: 'u1', seatNumbers: ['A1', 'A2'], sessionId: SESSION_ID, note: 'x' });
    expect(again.status).toBe(201);
    expect(deps.service.reserve).toHaveBeenCalledTimes(1);
  });

  it('refuses the same key with another body with 422', async () => {
    const { app } = testApp();
    await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    const res = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send({ ...body, seatNumbers: ['B1'] });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('refuses a repeat while the first request still runs with 409', async () => {
    const { app, deps } = testApp();
    let finish: () => void = () => undefined;
    deps.service.reserve.mockImplementationOnce(() => new Promise((resolve) => (finish = () => resolve(reservation))));
    const first = request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body).then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    expect(again.status).toBe(409);
    expect(again.headers['retry-after']).toBe('1');
    finish();
    expect((await first).status).toBe(201);
  });

  it('replays a refusal that a retry cannot change, such as taken seats', async () => {
    const { app, deps } = testApp();
    deps.service.reserve.mockRejectedValueOnce(new SeatsUnavailableError(['A2']));
    const first = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    const again = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(deps.service.reserve).toHaveBeenCalledTimes(1);
  });

  it('releases the key after a retriable failure so the retry runs again', async () => {
    const { app, deps } = testApp();
    deps.service.reserve.mockRejectedValueOnce(new ServiceUnavailableError('owner unreachable'));
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(503);
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(201);
    expect(deps.service.reserve).toHaveBeenCalledTimes(2);
  });

  it('releases the key after an unexpected failure', async () => {
    const { app, deps } = testApp();
    deps.service.reserve.mockRejectedValueOnce(new Error('bug'));
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(500);
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(201);
  });

  it('does not use up a key on an invalid body', async () => {
    const store = new MemoryIdempotencyStore();
    const { app } = testApp({ idempotency: store });
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send({ ...body, seatNumbers: [] })).status).toBe(400);
    expect(store.records.size).toBe(0);
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(201);
  });

  it.each([
    ['empty', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['containing a space', 'my key'],
    ['not ASCII', 'clé'],
  ])('refuses a key that is %s with 400', async (_case, key) => {
    const { app, deps } = testApp();
    const res = await request(app).post('/reservations').set('Idempotency-Key', key).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'headers.Idempotency-Key' })]);
    expect(deps.service.reserve).not.toHaveBeenCalled();
  });

  it('keeps the keys of the two operations apart', async () => {
    const { app, deps } = testApp();
    await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    const confirm = await request(app)
      .post('/reservations/confirm-payment')
      .set('Idempotency-Key', 'k1')
      .send({ reservationId: RESERVATION_ID, userId: 'u1' });
    expect(confirm.status).toBe(200);
    expect(deps.service.confirmPayment).toHaveBeenCalledTimes(1);
  });

  it('still answers when the answer cannot be recorded, and logs why', async () => {
    const store = new MemoryIdempotencyStore();
    jest.spyOn(store, 'complete').mockRejectedValueOnce(new Error('database down'));
    const { app, deps } = testApp({ idempotency: store });
    const logged = jest.spyOn(deps.logger, 'error');
    const res = await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body);
    expect(res.status).toBe(201);
    expect(logged).toHaveBeenCalledWith('Could not record the idempotent answer', expect.objectContaining({ error: 'database down' }));
  });

  it('answers 503 without running the request when the key store is unavailable', async () => {
    const store = new MemoryIdempotencyStore();
    jest.spyOn(store, 'begin').mockRejectedValueOnce(new ServiceUnavailableError('database down'));
    const { app, deps } = testApp({ idempotency: store });
    expect((await request(app).post('/reservations').set('Idempotency-Key', 'k1').send(body)).status).toBe(503);
    expect(deps.service.reserve).not.toHaveBeenCalled();
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every depth but keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
