import request from 'supertest';
import { createJwtVerifier } from '../../../src/auth/jwt-verifier';
import { loadConfig } from '../../../src/config';
import { metricsApp } from '../../../src/http/metrics-app';
import { bearer, jwtEnv, sign, tokenIssuer } from '../../support/tokens';
import { testApp } from './fakes';

const issuer = tokenIssuer('routes');
const config = loadConfig(jwtEnv(issuer));
const SESSION_ID = '3f6c1e9a-8a5e-4d8b-9d0b-2a1f4b7c9e10';

function jwtApp() {
  if (config.auth.mode !== 'jwt') throw new Error('expected jwt mode');
  return testApp({ verifier: createJwtVerifier(config.auth) });
}

describe('routes with bearer tokens', () => {
  it("holds seats for the token's sub when the body names no user", async () => {
    const { app, deps } = jwtApp();
    const res = await request(app).post('/reservations').set(bearer(await sign(issuer, { sub: 'alice' }))).send({ sessionId: SESSION_ID, seatNumbers: ['A1'] });
    expect(res.status).toBe(201);
    expect(deps.service.reserve).toHaveBeenCalledWith({ sessionId: SESSION_ID, seatNumbers: ['A1'], userId: 'alice' });
  });

  it("keeps each user's Idempotency-Keys apart: the same key and body from another user is a request of its own", async () => {
    const { app, deps } = jwtApp();
    const [alice, bob] = await Promise.all([sign(issuer, { sub: 'alice' }), sign(issuer, { sub: 'bob' })]);
    const body = { sessionId: SESSION_ID, seatNumbers: ['A1'] };
    const post = (token: string) => request(app).post('/reservations').set(bearer(token)).set('Idempotency-Key', 'same-key').send(body);
    expect((await post(alice)).status).toBe(201);
    const bobs = await post(bob);
    expect(bobs.status).toBe(201);
    expect(bobs.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(alice);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(deps.service.reserve.mock.calls.map(([input]) => input.userId)).toEqual(['alice', 'bob']);
  });

  it('lets an admin cancel any reservation without naming its user (the box office), and a buyer only as itself', async () => {
    const { app, deps } = jwtApp();
    const id = '5a6c1e9a-8a5e-4d8b-9d0b-2a1f4b7c9e10';
    const admin = await sign(issuer, { sub: 'clerk', admin: true });
    expect((await request(app).post(`/reservations/${id}/cancel`).set(bearer(admin))).status).toBe(200);
    expect(deps.service.cancelReservation).toHaveBeenLastCalledWith({ reservationId: id });
    const alice = await sign(issuer, { sub: 'alice' });
    expect((await request(app).post(`/reservations/${id}/cancel`).set(bearer(alice))).status).toBe(200);
    expect(deps.service.cancelReservation).toHaveBeenLastCalledWith({ reservationId: id, userId: 'alice' });
    expect((await request(app).post(`/reservations/${id}/cancel`).set(bearer(alice)).send({ userId: 'bob' })).status).toBe(403);
    expect(deps.service.cancelReservation).toHaveBeenCalledTimes(2);
  });

  it('answers 401 with a Bearer challenge for a non-Bearer Authorization header, without calling the service', async () => {
    const { app, deps } = jwtApp();
    const res = await request(app).get('/sessions').set('Authorization', 'Basic YWxpY2U6c2VjcmV0');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="cinema", error="invalid_token"/);
    expect(deps.service.listSessions).not.toHaveBeenCalled();
  });

  it('says in /health/ready that tokens are required, with no open-mode warning', async () => {
    const res = await request(jwtApp().app).get('/health/ready');
    expect(res.body.auth).toEqual({ mode: 'jwt' });
  });
});

describe('/metrics', () => {
  it('is for admins only on the API port in jwt mode', async () => {
    const { app } = jwtApp();
    expect((await request(app).get('/metrics')).status).toBe(401);
    expect((await request(app).get('/metrics').set(bearer(await sign(issuer, { sub: 'alice' })))).status).toBe(403);
    const admin = await request(app).get('/metrics').set(bearer(await sign(issuer, { sub: 'ops', admin: true })));
    expect(admin.status).toBe(200);
    expect(admin.text).toMatch(/http_request_duration_seconds/);
  });

  it('with METRICS_PORT, is served there without a token and not on the API port', async () => {
    const { app, deps } = testApp({ config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 100 }, metricsOnApiPort: false } });
    expect((await request(app).get('/metrics')).status).toBe(404);
    const scrape = await request(metricsApp(deps.metrics)).get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/http_request_duration_seconds/);
    expect((await request(metricsApp(deps.metrics)).get('/sessions')).status).toBe(404);
  });
});
