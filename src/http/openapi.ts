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
  pageQuerySchema,
  salesQuerySchema,
  sessionIdParamsSchema,
  userIdParamsSchema,
} from './schemas';
import { z } from './zod';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV3['generateDocument']>;

const PROBLEM_TEXT: Readonly<Record<number, string>> = {
  400: 'Malformed JSON, a field of the wrong type, length or range, a control character in a text, an unknown or repeated seat label, a non-uuid id, or a start time in the past',
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

type Headers = Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;
const text = { type: 'string' as const };

/** Sent on every answer (taken from the request when short and plain, else generated). */
const REQUEST_ID: Headers = { 'X-Request-Id': { description: 'The request id, echoed or generated', schema: text } };
/** Sent on every answer of a rate-limited route (IETF draft-8 RateLimit header fields). */
const RATE_LIMIT: Headers = {
  RateLimit: { description: 'Remaining quota of this client, e.g. `"100-in-1min"; r=99; t=60`', schema: text },
  'RateLimit-Policy': { description: 'The quota policy, e.g. `"100-in-1min"; q=100; w=60`', schema: text },
};
const RETRY_AFTER: Headers = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };
const REPLAYED: Headers = {
  'Idempotent-Replayed': { description: '`true` when this answer is a replay of the first one for the Idempotency-Key', schema: text },
};

/** One example problem per status; `examples` per operation may name several (e.g. the kinds of 409). */
const PROBLEM_EXAMPLE: Readonly<Record<number, { type: string; title: string; detail: string; [extra: string]: unknown }>> = {
  400: {
    type: '/problems/invalid-request',
    title: 'Invalid request',
    detail: 'The request body is invalid.',
    errors: [{ path: 'body.userId', message: 'must not contain control characters' }],
  },
  401: { type: '/problems/unauthorized', title: 'Unauthorized', detail: 'The bearer token expired' },
  403: { type: '/problems/forbidden', title: 'Forbidden', detail: 'This reservation belongs to another user' },
  404: { type: '/problems/not-found', title: 'Not found', detail: 'Session 3f6c1e9a-8a5e-4d8b-9d0b-2a1f4b7c9e10 not found' },
  409: { type: '/problems/conflict', title: 'Conflict', detail: 'Conflict with the current state' },
  410: { type: '/problems/reservation-expired', title: 'Reservation expired', detail: 'The reservation expired; its seats were released' },
  413: { type: '/problems/payload-too-large', title: 'Payload too large', detail: 'The request body is larger than 102400 bytes.' },
  415: { type: '/problems/unsupported-media-type', title: 'Unsupported media type', detail: 'The request body must be application/json.' },
  422: {
    type: '/problems/idempotency-key-reused',
    title: 'Idempotency key reused',
    detail: 'This Idempotency-Key was already used with a different request body.',
  },
  429: { type: '/problems/too-many-requests', title: 'Too many requests', detail: 'Rate limit exceeded; retry in 42 s.' },
  503: { type: '/problems/service-unavailable', title: 'Service unavailable', detail: 'Session unavailable: the owner did not answer' },
};

/** The kinds of 409 an operation may answer, each as its own example. */
const CONFLICTS = {
  seatsUnavailable: {
    type: '/problems/seats-unavailable', title: 'Seats unavailable', detail: 'Seats not available: A1', unavailableSeats: ['A1'],
  },
  salesClosed: {
    type: '/problems/sales-closed', title: 'Sales closed',
    detail: 'Sales for this session closed at 2030-01-01T20:00:00.000Z', closedAt: '2030-01-01T20:00:00.000Z',
  },
  keyInUse: {
    type: '/problems/idempotency-key-in-use', title: 'Idempotency key in use',
    detail: 'A request with this Idempotency-Key is still being processed.',
  },
  cancelled: { type: '/problems/reservation-cancelled', title: 'Reservation cancelled', detail: 'The reservation was cancelled' },
  confirmed: { type: '/problems/reservation-confirmed', title: 'Reservation confirmed', detail: 'The reservation is already paid' },
  seatLimit: {
    type: '/problems/seat-limit-per-user-reached', title: 'Seat limit per user reached',
    detail: 'At most 10 seats per user in one session (MAX_SEATS_PER_USER_PER_SESSION); this user has 10',
    limit: 'MAX_SEATS_PER_USER_PER_SESSION', max: 10, held: 10,
  },
  notForSale: {
    type: '/problems/seats-not-for-sale', title: 'Seats not for sale', detail: 'Seats not for sale: E1', unavailableSeats: ['E1'],
  },
  noAdjacentSeats: {
    type: '/problems/no-adjacent-seats', title: 'No adjacent seats',
    detail: 'No 4 adjacent seats are free; the largest free block has 3', quantity: 4, largestBlock: 3,
  },
  strandedSeat: {
    type: '/problems/single-seat-stranded', title: 'Single seat stranded',
    detail: 'This hold would leave seat A3 alone; choose seats that leave no single empty seat', strandedSeat: 'A3',
  },
  sessionCancelled: { type: '/problems/session-cancelled', title: 'Session cancelled', detail: 'The session was cancelled' },
  extensionLimit: {
    type: '/problems/extension-limit-reached', title: 'Extension limit reached',
    detail: 'A hold can be extended at most 1 times', maxExtensions: 1,
  },
  expired: {
    type: '/problems/reservation-expired', title: 'Reservation expired',
    detail: 'The reservation expired before it was cancelled; its seats were already released',
  },
} as const;

