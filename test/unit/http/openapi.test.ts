import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import { buildOpenApiDocument } from '../../../src/http/openapi';
import { cancelBodySchema, confirmBodySchema, newSessionSchema, reserveBodySchema } from '../../../src/http/schemas';

const MAX_SEATS = 7;
const doc = JSON.parse(JSON.stringify(buildOpenApiDocument({ maxSeats: MAX_SEATS })));

/** Every path and method of shared/api.md, in OpenAPI path syntax. */
const API_ROUTES: ReadonlyArray<[string, string]> = [
  ['post', '/sessions'],
  ['get', '/sessions'],
  ['get', '/sessions/{id}'],
  ['get', '/sessions/{id}/availability'],
  ['post', '/sessions/{id}/cancel'],
  ['get', '/sessions/{id}/availability/stream'],
  ['post', '/reservations'],
  ['get', '/reservations/{id}'],
  ['get', '/reservations/user/{userId}'],
  ['post', '/reservations/confirm-payment'],
  ['post', '/reservations/{id}/cancel'],
  ['post', '/reservations/{id}/extend'],
  ['get', '/sales'],
  ['get', '/sales/user/{userId}'],
  ['get', '/health/live'],
  ['get', '/health/ready'],
  ['get', '/metrics'],
  ['get', '/api-docs'],
  ['get', '/api-docs.json'],
];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

function operations(): Array<[string, string, Operation]> {
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]): [string, string, Operation] => [method, path, op]),
  );
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') found.push(v);
      else refsIn(v, found);
    }
  }
  return found;
}

