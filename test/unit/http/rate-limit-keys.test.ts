import request from 'supertest';
import { createJwtVerifier } from '../../../src/auth/jwt-verifier';
import { loadConfig } from '../../../src/config';
import { bearer, jwtEnv, sign, tokenIssuer } from '../../support/tokens';
import { testApp } from './fakes';

const limits = (trustProxy: readonly string[] | number, max = 2, writeMax = max) => ({
  config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max, writeMax }, trustProxy },
});

describe('whose budget a request spends', () => {
  describe('behind a trusted proxy (TRUST_PROXY names it)', () => {
    it('gives distinct clients, as the proxy reports them in X-Forwarded-For, distinct budgets', async () => {
      const { app } = testApp(limits(['127.0.0.1']));
      const from = (ip: string) => request(app).get('/sessions').set('X-Forwarded-For', ip);
      expect((await from('203.0.113.1')).status).toBe(200);
      expect((await from('203.0.113.1')).status).toBe(200);
      expect((await from('203.0.113.1')).status).toBe(429);
      expect((await from('203.0.113.2')).status).toBe(200);
    });

    it('takes the address the trusted proxy saw, not what the client wrote before it (hop count 1)', async () => {
      const { app } = testApp(limits(1));
      const via = (xff: string) => request(app).get('/sessions').set('X-Forwarded-For', xff);
      expect((await via('198.51.100.7, 203.0.113.9')).status).toBe(200);
      expect((await via('198.51.100.8, 203.0.113.9')).status).toBe(200);
      // Same real client (203.0.113.9) whatever it claims in front of it: its third request is refused.
      expect((await via('198.51.100.9, 203.0.113.9')).status).toBe(429);
    });
  });

  describe('from a peer that is not a trusted proxy', () => {
    it('ignores a spoofed X-Forwarded-For: every request counts against the peer itself', async () => {
      const { app } = testApp(limits(['10.9.9.9']));
      const spoofed = (ip: string) => request(app).get('/sessions').set('X-Forwarded-For', ip);
      expect((await spoofed('203.0.113.1')).status).toBe(200);
      expect((await spoofed('203.0.113.2')).status).toBe(200);
      const third = await spoofed('203.0.113.3');
      expect(third.status).toBe(429);
      expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  describe('with bearer tokens', () => {
    const issuer = tokenIssuer('ratelimit');
    const config = loadConfig(jwtEnv(issuer));
    const verifier = () => (config.auth.mode === 'jwt' ? createJwtVerifier(config.auth) : undefined);

    it("keys on the token's sub: two users behind one address get their own budgets, one user on two addresses shares one", async () => {
      const { app } = testApp({ ...limits(['127.0.0.1']), verifier: verifier() });
      const [alice, bob] = await Promise.all([sign(issuer, { sub: 'alice' }), sign(issuer, { sub: 'bob' })]);
      const get = (token: string, ip: string) => request(app).get('/sessions').set(bearer(token)).set('X-Forwarded-For', ip);
      expect((await get(alice, '203.0.113.1')).status).toBe(200);
      expect((await get(alice, '198.51.100.1')).status).toBe(200);
      expect((await get(bob, '203.0.113.1')).status).toBe(200);
      expect((await get(alice, '198.51.100.2')).status).toBe(429);
      expect((await get(bob, '203.0.113.1')).status).toBe(200);
    });

    it('counts refused tokens against the client address, so a flood of bad tokens is limited too', async () => {
      const { app } = testApp({ ...limits(['127.0.0.1']), verifier: verifier() });
      const bad = () => request(app).get('/sessions').set('Authorization', 'Bearer nope').set('X-Forwarded-For', '203.0.113.5');
      expect((await bad()).status).toBe(401);
      expect((await bad()).status).toBe(401);
      expect((await bad()).status).toBe(429);
    });
  });

  it('keeps separate budgets for reads and writes, each announced in RateLimit-Policy', async () => {
    const { app } = testApp(limits(['loopback'], 2, 1));
    const read = () => request(app).get('/sessions');
    const write = () => request(app).post('/sessions').send({});
    const first = await read();
    expect(first.headers['ratelimit-policy']).toBe('"reads";q=2;w=60');
    expect(first.headers.ratelimit).toBe('"reads";r=1;t=60');
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(429);
    const w = await write();
    expect(w.status).toBe(400); // through the limiter, refused only for its empty body
    expect(w.headers['ratelimit-policy']).toBe('"writes";q=1;w=60');
    expect((await write()).status).toBe(429);
  });
});
