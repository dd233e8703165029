import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodType } from 'zod';
import {
  availabilitySchema,
  liveSchema,
  problemSchema,
  readinessSchema,
  reservationSchema,
  saleSchema,
  seatChangeSchema,
  sessionSchema,
  userSalesSchema,
} from './response-schemas';
import {
  cancelBodySchema,
  confirmBodySchema,
  extendBodySchema,
  idempotencyHeadersSchema,
  newSessionSchema,
  reservationIdParamsSchema,
  reserveBodySchema,
  salesQuerySchema,
  sessionIdParamsSchema,
  userIdParamsSchema,
} from './schemas';
import { z } from './zod';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

const PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed JSON, a field of the wrong type or range, an unknown or repeated seat label, or a non-uuid id',
  401: 'No bearer token, or one that is malformed, expired, badly signed or for another issuer/audience (jwt mode; see WWW-Authenticate)',
  403: "Another user's reservation, a userId that is not the token's sub, or a route that needs the admin role",
  404: 'Unknown session, reservation or route',
  409: 'Conflict with the current state',
  410: 'The reservation expired',
  413: 'Body over 100 kB',
  415: 'The body is not application/json',
  422: 'Same Idempotency-Key with a different body',
  429: 'Rate limit exceeded (see Retry-After and RateLimit)',
  503: 'A dependency or the owner of the session is unreachable; retry after Retry-After',
};

const wwwAuthenticate = {
  'WWW-Authenticate': {
    description: 'Bearer challenge (RFC 6750), with error="invalid_token" when a token was sent and refused',
    schema: { type: 'string' as const },
  },
};

/** The bearer security scheme's name in components.securitySchemes. */
export const BEARER_SCHEME = 'bearerAuth';
const bearer = [{ [BEARER_SCHEME]: [] }];
const ADMIN_ONLY = 'Needs the admin role (a `roles` claim with `admin`, or the `cinema:admin` scope) in jwt mode.';

const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' as const } } };

function problems(statuses: readonly number[], overrides: Readonly<Record<number, string>> = {}): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  for (const status of statuses) {
    out[String(status)] = {
      description: overrides[status] ?? PROBLEM_TEXT[status] ?? 'Problem',
      headers: status === 429 || status === 503 ? retryAfter : status === 401 ? wwwAuthenticate : undefined,
      content: { 'application/problem+json': { schema: problemSchema } },
    };
  }
  return out;
}

function json(description: string, schema: ZodType, headers?: ResponseConfig['headers']): ResponseConfig {
  return { description, headers, content: { 'application/json': { schema } } };
}

const jsonBody = (schema: ZodType) => ({ required: true, content: { 'application/json': { schema } } });

/** Every API route needs a token (jwt mode), is rate limited, and may be refused as unavailable. */
const API = [401, 429, 503] as const;
const BODY = [400, 413, 415] as const;