type ConflictKind = keyof typeof CONFLICTS;

function problems(
  statuses: readonly number[],
  overrides: Readonly<Record<number, string>> = {},
  conflicts: readonly ConflictKind[] = [],
  extraHeaders: Headers = {},
): Record<string, ResponseConfig> {
  const out: Record<string, ResponseConfig> = {};
  for (const status of statuses) {
    const examples =
      status === 409 && conflicts.length > 0
        ? Object.fromEntries(conflicts.map((kind) => [kind, { value: { ...CONFLICTS[kind], status } }]))
        : { [`status${status}`]: { value: { ...PROBLEM_EXAMPLE[status], status } } };
    out[String(status)] = {
      description: overrides[status] ?? PROBLEM_TEXT[status] ?? 'Problem',
      headers: {
        ...REQUEST_ID,
        ...RATE_LIMIT,
        ...extraHeaders,
        ...(status === 401 ? wwwAuthenticate : {}),
        ...(status === 429 || status === 503 || (status === 409 && conflicts.includes('keyInUse')) ? RETRY_AFTER : {}),
      },
      content: { 'application/problem+json': { schema: problemSchema, examples } },
    };
  }
  return out;
}

/** A JSON answer of a rate-limited API route. */
function json(description: string, schema: ZodType, headers?: Headers): ResponseConfig {
  return { description, headers: { ...REQUEST_ID, ...RATE_LIMIT, ...headers }, content: { 'application/json': { schema } } };
}

/** A JSON answer of an operations route (never rate limited). */
function opsJson(description: string, schema: ZodType): ResponseConfig {
  return { description, headers: REQUEST_ID, content: { 'application/json': { schema } } };
}

const jsonBody = (schema: ZodType) => ({ required: true, content: { 'application/json': { schema } } });

/** Every API route needs a token (jwt mode), is rate limited, and may be refused as unavailable. */
const API = [401, 429, 503] as const;
const BODY = [400, 413, 415] as const;

