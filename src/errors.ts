/**
 * The one error hierarchy of the service. Each error knows its HTTP status and whether a retry may succeed;
 * the HTTP layer renders every one of them as application/problem+json (RFC 9457).
 */
export interface ProblemExtras {
  readonly [field: string]: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly retriable: boolean;
  readonly title: string;
  readonly extras: ProblemExtras;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds?: number;
  /** Extra response headers the problem needs (e.g. WWW-Authenticate on a 401, Allow on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(params: {
    status: number;
    title: string;
    detail: string;
    retriable?: boolean;
    extras?: ProblemExtras;
    retryAfterSeconds?: number;
    headers?: Readonly<Record<string, string>>;
    cause?: unknown;
  }) {
    // An expected refusal (4xx) is an answer, not a fault: no stack is captured for it (capturing one costs more
    // than the rest of a refused request). Server-side errors (5xx) keep theirs for the log.
    const stackTraceLimit = Error.stackTraceLimit;
    if (params.status < 500) Error.stackTraceLimit = 0;
    try {
      super(params.detail, { cause: params.cause });
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    this.name = new.target.name;
    this.status = params.status;
    this.title = params.title;
    this.retriable = params.retriable ?? false;
    this.extras = params.extras ?? {};
    this.retryAfterSeconds = params.retryAfterSeconds;
    this.headers = params.headers ?? {};
  }

  /** A stable URI reference naming the kind of problem, e.g. "/problems/seats-unavailable". */
  get type(): string {
    return problemType(this.title);
  }
}

/**
 * An expected refusal (404, 409, 410, ...) as a value: what the problem+json answer says, and nothing else. Seat
 * conflicts are the most common answer under load, so they are returned, not thrown: no stack is captured and no
 * error path is taken. Rendered by the same code as AppError (src/http/problem.ts).
 */
export class Refusal {
  readonly extras: ProblemExtras;
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    extras?: ProblemExtras,
    readonly retriable = false,
    readonly retryAfterSeconds?: number,
  ) {
    this.extras = extras ?? NO_EXTRAS;
  }

  get type(): string {
    return problemType(this.title);
  }
}

const NO_EXTRAS: ProblemExtras = Object.freeze({});

export function isRefusal(value: unknown): value is Refusal {
  return value instanceof Refusal;
}

export const refusals = {
  notFound: (detail: string) => new Refusal(404, 'Not found', detail),
  forbidden: (detail: string) => new Refusal(403, 'Forbidden', detail),
  conflict: (detail: string, title = 'Conflict', extras?: ProblemExtras) => new Refusal(409, title, detail, extras),
  seatsUnavailable: (seats: readonly string[]) =>
    new Refusal(409, 'Seats unavailable', `Seats not available: ${seats.join(', ')}`, { unavailableSeats: seats }),
  /** MAX_SEATS_PER_USER_PER_SESSION: the user already holds or bought `held` seats of this session. */
  seatLimitPerUser: (max: number, held: number) =>
    new Refusal(
      409,
      'Seat limit per user reached',
      `At most ${max} seats per user in one session (MAX_SEATS_PER_USER_PER_SESSION); this user has ${held}`,
      { limit: 'MAX_SEATS_PER_USER_PER_SESSION', max, held },
    ),
  gone: (detail: string) => new Refusal(410, 'Reservation expired', detail),
  invalid: (detail: string, errors: readonly FieldIssue[] = []) => new Refusal(400, 'Invalid request', detail, { errors }),
  unavailable: (detail: string, retryAfterSeconds = 1) =>
    new Refusal(503, 'Service unavailable', detail, undefined, true, retryAfterSeconds),
};

const problemTypes = new Map<string, string>();

/** A stable URI reference naming the kind of problem, e.g. "/problems/seats-unavailable". */
export function problemType(title: string): string {
  let type = problemTypes.get(title);
  if (type === undefined) {
    type = `/problems/${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/(^-|-$)/g, '')}`;
    if (problemTypes.size < 1000) problemTypes.set(title, type);
  }
  return type;
}

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class ValidationError extends AppError {
  constructor(detail: string, errors: readonly FieldIssue[] = []) {
    super({ status: 400, title: 'Invalid request', detail, extras: { errors } });
  }
}

/**
 * 401 with an RFC 6750 challenge: `WWW-Authenticate: Bearer` when no token was sent, plus `error="invalid_token"`
 * and a short description when one was sent and refused.
 */
export class UnauthorizedError extends AppError {
  constructor(refusedBecause?: string) {
    const description = refusedBecause?.replace(/["\\\r\n]/g, '');
    super({
      status: 401,
      title: 'Unauthorized',
      detail: description ? `Invalid bearer token: ${description}.` : 'A bearer token is required.',
      headers: {
        'WWW-Authenticate': description
          ? `Bearer realm="cinema", error="invalid_token", error_description="${description}"`
          : 'Bearer realm="cinema"',
      },
    });
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: string) {
    super({ status: 403, title: 'Forbidden', detail });
  }
}

export class NotFoundError extends AppError {
  constructor(detail: string) {
    super({ status: 404, title: 'Not found', detail });
  }
}

export class ConflictError extends AppError {
  constructor(detail: string, extras?: ProblemExtras, title = 'Conflict') {
    super({ status: 409, title, detail, extras });
  }
}

export class SeatsUnavailableError extends ConflictError {
  constructor(seats: readonly string[]) {
    super(`Seats not available: ${seats.join(', ')}`, { unavailableSeats: seats }, 'Seats unavailable');
  }
}

export class GoneError extends AppError {
  constructor(detail: string) {
    super({ status: 410, title: 'Reservation expired', detail });
  }
}

/** A known path that does not support the request's method: 405 with `Allow` listing the ones it does. */
export class MethodNotAllowedError extends AppError {
  constructor(method: string, path: string, allow: readonly string[]) {
    super({
      status: 405,
      title: 'Method not allowed',
      detail: `${path} does not support ${method}; it supports ${allow.join(', ')}.`,
      headers: { Allow: allow.join(', ') },
    });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(detail: string) {
    super({ status: 413, title: 'Payload too large', detail });
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor(detail: string) {
    super({ status: 415, title: 'Unsupported media type', detail });
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super({
      status: 422,
      title: 'Idempotency key reused',
      detail: 'This Idempotency-Key was already used with a different request body.',
    });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(retryAfterSeconds: number) {
    super({
      status: 429,
      title: 'Too many requests',
      detail: `Rate limit exceeded; retry in ${retryAfterSeconds} s.`,
      retriable: true,
      retryAfterSeconds,
    });
  }
}

/** A dependency (database, Kafka, Redis) or the session's owner could not be reached; retrying later may work. */
export class ServiceUnavailableError extends AppError {
  constructor(detail: string, cause?: unknown, retryAfterSeconds = 1) {
    super({ status: 503, title: 'Service unavailable', detail, retriable: true, retryAfterSeconds, cause });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** A write carried an epoch that is no longer the session's: another instance owns the session now. */
export class FencedWriteError extends ServiceUnavailableError {
  constructor(sessionId: string, epoch: number) {
    super(`Session ${sessionId} moved to another owner (epoch ${epoch} is stale); retry.`);
  }
}
