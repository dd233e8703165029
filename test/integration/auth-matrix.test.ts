import type { Response } from 'supertest';
import { storages } from '../support/test-instance';
import { bearer, jwtEnv, sign, tokenIssuer, unsigned } from '../support/tokens';
import { sessionBody, uid, useInstance } from './helpers';

/**
 * Every route × every kind of credential, in jwt mode: the right status, and nothing changed by a refused request.
 * Alice is a buyer who owns the reservations; Mallory is another buyer; the admin is the box office.
 */
const issuer = tokenIssuer('matrix');

type Kind =
  | 'no token'
  | 'malformed'
  | 'bad signature'
  | 'expired'
  | 'wrong issuer'
  | 'wrong audience'
  | 'alg none'
  | "another user's token"
  | 'buyer'
  | 'admin';
const REFUSED: readonly Kind[] = ['no token', 'malformed', 'bad signature', 'expired', 'wrong issuer', 'wrong audience', 'alg none'];

describe('authentication and roles on every route (AUTH_MODE=jwt)', () => {
  // Holds must outlive the whole file (the machine may be slow): an expiry would look like a change.
  const ctx = useInstance(storages()[0], { ...jwtEnv(issuer), AUTH_CLOCK_TOLERANCE_SECONDS: '5', RESERVATION_TTL_SECONDS: '3600' });
  const alice = uid('alice');
  const mallory = uid('mallory');
  const admin = uid('admin');
  const headers = {} as Record<Kind, Record<string, string>>;
  const ids = { session: '', other: '', get: '', confirm: '', cancel: '', extend: '' };

  const as = (kind: Kind) => headers[kind];
  const adminOnly = () => as('admin');

  /** What a refused request must not change: sessions, seats, Alice's reservations, sales. */
  async function state() {
    const [sessions, seats, mine, sales] = await Promise.all([
      ctx.api.get('/sessions').set(adminOnly()),
      ctx.api.get(`/sessions/${ids.session}/availability`).set(adminOnly()),
      ctx.api.get(`/reservations/user/${alice}`).set(adminOnly()),
      ctx.api.get('/sales?limit=1000').set(adminOnly()),
    ]);
    return {
      sessions: (sessions.body as Array<{ id: string }>).map((s) => s.id).sort(),
      seats: (seats.body as { seats: Array<{ seatNumber: string; status: string }> }).seats.map((s) => `${s.seatNumber}:${s.status}`),
      mine: (mine.body as Array<{ id: string; status: string }>).map((r) => `${r.id}:${r.status}`).sort(),
      sales: (sales.body as unknown[]).length,
    };
  }

  beforeAll(async () => {
    headers['no token'] = {};
    headers.malformed = { Authorization: 'Bearer not-a-jwt' };
    headers['bad signature'] = bearer(await sign(issuer, { sub: alice, admin: true }, 'another-secret-0123456789abcdef0123456789'));
    headers.expired = bearer(await sign(issuer, { sub: alice, admin: true, expiresIn: -3600 }));
    headers['wrong issuer'] = bearer(await sign(issuer, { sub: alice, admin: true, issuer: 'https://evil.test/' }));
    headers['wrong audience'] = bearer(await sign(issuer, { sub: alice, admin: true, audience: 'another-api' }));
    headers['alg none'] = bearer(unsigned(issuer, alice));
    headers["another user's token"] = bearer(await sign(issuer, { sub: mallory }));
    headers.buyer = bearer(await sign(issuer, { sub: alice }));
    headers.admin = bearer(await sign(issuer, { sub: admin, admin: true }));

    const session = await ctx.api.post('/sessions').set(as('admin')).send(sessionBody({ numberOfSeats: 16 }));
    expect(session.status).toBe(201);
    ids.session = session.body.id;
    const other = await ctx.api.post('/sessions').set(as('admin')).send(sessionBody({ numberOfSeats: 4 }));
    expect(other.status).toBe(201);
    ids.other = other.body.id; // the screening the box office cancels
    const hold = async (seat: string) => {
      const res = await ctx.api.post('/reservations').set(as('buyer')).send({ sessionId: ids.session, seatNumbers: [seat] });
      expect(res.status).toBe(201);
      expect(res.body.userId).toBe(alice);
      return res.body.id as string;
    };
    ids.get = await hold('A1');
    ids.confirm = await hold('A2');
    ids.cancel = await hold('A3');
    ids.extend = await hold('A5');
    const sold = await hold('A4');
    expect((await ctx.api.post('/reservations/confirm-payment').set(as('buyer')).send({ reservationId: sold })).status).toBe(200);
  });

  interface Route {
    readonly name: string;
    readonly send: (h: Record<string, string>) => Promise<Response>;
    /** Statuses for the kinds that are not refused outright (those all get 401). */
    readonly expect: { readonly other: number; readonly buyer: number; readonly admin: number };
  }

  const routes: Route[] = [
    { name: 'POST /sessions', send: (h) => ctx.api.post('/sessions').set(h).send(sessionBody()), expect: { other: 403, buyer: 403, admin: 201 } },
    { name: 'GET /sessions', send: (h) => ctx.api.get('/sessions').set(h), expect: { other: 200, buyer: 200, admin: 200 } },
    { name: 'GET /sessions/:id', send: (h) => ctx.api.get(`/sessions/${ids.session}`).set(h), expect: { other: 200, buyer: 200, admin: 200 } },
    {
      name: 'GET /sessions/:id/availability',
      send: (h) => ctx.api.get(`/sessions/${ids.session}/availability`).set(h),
      expect: { other: 200, buyer: 200, admin: 200 },
    },
    {
      name: "POST /reservations naming Alice (an admin acts for her)",
      send: (h) => ctx.api.post('/reservations').set(h).send({ sessionId: ids.session, seatNumbers: ['B1'], userId: alice }),
      expect: { other: 403, buyer: 201, admin: 201 },
    },
    { name: 'GET /reservations/:id', send: (h) => ctx.api.get(`/reservations/${ids.get}`).set(h), expect: { other: 404, buyer: 200, admin: 200 } },
    {
      name: "GET /reservations/user/:userId (Alice's)",
      send: (h) => ctx.api.get(`/reservations/user/${alice}`).set(h),
      expect: { other: 403, buyer: 200, admin: 200 },
    },
    {
      name: 'POST /reservations/confirm-payment',
      send: (h) => ctx.api.post('/reservations/confirm-payment').set(h).send({ reservationId: ids.confirm, userId: alice }),
      expect: { other: 403, buyer: 200, admin: 200 },
    },
    {
      name: "POST /reservations/:id/cancel without userId (the box office)",
      send: (h) => ctx.api.post(`/reservations/${ids.cancel}/cancel`).set(h).send({}),
      expect: { other: 404, buyer: 200, admin: 200 },
    },
    {
      name: 'POST /reservations/:id/extend naming Alice (an admin acts for her)',
      send: (h) => ctx.api.post(`/reservations/${ids.extend}/extend`).set(h).send({ userId: alice }),
      expect: { other: 403, buyer: 200, admin: 200 },
    },
    {
      // Only the holder extends: anyone else, an admin acting as themself included, is told it does not exist.
      name: 'POST /reservations/:id/extend without userId (as the caller)',
      send: (h) => ctx.api.post(`/reservations/${ids.extend}/extend`).set(h).send({}),
      expect: { other: 404, buyer: 200, admin: 404 },
    },
    { name: 'GET /sales', send: (h) => ctx.api.get('/sales').set(h), expect: { other: 403, buyer: 403, admin: 200 } },
    {
      name: "GET /sales/user/:userId (Alice's)",
      send: (h) => ctx.api.get(`/sales/user/${alice}`).set(h),
      expect: { other: 403, buyer: 200, admin: 200 },
    },
    { name: 'GET /metrics', send: (h) => ctx.api.get('/metrics').set(h), expect: { other: 403, buyer: 403, admin: 200 } },
    {
      name: 'POST /sessions/:id/cancel (another screening)',
      send: (h) => ctx.api.post(`/sessions/${ids.other}/cancel`).set(h).send({}),
      expect: { other: 403, buyer: 403, admin: 200 },
    },
  ];

  describe.each(routes)('$name', (route) => {
    // The state before this route's refused requests; each of them must leave it exactly so.
    let before: Awaited<ReturnType<typeof state>>;
    beforeAll(async () => {
      before = await state();
    });

    it.each(REFUSED)('with %s: 401 with a Bearer challenge, and nothing changed', async (kind) => {
      const res = await route.send(as(kind));
      expect({ kind, status: res.status }).toEqual({ kind, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const challenge = res.headers['www-authenticate'] as string;
      expect(challenge).toMatch(/^Bearer /);
      if (kind === 'no token') expect(challenge).not.toMatch(/error=/);
      else expect(challenge).toMatch(/error="invalid_token", error_description="[^"]+"/);
      expect(await state()).toEqual(before);
    });

    it(`with another user's token: ${route.expect.other}, and nothing changed`, async () => {
      const res = await route.send(as("another user's token"));
      expect(res.status).toBe(route.expect.other);
      if (res.status >= 400) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await state()).toEqual(before);
    });

    it(`with the owner's buyer token: ${route.expect.buyer}`, async () => {
      if (route.expect.buyer < 400 && route.name.startsWith('POST ')) {
        return; // the admin's request below is the one that writes; the buyer's own writes are in the setup
      }
      const res = await route.send(as('buyer'));
      expect(res.status).toBe(route.expect.buyer);
      if (res.status === 403) expect(await state()).toEqual(before);
    });

    it(`with an admin token: ${route.expect.admin}`, async () => {
      const res = await route.send(as('admin'));
      expect(res.status).toBe(route.expect.admin);
    });
  });

  it('the admin acted for Alice: the hold, the payment and the box-office cancel are hers', async () => {
    const mine = await ctx.api.get(`/reservations/user/${alice}`).set(as('buyer'));
    const byId = new Map((mine.body as Array<{ id: string; status: string; seatNumbers: string[] }>).map((r) => [r.id, r]));
    expect(byId.get(ids.confirm)?.status).toBe('CONFIRMED');
    expect(byId.get(ids.cancel)?.status).toBe('CANCELLED');
    expect([...byId.values()].some((r) => r.seatNumbers.includes('B1') && r.status === 'PENDING')).toBe(true);
  });
});