function apiRoutes(maxSeats: number): RouteConfig[] {
  const reserveBody = reserveBodySchema(maxSeats);
  return [
    {
      method: 'post', path: '/sessions', tags: ['Sessions'], summary: 'Create a session', description: ADMIN_ONLY,
      request: { body: jsonBody(newSessionSchema) },
      responses: {
        201: json('The session', sessionSchema, { Location: { description: '/sessions/{id}', schema: { type: 'string' } } }),
        ...problems([...BODY, 403, ...API]),
      },
    },
    {
      method: 'post', path: '/sessions/{id}/cancel', tags: ['Sessions'], summary: 'Cancel a screening',
      description:
        'No new holds; pending holds are released; every sold seat is refunded (one `sale.refunded` event each). ' +
        `Cancelling again answers 200 with the same session. ${ADMIN_ONLY}`,
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('The session, status CANCELLED', sessionSchema), ...problems([400, 403, 404, ...API]) },
    },
    {
      method: 'get', path: '/sessions', tags: ['Sessions'], summary: 'List sessions, soonest first',
      responses: { 200: json('Sessions', z.array(sessionSchema)), ...problems(API) },
    },
    {
      method: 'get', path: '/sessions/{id}', tags: ['Sessions'], summary: 'Get a session',
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('The session', sessionSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/sessions/{id}/availability', tags: ['Sessions'], summary: 'Seat map of a session',
      description:
        'Served from memory on any instance: by the owner of the session from its actor, by the others from their read ' +
        'model (which follows the committed events; past its lag bound it reads the committed rows instead). ' +
        '`ETag` is the version in quotes; `If-None-Match` with it answers 304 while nothing changed.',
      request: {
        params: sessionIdParamsSchema,
        headers: z.object({ 'If-None-Match': z.string().optional().openapi({ example: '"12"' }) }),
      },
      responses: {
        200: json('Every seat and its status', availabilitySchema, {
          ETag: { description: 'The version, quoted: "12"', schema: { type: 'string' } },
          'Cache-Control': { description: 'no-cache: revalidate with If-None-Match', schema: { type: 'string' } },
        }),
        304: { description: 'Not modified: the version named in If-None-Match is still the current one' },
        ...problems([400, 404, ...API]),
      },
    },
    {
      method: 'get', path: '/sessions/{id}/availability/stream', tags: ['Sessions'], summary: 'Seat map, live (Server-Sent Events)',
      description: [
        'A `text/event-stream` of the seat map (EventSource). Each event has `id:` = the version it brings the client to.',
        '',
        '- `event: snapshot`, data: the whole availability document (the same JSON as GET …/availability). Sent first, and',
        '  again whenever the client cannot be brought forward change by change (it fell behind, or resumed from too far back).',
        '- `event: change`, data: a SeatChange, one per committed seat event, version = previous version + 1.',
        '- `: keep-alive` comment lines every STREAM_HEARTBEAT_MS.',
        '',
        'Reconnecting with `Last-Event-ID` (EventSource does it by itself; or `?lastEventId=`) resumes with exactly the',
        'changes missed, or a snapshot when they are no longer known. Versions never go back. Past STREAMS_MAX open streams',
        'on the instance: 503 with Retry-After.',
      ].join('\n'),
      request: {
        params: sessionIdParamsSchema,
        headers: z.object({ 'Last-Event-ID': z.string().optional().openapi({ description: 'The last version received', example: '12' }) }),
        query: z.object({ lastEventId: z.string().optional().openapi({ description: 'Same as Last-Event-ID (for clients that cannot set headers)' }) }),
      },
      responses: {
        200: {
          description: 'The stream (stays open). The `change` events carry SeatChange; `snapshot` events carry Availability.',
          content: { 'text/event-stream': { schema: z.union([availabilitySchema, seatChangeSchema]) } },
        },
        ...problems([400, 404, ...API], { 503: 'Too many open streams on this instance, or a dependency is down; retry after Retry-After' }),
      },
    },
    {
      method: 'post', path: '/reservations', tags: ['Reservations'], summary: 'Hold seats (all or nothing)',
      description:
        'Either the seats named (`seatNumbers`) or best available (`quantity`, optionally `category`): that many ' +
        'adjacent seats in one row, preferred rows first, then nearest the row centre (README "Box office"). ' +
        'A user holds and buys at most MAX_SEATS_PER_USER_PER_SESSION seats of one session.',
      request: { headers: idempotencyHeadersSchema, body: jsonBody(reserveBody) },
      responses: {
        201: json('The reservation, PENDING until expiresAt', reservationSchema),
        ...problems([...BODY, 403, 404, 409, 422, ...API], {
          409:
            'A seat is taken or not for sale (/problems/seats-unavailable, /problems/seats-not-for-sale: ' +
            'unavailableSeats); no block of that size is free (/problems/no-adjacent-seats: largestBlock); the hold ' +
            'would leave a single seat alone (/problems/single-seat-stranded: strandedSeat); the session is cancelled ' +
            '(/problems/session-cancelled); the per-user seat limit is reached; or the key is in use',
        }),
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
      description:
        'Its seats are free at once. Cancelling twice answers 200. An admin may leave userId out to cancel any ' +
        'reservation (the box office).',
      request: { params: reservationIdParamsSchema, body: jsonBody(cancelBodySchema) },
      responses: {
        200: json('The reservation, CANCELLED', reservationSchema),
        ...problems([...BODY, 403, 404, 409, ...API], { 409: 'The reservation is already confirmed' }),
      },
    },
    {
      method: 'post', path: '/reservations/{id}/extend', tags: ['Reservations'], summary: 'Extend a pending hold',
      description:
        'Adds RESERVATION_EXTENSION_SECONDS to expiresAt, at most MAX_EXTENSIONS times per hold. Only the holder ' +
        "extends; with a token another user's reservation answers 404.",
      request: { params: reservationIdParamsSchema, body: jsonBody(extendBodySchema) },
      responses: {
        200: json('The reservation with its new expiresAt', reservationSchema),
        ...problems([...BODY, 403, 404, 409, 410, ...API], {
          409: 'The extension limit is reached (/problems/extension-limit-reached), or the reservation is no longer pending',
        }),
      },
    },
    {
      method: 'get', path: '/reservations/{id}', tags: ['Reservations'], summary: 'Get a reservation',
      request: { params: reservationIdParamsSchema },
      responses: { 200: json('The reservation', reservationSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/reservations/user/{userId}', tags: ['Reservations'], summary: "A user's reservations, newest first",
      request: { params: userIdParamsSchema },
      description: "The caller's own, or any user's for an admin.",
      responses: { 200: json('Reservations', z.array(reservationSchema)), ...problems([400, 403, ...API]) },
    },
    {
      method: 'get', path: '/sales', tags: ['Sales'], summary: 'Sales, newest first', description: ADMIN_ONLY,
      request: { query: salesQuerySchema },
      responses: { 200: json('Sales', z.array(saleSchema)), ...problems([400, 403, ...API]) },
    },
    {
      method: 'get', path: '/sales/user/{userId}', tags: ['Sales'], summary: "A user's purchases and their total",
      description: "The caller's own, or any user's for an admin.",
      request: { params: userIdParamsSchema },
      responses: { 200: json('Purchases', userSalesSchema), ...problems([400, 403, ...API]) },
    },
  ];
}

/** Every API operation takes the bearer token; in open mode (AUTH_MODE=open) it is ignored. */
function secured(route: RouteConfig): RouteConfig {
  return { ...route, security: bearer };
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
      description: `${ADMIN_ONLY} With METRICS_PORT set, served there without a token instead (404 here).`,
      security: bearer,
      responses: {
        200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
        ...problems([401, 403, 404]),
      },
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
  registry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT whose `sub` is the user id (RFC 6750). For development: `npm run token -- --sub alice [--admin]`.',
  });
  const operations = operationsRoutes().map((r) => (r.security ? r : { ...r, security: [] }));
  for (const route of [...apiRoutes(params.maxSeats).map(secured), ...operations]) registry.registerPath(route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Cinema seat reservation API',
      version: '1.0.0',
      description:
        'Sessions, seat holds that expire, payments and sales. Every error is application/problem+json (RFC 9457). ' +
        `A reservation holds 1 to ${params.maxSeats} seats. ` +
        'With AUTH_MODE=jwt every API call needs `Authorization: Bearer <JWT>` (use Authorize): the user is the ' +
        "token's `sub`, and `userId` in a body may be left out (an admin may name another user). With AUTH_MODE=open " +
        'nobody is authenticated and `userId` is required.',
    },
    tags: [
      { name: 'Sessions', description: 'Cinema sessions and their seat maps' },
      { name: 'Reservations', description: 'Seat holds, payment and cancellation' },
      { name: 'Sales', description: 'Seats sold' },
      { name: 'Operations', description: 'Health, metrics and documentation' },
    ],
  });
}
