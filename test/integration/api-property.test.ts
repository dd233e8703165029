import fc from 'fast-check';
import type { Response } from 'supertest';
import { z, type ZodType } from 'zod';
import { availabilitySchema, reservationSchema, saleSchema, sessionSchema, userSalesSchema } from '../../src/http/response-schemas';
import { storages } from '../support/test-instance';
import { action, segment, type Action, type BodyMode, type KeyChoice, type Pick, type UserChoice } from './api-property-arbitraries';
import { createSession, uid, useInstance, type Agent } from './helpers';

/**
 * Random valid and invalid requests against the real stack (supertest on the instance's app): bodies, path ids,
 * query strings, headers and sequences of create/hold/confirm/cancel/read on a few sessions per run.
 *
 * For every answer: never a 5xx; a 4xx is problem+json whose status is documented for that operation in the
 * instance's own OpenAPI document (405 carries Allow); a 2xx is documented and its body matches the response schema.
 * After each sequence: availability = total - held - sold on every session, each held or sold seat belongs to exactly
 * one live reservation, and no seat is sold twice.
 *
 * FC_SEED=<n> replays a run; FC_RUNS=<n> changes the number of sequences. On failure fast-check prints the seed and
 * the shrunk counterexample (the list of actions).
 */
const RUNS = Number(process.env.FC_RUNS ?? 45);
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const MIN_REQUESTS = 1000;

type Operation = { responses: Record<string, unknown> };
type Document = { paths: Record<string, Record<string, Operation>> };

/** Per-run state: what the sequence has made so far. */
interface Run {
  readonly sessions: string[];
  readonly reservations: string[];
  readonly users: string[];
  readonly keys: string[];
}

/** The operation an answer belongs to and the schema its 2xx body must match. */
interface Sent {
  readonly method: string;
  readonly template: string;
  readonly res: Response;
  readonly schema?: ZodType;
}

const [storage] = storages();

