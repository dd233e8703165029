import request from 'supertest';
import { NotFoundError, SeatsUnavailableError, ServiceUnavailableError } from '../../../src/errors';
import { RESERVATION_ID, SESSION_ID, testApp } from './fakes';

const PROBLEM = /^application\/problem\+json/;

describe('the HTTP app', () => {
  describe('sessions', () => {
    const newSession = { movieName: 'Dune', startTime: '2030-01-01T20:00:00-03:00', roomNumber: '2', ticketPrice: 12.5, numberOfSeats: 16 };

    it('creates a session with 201, a Location header and the default of 10 seats per row', async () => {
      const { app, deps } = testApp();
      const res = await request(app).post('/sessions').send({ ...newSession, extra: 'ignored' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/sessions/${res.body.id}`);
      expect(deps.service.createSession).toHaveBeenCalledWith({ ...newSession, seatsPerRow: 10 });
    });

    it.each([
      ['a price with three decimals', { ticketPrice: 1.005 }, 'body.ticketPrice'],
      ['a negative price', { ticketPrice: -1 }, 'body.ticketPrice'],
      ['a start time without an offset', { startTime: '2030-01-01T20:00:00' }, 'body.startTime'],
      ['too many seats', { numberOfSeats: 2001 }, 'body.numberOfSeats'],
      ['a fractional seat count', { numberOfSeats: 1.5 }, 'body.numberOfSeats'],
      ['a seat count given as a string', { numberOfSeats: '16' }, 'body.numberOfSeats'],
      ['an empty movie name', { movieName: '' }, 'body.movieName'],
      ['more than 50 seats per row', { seatsPerRow: 51 }, 'body.seatsPerRow'],
    ])('refuses %s with 400 naming the field', async (_case, change, path) => {
      const { app, deps } = testApp();
      const res = await request(app).post('/sessions').send({ ...newSession, ...change });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(deps.service.createSession).not.toHaveBeenCalled();
    });

    it('sends the availability document exactly as the service serialized it', async () => {
      const { app } = testApp();
      const res = await request(app).get(`/sessions/${SESSION_ID}/availability`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.text).toBe(`{"sessionId":"${SESSION_ID}","version":3,"seats":[]}`);
      expect(res.headers.etag).toBe('"3"');
    });

    it('answers 304 without a body when If-None-Match names the current version', async () => {
      const { app } = testApp();
      const url = `/sessions/${SESSION_ID}/availability`;
      expect((await request(app).get(url).set('If-None-Match', '"3"')).status).toBe(304);
      expect((await request(app).get(url).set('If-None-Match', 'W/"2", W/"3"')).status).toBe(304);
      expect((await request(app).get(url).set('If-None-Match', '*')).status).toBe(304);
      // fetch() adds Cache-Control: no-cache to every conditional request; the origin still answers 304.
      expect((await request(app).get(url).set({ 'If-None-Match': '"3"', 'Cache-Control': 'no-cache' })).status).toBe(304);
      const stale = await request(app).get(url).set('If-None-Match', '"2"');
      expect(stale.status).toBe(200);
      expect(stale.text).toContain('"version":3');
    });

    it('refuses a session id that is not a uuid with 400', async () => {
      const res = await request(testApp().app).get('/sessions/42/availability');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'params.id' })]);
    });

    it('answers an unknown session with the service error as 404 problem+json', async () => {
      const { app, deps } = testApp();
      deps.service.getSession.mockRejectedValueOnce(new NotFoundError('Session not found'));
      const res = await request(app).get(`/sessions/${SESSION_ID}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: 404, detail: 'Session not found' });
    });
  });

  describe('reservations', () => {
    const body = { sessionId: SESSION_ID, seatNumbers: ['A1', 'A2'], userId: 'u1' };

    it('holds seats with 201', async () => {
      const { app, deps } = testApp();
      const res = await request(app).post('/reservations').send(body);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'PENDING', seatNumbers: ['A1', 'A2'] });
      expect(deps.service.reserve).toHaveBeenCalledWith(body);
    });

    it.each([
      ['a repeated seat', { seatNumbers: ['A1', 'A1'] }, 'body.seatNumbers.1'],
      ['a malformed seat label', { seatNumbers: ['a1'] }, 'body.seatNumbers.0'],
      ['a seat numbered 0', { seatNumbers: ['A0'] }, 'body.seatNumbers.0'],
      ['no seats', { seatNumbers: [] }, 'body.seatNumbers'],
      ['more seats than allowed', { seatNumbers: ['A1', 'A2', 'A3', 'A4', 'A5'] }, 'body.seatNumbers'],
      ['a session id that is not a uuid', { sessionId: 'abc' }, 'body.sessionId'],
      ['a missing user', { userId: undefined }, 'body.userId'],
    ])('refuses %s with 400', async (_case, change, path) => {
      const { app, deps } = testApp();
      const res = await request(app).post('/reservations').send({ ...body, ...change });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(deps.service.reserve).not.toHaveBeenCalled();
    });

    it('lists the taken seats of a 409', async () => {
      const { app, deps } = testApp();
      deps.service.reserve.mockRejectedValueOnce(new SeatsUnavailableError(['A2']));
      const res = await request(app).post('/reservations').send(body);
      expect(res.status).toBe(409);
      expect(res.body.unavailableSeats).toEqual(['A2']);
    });

    it('routes the literal reservation paths before /reservations/:id', async () => {
      const { app, deps } = testApp();
      expect((await request(app).get('/reservations/user/u1')).status).toBe(200);
      expect(deps.service.listUserReservations).toHaveBeenCalledWith('u1', { limit: 100, offset: 0 });
      const confirm = await request(app).post('/reservations/confirm-payment').send({ reservationId: RESERVATION_ID, userId: 'u1' });
      expect(confirm.status).toBe(200);
      expect(confirm.body).toHaveLength(1);
      expect((await request(app).get(`/reservations/${RESERVATION_ID}`)).status).toBe(200);
    });

    it('cancels with 200 for the reservation named in the path', async () => {
      const { app, deps } = testApp();
      const res = await request(app).post(`/reservations/${RESERVATION_ID}/cancel`).send({ userId: 'u1' });
      expect(res.status).toBe(200);
      expect(deps.service.cancelReservation).toHaveBeenCalledWith({ reservationId: RESERVATION_ID, userId: 'u1' });
    });
  });

  describe('sales', () => {
    it('pages sales with limit 100 and offset 0 by default', async () => {
      const { app, deps } = testApp();
      expect((await request(app).get('/sales')).status).toBe(200);
      expect(deps.service.listSales).toHaveBeenCalledWith({ limit: 100, offset: 0 });
    });

    it.each(['limit=0', 'limit=1001', 'limit=abc', 'offset=-1', 'limit=1.5'])('refuses the query %s with 400', async (query) => {
      expect((await request(testApp().app).get(`/sales?${query}`)).status).toBe(400);
    });

    it("answers a user's purchases", async () => {
      const res = await request(testApp().app).get('/sales/user/u1');
      expect(res.body).toMatchObject({ userId: 'u1', totalPurchases: 1 });
    });
  });

  describe('request bodies', () => {
    it('refuses malformed JSON with 400 problem+json', async () => {
      const res = await request(testApp().app).post('/reservations').set('Content-Type', 'application/json').send('{"a":');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('refuses a body that is not JSON with 415', async () => {
      const res = await request(testApp().app).post('/reservations').set('Content-Type', 'text/plain').send('hello');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('refuses a missing body with 400', async () => {
      expect((await request(testApp().app).post('/reservations')).status).toBe(400);
    });

    it('refuses a body over 100 kB with 413', async () => {
      const res = await request(testApp().app)
        .post('/sessions')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ movieName: 'x'.repeat(110_000) }));
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });
  });

  describe('errors', () => {
    it('answers an unknown route with a 404 problem', async () => {
      const res = await request(testApp().app).get('/nope');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('answers an unexpected failure with a generic 500 and logs it with the request id', async () => {
      const { app, deps } = testApp();
      const logged = jest.spyOn(deps.logger, 'error');
      deps.service.listSessions.mockRejectedValueOnce(new Error('db password is hunter2'));
      const res = await request(app).get('/sessions').set('X-Request-Id', 'req-1');
      expect(res.status).toBe(500);
      expect(res.text).not.toMatch(/hunter2|at /);
      expect(logged).toHaveBeenCalledWith('Unhandled error', expect.objectContaining({ requestId: 'req-1', error: 'db password is hunter2' }));
    });

    it('tells the client when to retry a 503', async () => {
      const { app, deps } = testApp();
      deps.service.listSessions.mockRejectedValueOnce(new ServiceUnavailableError('owner unreachable', undefined, 2));
      const res = await request(app).get('/sessions');
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
    });
  });

  describe('request context', () => {
    it('echoes a sane X-Request-Id and replaces an insane one', async () => {
      const app = testApp().app;
      expect((await request(app).get('/health/live').set('X-Request-Id', 'abc-123')).headers['x-request-id']).toBe('abc-123');
      const replaced = (await request(app).get('/health/live').set('X-Request-Id', 'a b')).headers['x-request-id'];
      expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('exposes the request id to the service through the request scope', async () => {
      const { app, deps } = testApp();
      let seen: string | undefined;
      deps.service.listSessions.mockImplementationOnce(async () => {
        seen = deps.scope.getStore()?.requestId;
        return [];
      });
      await request(app).get('/sessions').set('X-Request-Id', 'scoped-1');
      expect(seen).toBe('scoped-1');
    });

    it('labels request metrics with the route template, and unknown routes as unmatched', async () => {
      const { app, deps } = testApp();
      await request(app).get(`/sessions/${SESSION_ID}/availability`);
      await request(app).get('/no/such/thing');
      const text = await deps.metrics.registry.metrics();
      expect(text).toMatch(/http_requests_total\{method="GET",route="\/sessions\/:id\/availability",status="200"\} 1/);
      expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
      expect(text).not.toMatch(new RegExp(SESSION_ID));
    });
  });

  describe('rate limit', () => {
    it('refuses the request over the limit with 429, Retry-After and RateLimit headers', async () => {
      const { app } = testApp({ config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 2 } } });
      await request(app).get('/sessions');
      await request(app).get('/sessions');
      const res = await request(app).get('/sessions');
      expect(res.status).toBe(429);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(res.headers.ratelimit).toBeDefined();
      expect(res.headers['ratelimit-policy']).toBeDefined();
    });

    it('never limits health, metrics or the docs', async () => {
      const { app } = testApp({ config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 1 } } });
      for (const path of ['/health/live', '/health/live', '/metrics', '/metrics', '/api-docs.json', '/api-docs.json']) {
        expect((await request(app).get(path)).status).toBe(200);
      }
    });

    it('counts clients apart by their address behind a local proxy', async () => {
      const { app } = testApp({ config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 1 } } });
      expect((await request(app).get('/sessions').set('X-Forwarded-For', '203.0.113.1')).status).toBe(200);
      expect((await request(app).get('/sessions').set('X-Forwarded-For', '203.0.113.2')).status).toBe(200);
      expect((await request(app).get('/sessions').set('X-Forwarded-For', '203.0.113.1')).status).toBe(429);
    });
  });

  describe('operations', () => {
    it('is live', async () => {
      expect((await request(testApp().app).get('/health/live')).body).toEqual({ status: 'ok' });
    });

    it('is ready when every check passes', async () => {
      const { app } = testApp({ healthChecks: [{ name: 'database', check: async () => undefined }] });
      const res = await request(app).get('/health/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'ok',
        checks: { database: { status: 'up' } },
        auth: { mode: 'open', warning: expect.stringContaining('not authenticated') },
      });
    });

    it('is not ready, with the reason, when a check fails', async () => {
      const { app } = testApp({
        healthChecks: [
          { name: 'database', check: async () => undefined },
          { name: 'redis', check: async () => Promise.reject(new Error('ECONNREFUSED')) },
        ],
      });
      const res = await request(app).get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        status: 'down',
        checks: { database: { status: 'up' }, redis: { status: 'down', error: 'ECONNREFUSED' } },
        auth: { mode: 'open', warning: expect.any(String) },
      });
    });

    it('is not ready while shutting down', async () => {
      const { app } = testApp({ isAccepting: () => false });
      expect((await request(app).get('/health/ready')).status).toBe(503);
    });

    it('serves Prometheus metrics', async () => {
      const res = await request(testApp().app).get('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/http_request_duration_seconds/);
    });

    it('serves the OpenAPI document and the Swagger UI that loads it', async () => {
      const app = testApp().app;
      const json = await request(app).get('/api-docs.json');
      expect(json.status).toBe(200);
      expect(json.body.paths['/reservations'].post).toBeDefined();
      const ui = await request(app).get('/api-docs/');
      expect(ui.status).toBe(200);
      expect(ui.text).toMatch(/swagger-ui/);
      const init = await request(app).get('/api-docs/swagger-ui-init.js');
      expect(init.status).toBe(200);
      expect(init.text).toContain('/reservations/confirm-payment');
    });

    it('keeps the documents of two apps in one process apart', async () => {
      const three = testApp({ config: { maxSeatsPerReservation: 3, rateLimit: { windowMs: 60_000, max: 100 } } }).app;
      const five = testApp({ config: { maxSeatsPerReservation: 5, rateLimit: { windowMs: 60_000, max: 100 } } }).app;
      expect((await request(three).get('/api-docs/swagger-ui-init.js')).text).toContain('1 to 3 distinct seat labels');
      expect((await request(five).get('/api-docs/swagger-ui-init.js')).text).toContain('1 to 5 distinct seat labels');
    });
  });
});