function apiRoutes(maxSeats: number): RouteConfig[] {
  const reserveBody = reserveBodySchema(maxSeats);
  return [
    {
      method: 'post', path: '/sessions', operationId: 'createSession', tags: ['Sessions'], summary: 'Create a session',
      description: ADMIN_ONLY,
      request: { body: jsonBody(newSessionSchema) },
      responses: {
        201: json('The session', sessionSchema, { Location: { description: '/sessions/{id}', schema: { type: 'string' } } }),
        ...problems([...BODY, 403, ...API]),
      },
    },
    {
      method: 'post', path: '/sessions/{id}/cancel', operationId: 'cancelSession', tags: ['Sessions'], summary: 'Cancel a screening',
      description:
        'No new holds; pending holds are released; every sold seat is refunded (one `sale.refunded` event each). ' +
        `Cancelling again answers 200 with the same session. ${ADMIN_ONLY}`,
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('The session, status CANCELLED', sessionSchema), ...problems([400, 403, 404, ...API]) },
    },
    {
      method: 'get', path: '/sessions', operationId: 'listSessions', tags: ['Sessions'], summary: 'List sessions, soonest first (paged)',
      request: { query: pageQuerySchema },
      responses: { 200: json('One page of sessions', z.array(sessionSchema)), ...problems([400, ...API]) },
    },
    {
      method: 'get', path: '/sessions/{id}', operationId: 'getSession', tags: ['Sessions'], summary: 'Get a session',
      request: { params: sessionIdParamsSchema },
      responses: { 200: json('The session', sessionSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/sessions/{id}/availability', operationId: 'getAvailability', tags: ['Sessions'], summary: 'Seat map of a session',
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
        304: {
          description: 'Not modified: the version named in If-None-Match is still the current one',
          headers: { ...REQUEST_ID, ...RATE_LIMIT, ETag: { description: 'The version, quoted', schema: text } },
        },
        ...problems([400, 404, ...API]),
      },
    },
    {
      method: 'get', path: '/sessions/{id}/availability/stream', operationId: 'streamAvailability', tags: ['Sessions'], summary: 'Seat map, live (Server-Sent Events)',
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
          headers: { ...REQUEST_ID, ...RATE_LIMIT },
          content: { 'text/event-stream': { schema: z.union([availabilitySchema, seatChangeSchema]) } },
        },
        ...problems([400, 404, ...API], { 503: 'Too many open streams on this instance, or a dependency is down; retry after Retry-After' }),
      },
    },
    {
      method: 'post', path: '/reservations', operationId: 'holdSeats', tags: ['Reservations'], summary: 'Hold seats (all or nothing)',
      description:
        'Either the seats named (`seatNumbers`) or best available (`quantity`, optionally `category`): that many ' +
        'adjacent seats in one row, preferred rows first, then nearest the row centre (README "Box office"). ' +
        'A user holds and buys at most MAX_SEATS_PER_USER_PER_SESSION seats of one session.',
      request: { headers: idempotencyHeadersSchema, body: jsonBody(reserveBody) },
      responses: {
        201: json('The reservation, PENDING until expiresAt', reservationSchema, REPLAYED),
        ...problems(
          [...BODY, 403, 404, 409, 422, ...API],
          {
            409:
              'A seat is taken or not for sale (unavailableSeats); no block of that size is free (largestBlock); the hold ' +
              'would leave a single seat alone (strandedSeat); the session is cancelled; the per-user seat limit is ' +
              'reached; sales for the session have closed; or the key is in use',
          },
          ['seatsUnavailable', 'notForSale', 'noAdjacentSeats', 'strandedSeat', 'sessionCancelled', 'seatLimit', 'salesClosed', 'keyInUse'],
          REPLAYED,
        ),
      },
    },
    {
      method: 'post', path: '/reservations/confirm-payment', operationId: 'confirmPayment', tags: ['Reservations'], summary: 'Pay for a reservation',
      description: 'Confirming an already confirmed reservation answers 200 with the same sales.',
      request: { headers: idempotencyHeadersSchema, body: jsonBody(confirmBodySchema) },
      responses: {
        200: json('One sale per seat; the seats are SOLD', z.array(saleSchema), REPLAYED),
        ...problems(
          [...BODY, 403, 404, 409, 410, 422, ...API],
          { 409: 'The reservation was cancelled, sales for the session have closed, or the key is in use' },
          ['cancelled', 'salesClosed', 'keyInUse'],
          REPLAYED,
        ),
      },
    },
    {
      method: 'post', path: '/reservations/{id}/cancel', operationId: 'cancelReservation', tags: ['Reservations'], summary: 'Cancel a reservation',
      description:
        'Its seats are free at once. Cancelling twice answers 200. A hold that expired before the cancel answers 409 ' +
        '(`/problems/reservation-expired`): its seats were already released. An admin may leave userId out to cancel ' +
        'any reservation (the box office).',
      request: { params: reservationIdParamsSchema, body: jsonBody(cancelBodySchema) },
      responses: {
        200: json('The reservation, CANCELLED', reservationSchema),
        ...problems([...BODY, 403, 404, 409, ...API], { 409: 'The reservation is already confirmed, or it expired' }, [
          'confirmed',
          'expired',
        ]),
      },
    },
    {
      method: 'post', path: '/reservations/{id}/extend', operationId: 'extendReservation', tags: ['Reservations'], summary: 'Extend a pending hold',
      description:
        'Adds RESERVATION_EXTENSION_SECONDS to expiresAt, at most MAX_EXTENSIONS times per hold. Only the holder ' +
        "extends; with a token another user's reservation answers 404.",
      request: { params: reservationIdParamsSchema, body: jsonBody(extendBodySchema) },
      responses: {
        200: json('The reservation with its new expiresAt', reservationSchema),
        ...problems(
          [...BODY, 403, 404, 409, 410, ...API],
          { 409: 'The extension limit is reached, or the reservation is no longer pending' },
          ['extensionLimit', 'cancelled', 'confirmed'],
        ),
      },
    },
    {
      method: 'get', path: '/reservations/{id}', operationId: 'getReservation', tags: ['Reservations'], summary: 'Get a reservation',
      request: { params: reservationIdParamsSchema },
      responses: { 200: json('The reservation', reservationSchema), ...problems([400, 404, ...API]) },
    },
    {
      method: 'get', path: '/reservations/user/{userId}', operationId: 'listUserReservations', tags: ['Reservations'], summary: "A user's reservations, newest first (paged)",
      request: { params: userIdParamsSchema, query: pageQuerySchema },
      description: "The caller's own, or any user's for an admin.",
      responses: { 200: json('One page of reservations', z.array(reservationSchema)), ...problems([400, 403, ...API]) },
    },
    {
      method: 'get', path: '/sales', operationId: 'listSales', tags: ['Sales'], summary: 'Sales, newest first (paged)', description: ADMIN_ONLY,
      request: { query: salesQuerySchema },
      responses: { 200: json('Sales', z.array(saleSchema)), ...problems([400, 403, ...API]) },
    },
    {
      method: 'get', path: '/sales/user/{userId}', operationId: 'getUserSales', tags: ['Sales'], summary: "A user's purchases (paged) and the totals of all of them",
      description:
        "The caller's own, or any user's for an admin. `purchases` is one page, newest first; `totalPurchases` and " +
        '`totalAmount` count every purchase of the user.',
      request: { params: userIdParamsSchema, query: pageQuerySchema },
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
      method: 'get', path: '/health/live', operationId: 'getLiveness', tags: ['Operations'], summary: 'Liveness: 200 while the process runs',
      responses: { 200: opsJson('Alive', liveSchema) },
    },
    {
      method: 'get', path: '/health/ready', operationId: 'getReadiness', tags: ['Operations'], summary: "Readiness: each dependency's state",
      responses: { 200: opsJson('Ready', readinessSchema), 503: opsJson('Not ready, or shutting down', readinessSchema) },
    },
    {
      method: 'get', path: '/metrics', operationId: 'getMetrics', tags: ['Operations'], summary: 'Prometheus metrics',
      description: `${ADMIN_ONLY} With METRICS_PORT set, served there without a token instead (404 here).`,
      security: bearer,
      responses: {
        200: { description: 'Prometheus text format', headers: REQUEST_ID, content: { 'text/plain': { schema: z.string() } } },
        ...problems([401, 403, 404]),
      },
    },
    {
      method: 'get', path: '/api-docs', operationId: 'getSwaggerUi', tags: ['Operations'], summary: 'Swagger UI',
      responses: { 200: { description: 'HTML page', headers: REQUEST_ID, content: { 'text/html': { schema: z.string() } } } },
    },
    {
      method: 'get', path: '/api-docs.json', operationId: 'getOpenApiDocument', tags: ['Operations'], summary: 'This OpenAPI document',
      responses: { 200: { description: 'OpenAPI 3.0 document', headers: REQUEST_ID, content: { 'application/json': { schema: z.object({}).loose() } } } },
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
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Cinema seat reservation API',
      version: '1.0.0',
      description:
        'Sessions, seat holds that expire, payments and sales. Every error is application/problem+json (RFC 9457). ' +
        `A reservation holds 1 to ${params.maxSeats} seats. A method a known path does not support answers 405 with ` +
        'an `Allow` header. Every list is paged with `limit` (default 100, at most 1000) and `offset`. ' +
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
  return withoutBareNullable(document);
}

/**
 * zod-to-openapi renders "any value" (the extra members of a loose object) as `{ nullable: true }`, which OpenAPI 3.0
 * validators (Ajv, Prism) refuse: `nullable` needs a `type`. Such a schema becomes `{}` (any value).
 */
function withoutBareNullable<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutBareNullable) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = withoutBareNullable(v);
  if ('nullable' in out && !('type' in out) && !('$ref' in out) && !('allOf' in out) && !('oneOf' in out) && !('anyOf' in out)) {
    delete out.nullable;
  }
  return out as T;
}
