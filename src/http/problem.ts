import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import {
  AppError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  isAppError,
  isRefusal,
  type Refusal,
} from '../errors';
import type { Logger } from '../logger';
import { fieldIssues } from './validate';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extra: string]: unknown;
}

export interface ProblemResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProblemBody;
}

class InternalError extends AppError {
  constructor(cause: unknown) {
    super({ status: 500, title: 'Internal server error', detail: 'An unexpected error occurred.', cause });
  }
}

/** The error body-parser (and http-errors in general) throws: a status and, for body-parser, a `type`. */
interface HttpError {
  readonly status: number;
  readonly type?: string;
  readonly expose: boolean;
  readonly message: string;
  readonly limit?: unknown;
}

function asHttpError(error: unknown): HttpError | undefined {
  if (!(error instanceof Error)) return undefined;
  const e = error as Error & { status?: unknown; statusCode?: unknown; type?: unknown; expose?: unknown; limit?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) return undefined;
  return {
    status,
    type: typeof e.type === 'string' ? e.type : undefined,
    expose: e.expose === true,
    message: e.message,
    limit: e.limit,
  };
}

function fromHttpError(http: HttpError, cause: unknown): AppError {
  switch (http.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(
        typeof http.limit === 'number' ? `The request body is larger than ${http.limit} bytes.` : 'The request body is too large.',
      );
    case 'entity.parse.failed':
      return new ValidationError('The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError(http.message);
    default: {
      if (http.status >= 500) return new InternalError(cause);
      const detail = http.expose ? http.message : 'The request could not be processed.';
      if (http.status === 400) return new ValidationError(detail);
      return new AppError({ status: http.status, title: STATUS_CODES[http.status] ?? 'Client error', detail, cause });
    }
  }
}

/** Any thrown value as the AppError it stands for; unknown errors become a generic 500. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof z.core.$ZodError) {
    return new ValidationError('The request is invalid.', fieldIssues(error.issues));
  }
  const http = asHttpError(error);
  if (http) return fromHttpError(http, error);
  return new InternalError(error);
}

const CORE_FIELDS = new Set(['type', 'title', 'status', 'detail']);

/** The problem+json answer for any error or refusal (RFC 9457). Pure: no logging, no response object. */
export function toProblem(error: unknown): ProblemResponse {
  if (isRefusal(error)) return refusalProblem(error);
  const app = toAppError(error);
  return problemOf(app.status, app.title, app.type, app.message, app.extras, app.retryAfterSeconds, app.headers);
}

/** The problem+json answer of a refusal value (the cheap path: no exception was ever built). */
export function refusalProblem(refusal: Refusal): ProblemResponse {
  return problemOf(refusal.status, refusal.title, refusal.type, refusal.detail, refusal.extras, refusal.retryAfterSeconds);
}

const PROBLEM_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Content-Type': PROBLEM_CONTENT_TYPE });

function problemOf(
  status: number,
  title: string,
  type: string,
  detail: string,
  extras: Readonly<Record<string, unknown>>,
  retryAfterSeconds: number | undefined,
  /** Extra headers of the error (e.g. WWW-Authenticate). */
  extraHeaders?: Readonly<Record<string, string>>,
): ProblemResponse {
  const body: Record<string, unknown> = { type, title, status, detail };
  for (const field in extras) {
    if (!CORE_FIELDS.has(field)) body[field] = extras[field];
  }
  const base =
    retryAfterSeconds === undefined
      ? PROBLEM_HEADERS
      : { ...PROBLEM_HEADERS, 'Retry-After': String(Math.max(0, Math.ceil(retryAfterSeconds))) };
  const headers = extraHeaders ? { ...extraHeaders, ...base } : base;
  return { status, headers, body: body as unknown as ProblemBody };
}

function describe(error: unknown): { error: string; stack?: string; cause?: string } {
  if (!(error instanceof Error)) return { error: String(error) };
  const cause = error.cause instanceof Error ? error.cause.message : error.cause === undefined ? undefined : String(error.cause);
  return { error: error.message, stack: error.stack, cause };
}

/** The one error middleware: renders every error as application/problem+json and logs the server-side ones. */
export function problemHandler(deps: { logger: Logger }): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const problem = toProblem(error);
    const requestId: unknown = res.locals.requestId;
    if (problem.status >= 500) {
      const meta = { requestId, method: req.method, path: req.path, status: problem.status, ...describe(error) };
      if (isAppError(error)) deps.logger.warn(`${error.title}: ${error.message}`, meta);
      else deps.logger.error('Unhandled error', meta);
    }
    if (res.headersSent) {
      // Part of an answer is already out: all we can do is cut the connection so the client sees a failure.
      if (problem.status < 500) deps.logger.warn('Error after the response started', { requestId, ...describe(error) });
      if (!res.writableEnded) res.destroy();
      return;
    }
    res.status(problem.status).set(problem.headers).json(problem.body);
  };
}

/**
 * 405 with `Allow` for a method that a documented path does not support (DELETE /sessions/{id}); the paths and their
 * methods come from the OpenAPI document, so the two cannot drift apart. GET implies HEAD.
 */
export function methodNotAllowed(document: { paths?: Record<string, object | undefined> }): RequestHandler {
  const routes = Object.entries(document.paths ?? {}).map(([template, item]) => {
    const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+');
    const methods = Object.keys(item ?? {})
      .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
      .map((m) => m.toUpperCase());
    return { pattern: new RegExp(`^${pattern}/?$`), methods };
  });
  return (req, _res, next) => {
    const allow = new Set<string>();
    for (const route of routes) if (route.pattern.test(req.path)) route.methods.forEach((m) => allow.add(m));
    if (allow.size === 0 || allow.has(req.method)) return next();
    if (allow.has('GET')) allow.add('HEAD');
    next(new MethodNotAllowedError(req.method, req.path.slice(0, 200), [...allow].sort()));
  };
}

/** 404 problem for any route the app does not serve. */
export function notFound(): RequestHandler {
  return (req, _res, next) => {
    next(new NotFoundError(`No route for ${req.method} ${req.path.slice(0, 200)}.`));
  };
}
