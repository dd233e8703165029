import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import {
  availabilitySchema,
  liveSchema,
  problemSchema,
  readinessSchema,
  reservationSchema,
  saleSchema,
  sessionSchema,
  userSalesSchema,
} from './response-schemas';
import {
  cancelBodySchema,
  confirmBodySchema,
  idempotencyHeadersSchema,
  newSessionSchema,
  reservationIdParamsSchema,
  reserveBodySchema,
  pageQuerySchema,
  salesQuerySchema,
  sessionIdParamsSchema,
  userIdParamsSchema,
} from './schemas';
import { z } from './zod';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

const PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed JSON, a field of the wrong type or range, an unknown or repeated seat label, or a non-uuid id',
  403: "Another user's reservation",
  404: 'Unknown session, reservation or route',
  409: 'Conflict with the current state',
  410: 'The reservation expired',
  413: 'Body over 100 kB',
  415: 'The body is not application/json',
  422: 'Same Idempotency-Key with a different body',
  429: 'Rate limit exceeded (see Retry-After and RateLimit)',
  503: 'A dependency or the owner of the session is unreachable; retry after Retry-After',
};

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } };

function problems(statuses: readonly number[], overrides: Readonly<Record<number, string>> = {}): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  for (const status of statuses) {
    out[String(status)] = {
      description: overrides[status] ?? PROBLEM_TEXT[status] ?? 'Problem',
      headers: status === 429 || status === 503 ? retryAfter : undefined,
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  return out;
}

function json(description: string, schema: ZodType, headers?: ResponseConfig['headers']): ResponseConfig {
  return { description, headers, content: { 'application/json': { schema } } };
}

const jsonBody = (schema: ZodType) => ({ required: true, content: { 'application/json': { schema } } });

/** Every API route is rate limited, and may be refused as unavailable. */
const API = [429, 503] as const;
const BODY = [400, 413, 415] as const;

function apiRoutes(maxSeats: number): RouteConfig[] {
  const reserveBody = reserveBodySchema(maxSeats);
  return [
    {
      method: 'post', path: '/sessions', tags: ['Sessions'], summary: 'Create a session',
      request: { body: jsonBody(newSessionSchema) },
      responses: {
        201: json('The session', sessionSchema, { Location: { description: '/sessions/{id}', schema: { type: 'string' } } }),
        ...problems([...BODY, ...API]),
      },
    },
    {
      method: 'get', path: '/sessions', tags: ['Sessions'], summary: 'List sessions, soonest first (paged)',
      request: { query: pageQuerySchema },
      responses: { 200: json('One page of sessions', z.array(sessionSchema)), ...problems([400, ...API]) },
    },
    {
      method: 'get', path: '/sessions/{id}', tags: ['Sessions'], summary: 'Get a session',
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('The session', sessionSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/sessions/{id}/availability', tags: ['Sessions'], summary: 'Seat map of a session',
      description: "Served from the session actor's memory, not from a database query.",
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('Every seat and its status', availabilitySchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'post', path: '/reservations', tags: ['Reservations'], summary: 'Hold seats (all or nothing)',
      request: { headers: idempotencyHeadersSchema, body: jsonBody(reserveBody) },
      responses: {
        201: json('The reservation, PENDING until expiresAt', reservationSchema),
        ...problems([...BODY, 404, 409, 422, ...API], { 409: 'A seat is not available (see unavailableSeats), or the key is in use' }),
      },
    },
    {
      method: 'post', path: '/reservations/confirm-payment', tags: ['Reservations'], summary: 'Pay for a reservation',
      description: 'Confirming an already confirmed reservation answers 200 with the same sales.',
      request: { headers: idempotencyHeadersSchema, body: jsonBody(confirmBodySchema) },
      responses: {
        200: json('One sale per seat; the seats are SOLD', z.array(saleSchema)),
        ...problems([...BODY, 403, 404, 409, 410, 422, ...API], { 409: 'The reservation was cancelled, or the key is in use' }),
      },
    },
    {
      method: 'post', path: '/reservations/{id}/cancel', tags: ['Reservations'], summary: 'Cancel a reservation',
      description: 'Its seats are free at once. Cancelling twice answers 200.',
      request: { params: reservationIdParamsSchema, body: jsonBody(cancelBodySchema) },
      responses: {
        200: json('The reservation, CANCELLED', reservationSchema),
        ...problems([...BODY, 403, 404, 409, ...API], { 409: 'The reservation is already confirmed' }),
      },
    },
    {
      method: 'get', path: '/reservations/{id}', tags: ['Reservations'], summary: 'Get a reservation',
      request: { params: reservationIdParamsSchema },
      responses: { 200: json('The reservation', reservationSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/reservations/user/{userId}', tags: ['Reservations'], summary: "A user's reservations, newest first (paged)",
      request: { params: userIdParamsSchema, query: pageQuerySchema },
      responses: { 200: json('One page of reservations', z.array(reservationSchema)), ...problems([400, ...API]) },
    },
    {
      method: 'get', path: '/sales', tags: ['Sales'], summary: 'Sales, newest first (paged)',
      request: { query: salesQuerySchema },
      responses: { 200: json('Sales', z.array(saleSchema)), ...problems([400, ...API]) },
    },
    {
      method: 'get', path: '/sales/user/{userId}', tags: ['Sales'], summary: "A user's purchases (paged) and the totals of all of them",
      description: '`purchases` is one page, newest first; `totalPurchases` and `totalAmount` count every purchase of the user.',
      request: { params: userIdParamsSchema, query: pageQuerySchema },
      responses: { 200: json('Purchases', userSalesSchema), ...problems([400, ...API]) },
    },
  ];
}

function operationsRoutes(): RouteConfig[] {
  return [
    {
      method: 'get', path: '/health/live', tags: ['Operations'], summary: 'Liveness: 200 while the process runs',
      responses: { 200: json('Alive', liveSchema) },
    },
    {
      method: 'get', path: '/health/ready', tags: ['Operations'], summary: "Readiness: each dependency's state",
      responses: { 200: json('Ready', readinessSchema), 503: json('Not ready, or shutting down', readinessSchema) },
    },
    {
      method: 'get', path: '/metrics', tags: ['Operations'], summary: 'Prometheus metrics',
      responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } } },
    },
    {
      method: 'get', path: '/api-docs', tags: ['Operations'], summary: 'Swagger UI',
      responses: { 200: { description: 'HTML page', content: { 'text/html': { schema: z.string() } } } },
    },
    {
      method: 'get', path: '/api-docs.json', tags: ['Operations'], summary: 'This OpenAPI document',
      responses: { 200: { description: 'OpenAPI 3.0 document', content: { 'application/json': { schema: z.object({}).loose() } } } },
    },
  ];
}

/** The OpenAPI 3.0 document of the REST API, generated from the schemas that validate the requests. */
export function buildOpenApiDocument(params: { maxSeats: number }): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.register('Problem', problemSchema);
  for (const route of [...apiRoutes(params.maxSeats), ...operationsRoutes()]) registry.registerPath(route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Cinema seat reservation API',
      version: '1.0.0',
      description:
        'Sessions, seat holds that expire, payments and sales. Every error is application/problem+json (RFC 9457). ' +
        `A reservation holds 1 to ${params.maxSeats} seats.`,
    },
    tags: [
      { name: 'Sessions', description: 'Cinema sessions and their seat maps' },
      { name: 'Reservations', description: 'Seat holds, payment and cancellation' },
      { name: 'Sales', description: 'Seats sold' },
      { name: 'Operations', description: 'Health, metrics and documentation' },
    ],
  });
}
