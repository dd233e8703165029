import { storages } from '../support/test-instance';
import { createSession, expectProblem, uid, useInstance } from './helpers';

/** The value of one unlabelled sample of the Prometheus text, undefined when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(/\s+/)[1]);
}

type Json = Record<string, unknown>;

/** Follows a local `$ref` of the OpenAPI document. */
function resolve(doc: Json, node: Json | undefined): Json | undefined {
  let current = node;
  while (current && typeof current.$ref === 'string') {
    current = (current.$ref as string)
      .replace(/^#\//, '')
      .split('/')
      .reduce<Json | undefined>((n, part) => n?.[part] as Json | undefined, doc);
  }
  return current;
}

/** Every route of api.md with the statuses api.md names for it. */
const CONTRACT: Array<{ method: string; path: string; statuses: string[] }> = [
  { method: 'post', path: '/sessions', statuses: ['201', '400'] },
  { method: 'get', path: '/sessions', statuses: ['200'] },
  { method: 'get', path: '/sessions/{id}', statuses: ['200', '400', '404'] },
  { method: 'get', path: '/sessions/{id}/availability', statuses: ['200', '400', '404'] },
  { method: 'post', path: '/reservations', statuses: ['201', '400', '404', '409', '413', '422', '429'] },
  { method: 'get', path: '/reservations/{id}', statuses: ['200', '400', '404'] },
  { method: 'get', path: '/reservations/user/{userId}', statuses: ['200'] },
  { method: 'post', path: '/reservations/confirm-payment', statuses: ['200', '400', '403', '404', '409', '410', '422'] },
  { method: 'post', path: '/reservations/{id}/cancel', statuses: ['200', '400', '403', '404', '409'] },
  { method: 'get', path: '/sales', statuses: ['200', '400'] },
  { method: 'get', path: '/sales/user/{userId}', statuses: ['200'] },
  { method: 'get', path: '/health/live', statuses: ['200'] },
  { method: 'get', path: '/health/ready', statuses: ['200', '503'] },
  { method: 'get', path: '/metrics', statuses: ['200'] },
  { method: 'get', path: '/api-docs', statuses: ['200'] },
  { method: 'get', path: '/api-docs.json', statuses: ['200'] },
];

describe.each(storages())('operations endpoints on %s', (storage) => {
  const ctx = useInstance(storage, { RESERVATION_TTL_SECONDS: '600' });

  it('answers /health/live with 200', async () => {
    const res = await ctx.api.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers /health/ready with 200 and the database check up', async () => {
    const res = await ctx.api.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.objectContaining({ status: 'ok' }));
    expect(res.body.checks.database).toEqual(expect.objectContaining({ status: 'up' }));
  });

  it('exports Prometheus text with request, hold, sale, actor and commit metrics after some traffic', async () => {
    const session = await createSession(ctx.api);
    const userId = uid();
    const held = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1', 'A2'], userId });
    expect(held.status).toBe(201);
    const refused = await ctx.api.post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2'], userId: uid() });
    expect(refused.status).toBe(409);
    expect((await ctx.api.post('/reservations/confirm-payment').send({ reservationId: held.body.id, userId })).status).toBe(200);
    expect((await ctx.api.get(`/sessions/${session.id}/availability`)).status).toBe(200);

    const res = await ctx.api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.text;
    for (const name of ['http_requests_total', 'seat_holds_total', 'seat_sales_total', 'session_actors_alive', 'commit_batch_size']) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    expect(text).toMatch(/^http_requests_total\{[^}]*route="\/reservations"[^}]*status="201"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{[^}]*route="\/sessions\/:id\/availability"[^}]*\} [1-9]/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{/m);
    // Route labels are templates, never raw ids.
    expect(text).not.toContain(session.id);
    expect(sample(text, 'seat_holds_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'seat_holds_rejected_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'seat_sales_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'session_actors_alive')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'commit_batch_size_count')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^commit_batch_size_bucket\{le="1"\} \d+/m);
  });

  it('serves an OpenAPI 3 document listing every route of the contract with its statuses', async () => {
    const res = await ctx.api.get('/api-docs.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = res.body as Json;
    expect(String(doc.openapi)).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toEqual(expect.objectContaining({ title: expect.any(String), version: expect.any(String) }));
    const paths = doc.paths as Record<string, Record<string, { responses: Json; parameters?: Json[] }>>;

    const missing: string[] = [];
    for (const { method, path, statuses } of CONTRACT) {
      const op = paths[path]?.[method];
      if (!op) {
        missing.push(`${method.toUpperCase()} ${path}`);
        continue;
      }
      for (const status of statuses) if (!(status in op.responses)) missing.push(`${method.toUpperCase()} ${path} ${status}`);
    }
    expect(missing).toEqual([]);

    // The two POSTs that honour Idempotency-Key document the header.
    for (const path of ['/reservations', '/reservations/confirm-payment']) {
      const params = (paths[path].post.parameters ?? []).map((p) => resolve(doc, p));
      expect(params).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Idempotency-Key', in: 'header' })]));
    }
  });

  it('documents the Session, Reservation and Sale fields of the contract', async () => {
    const doc = (await ctx.api.get('/api-docs.json')).body as Json;
    const paths = doc.paths as Record<string, Record<string, { responses: Record<string, Json> }>>;
    const schemaOf = (path: string, method: string, status: string): Json | undefined => {
      const response = resolve(doc, paths[path][method].responses[status]);
      const schema = resolve(doc, (response?.content as Record<string, { schema: Json }>)['application/json'].schema);
      return schema?.type === 'array' ? resolve(doc, schema.items as Json) : schema;
    };
    const fields = (schema: Json | undefined) => Object.keys((schema?.properties as Json) ?? {}).sort();

    expect(fields(schemaOf('/sessions', 'post', '201'))).toEqual(
      expect.arrayContaining(['id', 'movieName', 'startTime', 'roomNumber', 'ticketPrice', 'isActive', 'totalSeats', 'availableSeats', 'createdAt']),
    );
    expect(fields(schemaOf('/reservations', 'post', '201'))).toEqual(
      expect.arrayContaining(['id', 'sessionId', 'userId', 'seatNumbers', 'status', 'amount', 'expiresAt', 'createdAt']),
    );
    expect(fields(schemaOf('/reservations/confirm-payment', 'post', '200'))).toEqual(
      expect.arrayContaining(['id', 'reservationId', 'sessionId', 'seatNumber', 'userId', 'amount', 'movieName', 'sessionStartTime', 'roomNumber', 'paidAt']),
    );
    expect(fields(schemaOf('/sessions/{id}/availability', 'get', '200'))).toEqual(
      expect.arrayContaining(['sessionId', 'movieName', 'startTime', 'roomNumber', 'ticketPrice', 'totalSeats', 'availableSeats', 'seats']),
    );
    expect(fields(schemaOf('/sales/user/{userId}', 'get', '200'))).toEqual(
      expect.arrayContaining(['userId', 'totalPurchases', 'totalAmount', 'purchases']),
    );
  });

  it('serves Swagger UI as HTML under /api-docs', async () => {
    const res = await ctx.api.get('/api-docs').redirects(2);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toMatch(/swagger-ui/i);
    expect(res.text).toMatch(/<html/i);
  });

  it('echoes a client X-Request-Id, and gives one to requests without it', async () => {
    const mine = await ctx.api.get('/sessions').set('X-Request-Id', 'test-req-42');
    expect(mine.status).toBe(200);
    expect(mine.headers['x-request-id']).toBe('test-req-42');

    const problem = await ctx.api.get(`/reservations/not-a-uuid`).set('X-Request-Id', 'test-req-43');
    expectProblem(problem, 400);
    expect(problem.headers['x-request-id']).toBe('test-req-43');

    const none = await ctx.api.get('/sessions');
    expect(none.headers['x-request-id']).toEqual(expect.any(String));
    expect(none.headers['x-request-id'].length).toBeGreaterThan(0);
  });
});

describe.each(storages())('the rate limit on %s (RATE_LIMIT_MAX=5, RATE_LIMIT_WRITE_MAX=1)', (storage) => {
  const ctx = useInstance(storage, { RATE_LIMIT_MAX: '5', RATE_LIMIT_WRITE_MAX: '1', RATE_LIMIT_TTL: '60' });

  it('refuses the 6th request in the window with 429 problem+json, Retry-After and RateLimit headers', async () => {
    const allowed = [];
    for (let i = 0; i < 5; i++) allowed.push(await ctx.api.get('/sessions'));
    expect(allowed.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(allowed[0].headers.ratelimit).toEqual(expect.any(String));

    const sixth = await ctx.api.get('/sessions');
    expectProblem(sixth, 429);
    expect(sixth.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(sixth.headers.ratelimit).toEqual(expect.any(String));

    // Writes have a budget of their own: the first one passes although reads are used up, the second is refused.
    const body = { movieName: 'x', startTime: '2031-01-01T00:00:00Z', roomNumber: 'r', ticketPrice: 1, numberOfSeats: 1 };
    expect((await ctx.api.post('/sessions').send(body)).status).toBe(201);
    expectProblem(await ctx.api.post('/sessions').send(body), 429);
  });

  it('keeps the health probes, metrics and docs reachable while the client is limited', async () => {
    expect((await ctx.api.get('/health/live')).status).toBe(200);
    expect((await ctx.api.get('/health/ready')).status).toBe(200);
    expect((await ctx.api.get('/metrics')).status).toBe(200);
    expect((await ctx.api.get('/api-docs.json')).status).toBe(200);
  });

  it('answers /health/ready with 503 once the instance is shutting down', async () => {
    await ctx.instance.close();
    const res = await ctx.api.get('/health/ready');
    expect(res.status).toBe(503);
    expect(res.body.status).not.toBe('ok');
    expect((await ctx.api.get('/health/live')).status).toBe(200);
  });
});