/** The component a schema generates on its own, to compare with the one in the document. */
function componentOf(schema: ZodType, name: string): unknown {
  const registry = new OpenAPIRegistry();
  registry.register(name, schema);
  const components = new OpenApiGeneratorV3(registry.definitions).generateComponents().components as { schemas: Record<string, unknown> };
  return JSON.parse(JSON.stringify(components.schemas[name]));
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.0 document with a title and a version', () => {
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info.title).toEqual(expect.any(String));
    expect(doc.info.version).toEqual(expect.any(String));
  });

  it('lists every path and method of the API contract and nothing else', () => {
    const listed = operations().map(([method, path]) => `${method} ${path}`).sort();
    expect(listed).toEqual(API_ROUTES.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('files every operation under one of the four tags', () => {
    const tagNames = (doc.tags as Array<{ name: string }>).map((t) => t.name).sort();
    expect(tagNames).toEqual(['Operations', 'Reservations', 'Sales', 'Sessions']);
    for (const [, , op] of operations()) expect(tagNames).toEqual(expect.arrayContaining(op.tags ?? ['none']));
  });

  it('declares every path template parameter as a required path parameter', () => {
    for (const [, path, op] of operations()) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort()).toEqual(names.sort());
      for (const p of declared) expect(p.required).toBe(true);
    }
  });

  it('resolves every $ref to a component that exists', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const [, , kind, name] = ref.split('/');
      expect(doc.components[kind]?.[name]).toBeDefined();
    }
  });

  it('documents a success answer for every operation', () => {
    for (const [, , op] of operations()) {
      expect(Object.keys(op.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
    }
  });

  it('answers every error as a Problem in application/problem+json', () => {
    for (const [method, path, op] of operations()) {
      if (path.startsWith('/health/')) continue;
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        expect({ at: `${method} ${path} ${status}`, content: response.content }).toEqual({
          at: `${method} ${path} ${status}`,
          content: { 'application/problem+json': expect.objectContaining({ schema: { $ref: '#/components/schemas/Problem' } }) },
        });
      }
    }
  });

  it.each([
    ['post', '/sessions', 'NewSession', newSessionSchema],
    ['post', '/reservations', 'ReserveBody', reserveBodySchema(MAX_SEATS)],
    ['post', '/reservations/confirm-payment', 'ConfirmPaymentBody', confirmBodySchema],
    ['post', '/reservations/{id}/cancel', 'CancelBody', cancelBodySchema],
  ] as const)('documents the body of %s %s with the %s schema that validates it', (method, path, name, schema) => {
    const body = doc.paths[path][method].requestBody;
    expect(body.required).toBe(true);
    expect(body.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${name}` });
    expect(doc.components.schemas[name]).toEqual(componentOf(schema, name));
  });

  it('caps the seats of a reservation at the configured maximum', () => {
    const seats = doc.components.schemas.ReserveBody.properties.seatNumbers;
    expect(seats).toMatchObject({ minItems: 1, maxItems: MAX_SEATS, uniqueItems: true });
  });

  it.each(['/reservations', '/reservations/confirm-payment'])('accepts an optional Idempotency-Key header on POST %s', (path) => {
    const header = doc.paths[path].post.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(header).toMatchObject({ in: 'header', required: false, schema: { type: 'string' } });
  });

  it('documents the idempotency answers (409 in progress, 422 reused key) on both idempotent POSTs', () => {
    for (const path of ['/reservations', '/reservations/confirm-payment']) {
      expect(Object.keys(doc.paths[path].post.responses)).toEqual(expect.arrayContaining(['409', '422', '429']));
    }
  });

  it('offers no Idempotency-Key on the other operations', () => {
    for (const [method, path, op] of operations()) {
      if (path === '/reservations' || path === '/reservations/confirm-payment') continue;
      const names = (op.parameters ?? []).map((p) => p.name);
      expect({ at: `${method} ${path}`, names }).not.toEqual({ at: `${method} ${path}`, names: expect.arrayContaining(['Idempotency-Key']) });
    }
  });

  it('documents the sales page size and offset with their defaults', () => {
    const params = doc.paths['/sales'].get.parameters;
    expect(params).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ default: 100, maximum: 1000 }) }),
        expect.objectContaining({ name: 'offset', in: 'query', required: false, schema: expect.objectContaining({ default: 0, minimum: 0 }) }),
      ]),
    );
  });

  it('gives the created session a Location header', () => {
    expect(doc.paths['/sessions'].post.responses['201'].headers.Location).toBeDefined();
  });

  it('names every operation with a unique operationId', () => {
    const ids = operations().map(([, , op]) => (op as Operation & { operationId?: string }).operationId);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives every error status of every operation its own example problem carrying that status', () => {
    for (const [method, path, op] of operations()) {
      const seen = new Set<string>();
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || path.startsWith('/health/')) continue;
        const examples = (response.content?.['application/problem+json'] as { examples?: Record<string, { value: { status: number; type: string } }> })
          ?.examples;
        const values = Object.values(examples ?? {}).map((e) => e.value);
        expect({ at: `${method} ${path} ${status}`, count: values.length > 0 }).toEqual({ at: `${method} ${path} ${status}`, count: true });
        for (const value of values) {
          expect(value.status).toBe(Number(status));
          const key = JSON.stringify(value);
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
      }
    }
  });

  it('names the 409 kinds of a hold: seats unavailable or not for sale, no adjacent block, a stranded seat, a cancelled session, per-user seat limit, sales closed, key in use', () => {
    const examples = doc.paths['/reservations'].post.responses['409'].content['application/problem+json'].examples;
    expect(Object.values(examples).map((e) => (e as { value: { type: string } }).value.type).sort()).toEqual([
      '/problems/idempotency-key-in-use',
      '/problems/no-adjacent-seats',
      '/problems/sales-closed',
      '/problems/seat-limit-per-user-reached',
      '/problems/seats-not-for-sale',
      '/problems/seats-unavailable',
      '/problems/session-cancelled',
      '/problems/single-seat-stranded',
    ]);
  });

  it('names the 409 kinds of an extension: the limit reached, a cancelled or a paid reservation', () => {
    const examples = doc.paths['/reservations/{id}/extend'].post.responses['409'].content['application/problem+json'].examples;
    expect(Object.values(examples).map((e) => (e as { value: { type: string } }).value.type).sort()).toEqual([
      '/problems/extension-limit-reached',
      '/problems/reservation-cancelled',
      '/problems/reservation-confirmed',
    ]);
  });

  it('documents the headers the API sends: X-Request-Id everywhere, RateLimit on API answers, Retry-After on 429 and 503, Idempotent-Replayed on the idempotent POSTs', () => {
    for (const [method, path, op] of operations()) {
      const api = !['/health/live', '/health/ready', '/metrics', '/api-docs', '/api-docs.json'].includes(path);
      for (const [status, response] of Object.entries(op.responses)) {
        const headers = Object.keys((response as { headers?: object }).headers ?? {});
        const at = `${method} ${path} ${status}`;
        expect({ at, headers }).toEqual({ at, headers: expect.arrayContaining(['X-Request-Id']) });
        if (api) expect({ at, headers }).toEqual({ at, headers: expect.arrayContaining(['RateLimit', 'RateLimit-Policy']) });
        if (api && (status === '429' || status === '503')) expect({ at, headers }).toEqual({ at, headers: expect.arrayContaining(['Retry-After']) });
        if (path === '/reservations' || path === '/reservations/confirm-payment') {
          expect({ at, headers }).toEqual({ at, headers: expect.arrayContaining(['Idempotent-Replayed']) });
        }
      }
    }
  });

  it('has no `nullable` without a `type` (Ajv and Prism refuse it) and no multipleOf on ticketPrice', () => {
    const bare: string[] = [];
    const walk = (value: unknown, at: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${at}/${i}`));
      else if (value !== null && typeof value === 'object') {
        const o = value as Record<string, unknown>;
        if ('nullable' in o && !('type' in o)) bare.push(at);
        for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
      }
    };
    walk(doc, '#');
    expect(bare).toEqual([]);
    expect(doc.components.schemas.NewSession.properties.ticketPrice).not.toHaveProperty('multipleOf');
    expect(doc.components.schemas.NewSession.properties.ticketPrice).toMatchObject({ minimum: 0, maximum: 1_000_000 });
  });

  it.each(['/sessions', '/reservations/user/{userId}', '/sales', '/sales/user/{userId}'])('pages GET %s with limit (default 100, max 1000) and offset', (path) => {
    const params = doc.paths[path].get.parameters;
    expect(params).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ default: 100, maximum: 1000 }) }),
        expect.objectContaining({ name: 'offset', in: 'query', required: false, schema: expect.objectContaining({ default: 0, maximum: 1_000_000 }) }),
      ]),
    );
  });

  it('is plain JSON that survives a round trip unchanged', () => {
    const built = buildOpenApiDocument({ maxSeats: MAX_SEATS });
    expect(JSON.parse(JSON.stringify(built))).toEqual(doc);
  });
});
