import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { storages } from '../support/test-instance';
import { availability, expectProblem, expectValidationProblem, sessionBody, uid, useInstance, type Agent } from './helpers';

interface Fixture {
  sessionId: string;
  reservationId: string;
  userId: string;
}

interface BadCase {
  /** Completes "answers ... to <what>". */
  readonly what: string;
  readonly send: (api: Agent, f: Fixture) => Test;
  /** The expected status, or the allowed ones. */
  readonly status: number | readonly number[];
  /** For 400s on a field: a fragment of one of the `errors[].path` values. */
  readonly path?: string;
}

const json = (api: Agent, path: string, raw: string) => api.post(path).set('Content-Type', 'application/json').send(raw);
const newSession = (api: Agent, overrides: object) => api.post('/sessions').send({ ...sessionBody(), ...overrides });
const reserve = (api: Agent, f: Fixture, overrides: object) =>
  api.post('/reservations').send({ sessionId: f.sessionId, seatNumbers: ['A1'], userId: uid('bad'), ...overrides });

const CASES: BadCase[] = [
  // Malformed or non-JSON bodies.
  { what: 'malformed JSON on POST /sessions', send: (api) => json(api, '/sessions', '{"movieName": "x",'), status: 400 },
  { what: 'malformed JSON on POST /reservations', send: (api) => json(api, '/reservations', '{sessionId: 1}'), status: 400 },
  { what: 'a JSON array instead of an object', send: (api) => json(api, '/sessions', '[1,2,3]'), status: 400 },
  { what: 'a JSON null body', send: (api) => json(api, '/reservations', 'null'), status: 400 },
  { what: 'an empty body declared as JSON', send: (api) => api.post('/reservations').set('Content-Type', 'application/json'), status: 400 },
  {
    what: 'a text/plain body on POST /reservations',
    send: (api, f) => api.post('/reservations').set('Content-Type', 'text/plain').send(JSON.stringify({ sessionId: f.sessionId, seatNumbers: ['A1'], userId: 'u' })),
    status: [400, 415],
  },
  {
    what: 'a form-encoded body on POST /sessions',
    send: (api) => api.post('/sessions').type('form').send({ movieName: 'x', numberOfSeats: '1' }),
    status: [400, 415],
  },
  {
    what: 'a body over 100 kB',
    send: (api, f) => api.post('/reservations').send({ sessionId: f.sessionId, seatNumbers: ['A1'], userId: 'x'.repeat(110_000) }),
    status: 413,
  },

  // POST /sessions: wrong types and ranges.
  { what: 'ticketPrice "abc"', send: (api) => newSession(api, { ticketPrice: 'abc' }), status: 400, path: 'ticketPrice' },
  { what: 'ticketPrice given as the string "25"', send: (api) => newSession(api, { ticketPrice: '25' }), status: 400, path: 'ticketPrice' },
  { what: 'ticketPrice -1', send: (api) => newSession(api, { ticketPrice: -1 }), status: 400, path: 'ticketPrice' },
  { what: 'ticketPrice 1.234 (three decimals)', send: (api) => newSession(api, { ticketPrice: 1.234 }), status: 400, path: 'ticketPrice' },
  { what: 'numberOfSeats 2.5', send: (api) => newSession(api, { numberOfSeats: 2.5 }), status: 400, path: 'numberOfSeats' },
  { what: 'numberOfSeats 0', send: (api) => newSession(api, { numberOfSeats: 0 }), status: 400, path: 'numberOfSeats' },
  { what: 'numberOfSeats 2001', send: (api) => newSession(api, { numberOfSeats: 2001 }), status: 400, path: 'numberOfSeats' },
  { what: 'seatsPerRow 51', send: (api) => newSession(api, { seatsPerRow: 51 }), status: 400, path: 'seatsPerRow' },
  { what: 'an empty movieName', send: (api) => newSession(api, { movieName: '' }), status: 400, path: 'movieName' },
  { what: 'a movieName of 201 characters', send: (api) => newSession(api, { movieName: 'm'.repeat(201) }), status: 400, path: 'movieName' },
  { what: 'a missing roomNumber', send: (api) => newSession(api, { roomNumber: undefined }), status: 400, path: 'roomNumber' },
  { what: 'startTime "tomorrow"', send: (api) => newSession(api, { startTime: 'tomorrow' }), status: 400, path: 'startTime' },
  { what: 'startTime without a time', send: (api) => newSession(api, { startTime: '2031-05-01' }), status: 400, path: 'startTime' },

  // POST /reservations: seat labels.
  { what: 'an empty seatNumbers list', send: (api, f) => reserve(api, f, { seatNumbers: [] }), status: 400, path: 'seatNumbers' },
  {
    what: '11 seats when at most 10 are allowed',
    send: (api, f) => reserve(api, f, { seatNumbers: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10', 'B1'] }),
    status: 400,
    path: 'seatNumbers',
  },
  { what: 'a repeated seat label', send: (api, f) => reserve(api, f, { seatNumbers: ['A2', 'A2'] }), status: 400, path: 'seatNumbers' },
  { what: 'seat Z99 on a 16-seat session', send: (api, f) => reserve(api, f, { seatNumbers: ['Z99'] }), status: 400, path: 'seatNumbers' },
  { what: 'seat B7 just past the last seat B6', send: (api, f) => reserve(api, f, { seatNumbers: ['A1', 'B7'] }), status: 400, path: 'seatNumbers' },
  { what: 'a lowercase seat label', send: (api, f) => reserve(api, f, { seatNumbers: ['a1'] }), status: 400, path: 'seatNumbers' },
  { what: 'a garbage seat label', send: (api, f) => reserve(api, f, { seatNumbers: ['<script>'] }), status: 400, path: 'seatNumbers' },
  { what: 'seat A0', send: (api, f) => reserve(api, f, { seatNumbers: ['A0'] }), status: 400, path: 'seatNumbers' },
  { what: 'a seat label given as a number', send: (api, f) => reserve(api, f, { seatNumbers: [1] }), status: 400, path: 'seatNumbers' },
  { what: 'seatNumbers given as a string', send: (api, f) => reserve(api, f, { seatNumbers: 'A1' }), status: 400, path: 'seatNumbers' },

  // POST /reservations: ids and users.
  { what: 'a non-uuid sessionId', send: (api, f) => reserve(api, f, { sessionId: 'session-1' }), status: 400, path: 'sessionId' },
  { what: 'an unknown session uuid', send: (api, f) => reserve(api, f, { sessionId: randomUUID() }), status: 404 },
  { what: 'a missing userId', send: (api, f) => reserve(api, f, { userId: undefined }), status: 400, path: 'userId' },
  { what: 'an empty userId', send: (api, f) => reserve(api, f, { userId: '' }), status: 400, path: 'userId' },
  { what: 'a userId of 101 characters', send: (api, f) => reserve(api, f, { userId: 'u'.repeat(101) }), status: 400, path: 'userId' },
  { what: 'a numeric userId', send: (api, f) => reserve(api, f, { userId: 42 }), status: 400, path: 'userId' },
  {
    what: 'an Idempotency-Key of 256 characters',
    send: (api, f) => api.post('/reservations').set('Idempotency-Key', 'k'.repeat(256)).send({ sessionId: f.sessionId, seatNumbers: ['A1'], userId: uid() }),
    status: 400,
  },

  // POST /reservations/confirm-payment and /cancel.
  {
    what: 'a non-uuid reservationId on confirm-payment',
    send: (api, f) => api.post('/reservations/confirm-payment').send({ reservationId: '12345', userId: f.userId }),
    status: 400,
    path: 'reservationId',
  },
  {
    what: 'a missing userId on confirm-payment',
    send: (api, f) => api.post('/reservations/confirm-payment').send({ reservationId: f.reservationId }),
    status: 400,
    path: 'userId',
  },
  {
    what: 'an empty userId on confirm-payment',
    send: (api, f) => api.post('/reservations/confirm-payment').send({ reservationId: f.reservationId, userId: '' }),
    status: 400,
    path: 'userId',
  },
  {
    what: 'a userId of 101 characters on cancel',
    send: (api, f) => api.post(`/reservations/${f.reservationId}/cancel`).send({ userId: 'u'.repeat(101) }),
    status: 400,
    path: 'userId',
  },
  { what: 'a missing userId on cancel', send: (api, f) => api.post(`/reservations/${f.reservationId}/cancel`).send({}), status: 400, path: 'userId' },
  {
    what: 'a non-uuid reservation id in the cancel path',
    send: (api, f) => api.post('/reservations/not-a-uuid/cancel').send({ userId: f.userId }),
    status: 400,
    path: 'id',
  },

  // Path ids and query strings.
  { what: 'a non-uuid session id in GET /sessions/{id}', send: (api) => api.get('/sessions/123'), status: 400, path: 'id' },
  { what: 'a non-uuid session id in the availability path', send: (api) => api.get('/sessions/abc/availability'), status: 400, path: 'id' },
  { what: 'a non-uuid reservation id in GET /reservations/{id}', send: (api) => api.get('/reservations/xyz'), status: 400, path: 'id' },
  { what: 'a userId of 101 characters in the sales path', send: (api) => api.get(`/sales/user/${'u'.repeat(101)}`), status: 400, path: 'userId' },
  { what: 'GET /sales?limit=0', send: (api) => api.get('/sales?limit=0'), status: 400, path: 'limit' },
  { what: 'GET /sales?limit=1001', send: (api) => api.get('/sales?limit=1001'), status: 400, path: 'limit' },
  { what: 'GET /sales?limit=abc', send: (api) => api.get('/sales?limit=abc'), status: 400, path: 'limit' },
  { what: 'GET /sales?offset=-1', send: (api) => api.get('/sales?offset=-1'), status: 400, path: 'offset' },

  // Unknown routes.
  { what: 'an unknown route', send: (api) => api.get('/no/such/route'), status: 404 },
  { what: 'an unknown method on a known path', send: (api, f) => api.delete(`/sessions/${f.sessionId}`), status: 405 },
  { what: 'a POST to an unknown route', send: (api) => api.post('/tickets').send({ a: 1 }), status: 404 },
];

describe.each(storages())('bad input on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' });
  let fixture: Fixture;
  let baseline: { sessions: unknown; availability: unknown; sales: unknown; reservations: unknown };

  const snapshot = async () => ({
    sessions: (await ctx.api.get('/sessions')).body,
    availability: await availability(ctx.api, fixture.sessionId),
    sales: (await ctx.api.get('/sales?limit=1000')).body,
    reservations: (await ctx.api.get(`/reservations/user/${fixture.userId}`)).body,
  });

  beforeAll(async () => {
    const session = await ctx.api.post('/sessions').send(sessionBody({ numberOfSeats: 16 }));
    const userId = uid('owner');
    const held = await ctx.api.post('/reservations').send({ sessionId: session.body.id, seatNumbers: ['B1'], userId });
    if (session.status !== 201 || held.status !== 201) throw new Error(`set-up failed: ${session.status} ${held.status}`);
    fixture = { sessionId: session.body.id, reservationId: held.body.id, userId };
    baseline = await snapshot();
  });

  it(`covers at least 15 kinds of bad input (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)('answers $status problem+json to $what', async ({ send, status, path }) => {
    const res = await send(ctx.api, fixture);
    const allowed = Array.isArray(status) ? status : [status];
    expect(allowed).toContain(res.status);
    const body = expectProblem(res, res.status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // Never a stack trace or an HTML page.
    expect(res.text).not.toMatch(/<html|\n\s+at |node_modules|\.ts:\d+/i);
    expect(body).not.toHaveProperty('stack');
    if (path !== undefined) {
      const errors = expectValidationProblem(res);
      expect(errors.map((e) => e.path).join(' ')).toContain(path);
    } else if (res.status === 400) {
      expect(Array.isArray(body.errors)).toBe(true);
    }
  });

  it('has changed nothing after all of them: sessions, seats, sales and reservations are as before', async () => {
    const after = await snapshot();
    expect(after).toEqual(baseline);
    const doc = after.availability as { availableSeats: number };
    expect(doc.availableSeats).toBe(15);
  });
});