describe(`the API under random requests (fast-check, ${storage})`, () => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' }, { listen: true });
  let document: Document;
  let requests = 0;

  beforeAll(async () => {
    document = (await ctx.api.get('/api-docs.json')).body as Document;
  });

  const chosen = (list: readonly string[], p: Pick): string =>
    'unknown' in p || list.length === 0 ? ('unknown' in p ? p.unknown : '00000000-0000-4000-8000-000000000000') : list[p.pick % list.length];
  const userOf = (run: Run, u: UserChoice): unknown => ('hostile' in u ? u.hostile : run.users[u.pick % run.users.length]);

  function post(path: string, body: unknown, mode: BodyMode, key: KeyChoice, run: Run, requestId?: string) {
    const req = ctx.api.post(path);
    if (key) req.set('Idempotency-Key', 'key' in key ? run.keys[key.key] : key.raw);
    if (requestId !== undefined) req.set('X-Request-Id', requestId);
    if (mode === 'text') return req.set('Content-Type', 'text/plain').send(JSON.stringify(body));
    if (mode === 'broken') return req.set('Content-Type', 'application/json').send(`${JSON.stringify(body)}}`);
    return req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  }

  async function send(run: Run, a: Action): Promise<Sent> {
    requests += 1;
    switch (a.kind) {
      case 'createSession': {
        const res = await post('/sessions', a.body, a.mode, null, run, a.requestId);
        if (res.status === 201) run.sessions.push(res.body.id);
        return { method: 'post', template: '/sessions', res, schema: sessionSchema };
      }
      case 'hold': {
        const seatNumbers = Array.isArray(a.seats) ? a.seats : (a.seats as { raw: unknown }).raw;
        const body = { sessionId: chosen(run.sessions, a.session), seatNumbers, userId: userOf(run, a.user) };
        const res = await post('/reservations', body, a.mode, a.key, run);
        if (res.status === 201 && !run.reservations.includes(res.body.id)) run.reservations.push(res.body.id);
        if (res.status === 201 && 'hostile' in a.user) throw new Error(`a hostile userId was accepted: ${JSON.stringify(a.user)}`);
        return { method: 'post', template: '/reservations', res, schema: reservationSchema };
      }
      case 'confirm': {
        const body = { reservationId: chosen(run.reservations, a.reservation), userId: userOf(run, a.user) };
        const res = await post('/reservations/confirm-payment', body, a.mode, a.key, run);
        return { method: 'post', template: '/reservations/confirm-payment', res, schema: z.array(saleSchema) };
      }
      case 'cancel': {
        const id = chosen(run.reservations, a.reservation);
        const res = await post(`/reservations/${id}/cancel`, { userId: userOf(run, a.user) }, a.mode, null, run);
        return { method: 'post', template: '/reservations/{id}/cancel', res, schema: reservationSchema };
      }
      case 'wrongMethod': {
        const res = await ctx.api[a.method](a.path);
        return { method: a.method, template: '', res };
      }
      case 'read':
        return read(run, a);
    }
  }

  async function read(run: Run, a: Extract<Action, { kind: 'read' }>): Promise<Sent> {
    const qs = a.query ? `?${new URLSearchParams(a.query as Record<string, string>).toString()}` : '';
    const id = (list: readonly string[]) => segment(a.rawId ?? chosen(list, a.target));
    const user = segment(a.rawId ?? run.users[('pick' in a.target ? a.target.pick : 0) % run.users.length]);
    const get = (path: string) => {
      const req = ctx.api.get(path);
      if (a.requestId !== undefined) req.set('X-Request-Id', a.requestId);
      return req;
    };
    switch (a.what) {
      case 'session':
        return { method: 'get', template: '/sessions/{id}', res: await get(`/sessions/${id(run.sessions)}`), schema: sessionSchema };
      case 'availability':
        return { method: 'get', template: '/sessions/{id}/availability', res: await get(`/sessions/${id(run.sessions)}/availability`), schema: availabilitySchema };
      case 'reservation':
        return { method: 'get', template: '/reservations/{id}', res: await get(`/reservations/${id(run.reservations)}`), schema: reservationSchema };
      case 'userReservations':
        return { method: 'get', template: '/reservations/user/{userId}', res: await get(`/reservations/user/${user}${qs}`), schema: z.array(reservationSchema) };
      case 'userSales':
        return { method: 'get', template: '/sales/user/{userId}', res: await get(`/sales/user/${user}${qs}`), schema: userSalesSchema };
      case 'sessions':
        return { method: 'get', template: '/sessions', res: await get(`/sessions${qs}`), schema: z.array(sessionSchema) };
      case 'sales':
        return { method: 'get', template: '/sales', res: await get(`/sales${qs}`), schema: z.array(saleSchema) };
    }
  }

  /** The per-answer properties. */
  function check({ method, template, res, schema }: Sent): void {
    const path = (res as unknown as { req?: { path?: string } }).req?.path ?? template;
    const at = `${method.toUpperCase()} ${path} -> ${res.status} ${res.text?.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`5xx: ${at}`);
    if (res.status >= 400) {
      if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) throw new Error(`not problem+json: ${at}`);
      const body = res.body as Record<string, unknown>;
      if (body.status !== res.status || typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string') {
        throw new Error(`not a problem body: ${at}`);
      }
    }
    if (template === '') {
      if (res.status !== 405 || !res.headers.allow) throw new Error(`expected 405 with Allow: ${at}`);
      return;
    }
    const documented = Object.keys(document.paths[template][method].responses);
    if (!documented.includes(String(res.status))) throw new Error(`status not documented for ${method} ${template} (${documented}): ${at}`);
    if (res.status < 300 && schema) {
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) throw new Error(`2xx body does not match the schema: ${at}\n${parsed.error.message}`);
    }
  }

  /** After a sequence: seat maps, reservations and sales of the run agree, and nothing is held or sold twice. */
  async function checkInvariants(api: Agent, run: Run): Promise<void> {
    const live = new Map<string, { status: string; owner: string }>();
    const sold = new Set<string>();
    for (const userId of run.users) {
      requests += 2;
      const mine = await api.get(`/reservations/user/${encodeURIComponent(userId)}?limit=1000`);
      const sales = await api.get(`/sales/user/${encodeURIComponent(userId)}?limit=1000`);
      if (mine.status !== 200 || sales.status !== 200) throw new Error(`reads failed: ${mine.status} ${sales.status}`);
      for (const r of mine.body as Array<{ id: string; sessionId: string; status: string; seatNumbers: string[] }>) {
        if (r.status !== 'PENDING' && r.status !== 'CONFIRMED') continue;
        for (const seat of r.seatNumbers) {
          const key = `${r.sessionId}/${seat}`;
          if (live.has(key)) throw new Error(`seat ${key} is in two live reservations: ${live.get(key)?.owner} and ${r.id}`);
          live.set(key, { status: r.status === 'PENDING' ? 'RESERVED' : 'SOLD', owner: r.id });
        }
      }
      for (const s of sales.body.purchases as Array<{ sessionId: string; seatNumber: string }>) {
        const key = `${s.sessionId}/${s.seatNumber}`;
        if (sold.has(key)) throw new Error(`seat ${key} sold twice`);
        sold.add(key);
      }
      if (sales.body.totalPurchases !== sales.body.purchases.length) throw new Error(`totalPurchases of ${userId} is off`);
    }
    for (const sessionId of run.sessions) {
      requests += 1;
      const doc = (await api.get(`/sessions/${sessionId}/availability`)).body as {
        totalSeats: number;
        availableSeats: number;
        seats: Array<{ seatNumber: string; status: string }>;
      };
      const held = doc.seats.filter((s) => s.status === 'RESERVED').length;
      const soldHere = doc.seats.filter((s) => s.status === 'SOLD').length;
      if (doc.availableSeats !== doc.totalSeats - held - soldHere) throw new Error(`availability of ${sessionId} is off`);
      if (new Set(doc.seats.map((s) => s.seatNumber)).size !== doc.totalSeats) throw new Error(`seat map of ${sessionId} repeats a seat`);
      for (const seat of doc.seats) {
        const key = `${sessionId}/${seat.seatNumber}`;
        const expected = live.get(key)?.status ?? 'AVAILABLE';
        if (seat.status !== expected) throw new Error(`seat ${key} reads ${seat.status} but the reservations say ${expected}`);
        if ((seat.status === 'SOLD') !== sold.has(key)) throw new Error(`seat ${key} reads ${seat.status}; sales disagree`);
      }
    }
  }

  it(`never answers 5xx, answers only documented statuses and shapes, and keeps the seats consistent (seed ${SEED})`, async () => {
    process.stdout.write(`api-property: fast-check seed ${SEED}, ${RUNS} runs (replay with FC_SEED=${SEED})\n`);
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 20, maxLength: 30 }), async (actions) => {
        const runId = uid('run');
        const run: Run = { sessions: [], reservations: [], users: [`${runId}-a`, `${runId}-b`, `${runId} ñandú 🎬`], keys: [0, 1, 2].map((k) => `${runId}-key-${k}`) };
        for (const numberOfSeats of [8, 5]) {
          requests += 1;
          run.sessions.push((await createSession(ctx.api, { numberOfSeats, seatsPerRow: 4 })).id);
        }
        for (const a of actions) check(await send(run, a));
        await checkInvariants(ctx.api, run);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    process.stdout.write(`api-property: ${requests} requests\n`);
    if (RUNS >= 45) expect(requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
  }, 600_000);
});
