import { randomUUID } from 'node:crypto';
import { dataOf, openSse, versionsOf, type SseClient } from '../support/sse-client';
import { eventually, storages } from '../support/test-instance';
import { createSession, expectProblem, listening, uid, useInstance } from './helpers';

/** The embedded default (and Postgres when configured): one instance, events from the in-process bus. */
describe.each(storages())('the live seat map on one instance (%s)', (storage) => {
  const ctx = useInstance(storage, { STREAM_HEARTBEAT_MS: '200', STREAMS_MAX: '3' });
  const open: SseClient[] = [];
  let baseUrl = '';
  beforeAll(async () => {
    const served = await listening(ctx.instance);
    baseUrl = served.url;
    ctx.api = served.agent;
  });
  const follow = async (sessionId: string, headers: Record<string, string> = {}) => {
    const client = await openSse(`${baseUrl}/sessions/${sessionId}/availability/stream`, headers);
    open.push(client);
    return client;
  };
  afterEach(() => {
    for (const c of open.splice(0)) c.close();
  });
  const hold = async (sessionId: string, seats: string[], userId = uid()) => {
    const res = await ctx.api.post('/reservations').send({ sessionId, seatNumbers: seats, userId });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, userId };
  };

  it('gives each availability document its version as a strong ETag and answers If-None-Match with 304', async () => {
    const session = await createSession(ctx.api);
    const first = await ctx.api.get(`/sessions/${session.id}/availability`);
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(0);
    expect(first.headers.etag).toBe('"0"');
    expect(first.headers['cache-control']).toBe('no-cache');

    const same = await ctx.api.get(`/sessions/${session.id}/availability`).set('If-None-Match', first.headers.etag);
    expect(same.status).toBe(304);
    expect(same.text).toBe('');

    await hold(session.id, ['A1', 'A2']);
    const changed = await ctx.api.get(`/sessions/${session.id}/availability`).set('If-None-Match', first.headers.etag);
    expect(changed.status).toBe(200);
    expect(changed.body.version).toBe(1);
    expect(changed.headers.etag).toBe('"1"');
  });

  it('streams the whole document first, then one change per committed event in version order, with heartbeats', async () => {
    const session = await createSession(ctx.api, { numberOfSeats: 8, seatsPerRow: 4 });
    const stream = await follow(session.id);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    await eventually(() => stream.events.length === 1);
    const [snapshot] = dataOf(stream, 'snapshot');
    expect(snapshot).toEqual(expect.objectContaining({ sessionId: session.id, version: 0, availableSeats: 8 }));
    expect(stream.events[0].id).toBe('0');

    const a = await hold(session.id, ['A1', 'A2']);
    const b = await hold(session.id, ['B4']);
    expect((await ctx.api.post('/reservations/confirm-payment').send({ reservationId: a.id, userId: a.userId })).status).toBe(200);
    expect((await ctx.api.post(`/reservations/${b.id}/cancel`).send({ userId: b.userId })).status).toBe(200);

    await eventually(() => dataOf(stream, 'change').length === 4);
    expect(versionsOf(stream)).toEqual([0, 1, 2, 3, 4]);
    expect(dataOf(stream, 'change')).toEqual([
      { sessionId: session.id, version: 1, type: 'reservation.created', availableSeats: 6, seats: [
        { seatNumber: 'A1', status: 'RESERVED' }, { seatNumber: 'A2', status: 'RESERVED' }] },
      { sessionId: session.id, version: 2, type: 'reservation.created', availableSeats: 5, seats: [{ seatNumber: 'B4', status: 'RESERVED' }] },
      { sessionId: session.id, version: 3, type: 'payment.confirmed', availableSeats: 5, seats: [
        { seatNumber: 'A1', status: 'SOLD' }, { seatNumber: 'A2', status: 'SOLD' }] },
      { sessionId: session.id, version: 4, type: 'reservation.cancelled', availableSeats: 6, seats: [{ seatNumber: 'B4', status: 'AVAILABLE' }] },
    ]);
    await eventually(() => stream.comments.includes('keep-alive'));
    const doc = await ctx.api.get(`/sessions/${session.id}/availability`);
    expect(doc.body.version).toBe(4);
  });

  it('resumes after a reconnect from Last-Event-ID with exactly the changes missed, and sends nothing when none were', async () => {
    const session = await createSession(ctx.api);
    const first = await follow(session.id);
    await hold(session.id, ['A1']);
    await eventually(() => first.lastEventId === '1');
    first.close();

    await hold(session.id, ['A2']);
    await hold(session.id, ['A3', 'A4']);
    const resumed = await follow(session.id, { 'Last-Event-ID': first.lastEventId as string });
    await eventually(() => resumed.events.length === 2);
    expect(resumed.events.map((e) => e.event)).toEqual(['change', 'change']);
    expect(versionsOf(resumed)).toEqual([2, 3]);
    expect(dataOf(resumed, 'change')[1].seats).toEqual([
      { seatNumber: 'A3', status: 'RESERVED' },
      { seatNumber: 'A4', status: 'RESERVED' },
    ]);
    resumed.close();

    const current = await follow(session.id, { 'Last-Event-ID': '3' });
    await eventually(() => current.comments.includes('keep-alive'));
    expect(current.events).toEqual([]);
    await hold(session.id, ['A5']);
    await eventually(() => current.events.length === 1);
    expect(versionsOf(current)).toEqual([4]);
  });

  it('sends the whole document again when the Last-Event-ID cannot be resumed from', async () => {
    const session = await createSession(ctx.api);
    await hold(session.id, ['A1']);
    for (const id of ['999999', 'not-a-version']) {
      const stream = await follow(session.id, { 'Last-Event-ID': id });
      await eventually(() => stream.events.length === 1);
      expect(stream.events[0]).toEqual(expect.objectContaining({ event: 'snapshot', id: '1' }));
      stream.close();
    }
  });

  it('refuses a stream past STREAMS_MAX with 503 and Retry-After, and takes one again once a stream closes', async () => {
    const session = await createSession(ctx.api);
    const streams = [await follow(session.id), await follow(session.id), await follow(session.id)];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const refused = await follow(session.id);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeDefined();
    await refused.ended;
    expect(JSON.parse(refused.body)).toEqual(expect.objectContaining({ status: 503 }));
    streams[0].close();
    const again = await eventually(async () => {
      const s = await follow(session.id);
      return s.status === 200 ? s : (s.close(), undefined);
    });
    expect(again?.status).toBe(200);
  });

  it('answers an unknown session with 404 and a bad id with 400, as problem+json', async () => {
    expectProblem(await ctx.api.get(`/sessions/${randomUUID()}/availability/stream`), 404);
    expectProblem(await ctx.api.get(`/sessions/nope/availability/stream`), 400);
  });
});
