import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import { TooManyRequestsError } from '../errors';
import type { Logger } from '../logger';

export interface RateLimitParams {
  readonly windowMs: number;
  readonly max: number;
  /** Shared counters (e.g. a Redis store) so all instances count together; in-memory by default. */
  readonly store?: Store;
  readonly logger: Logger;
}

/** Operational endpoints are never limited: probes, scrapers and the docs must keep working under load. */
export function isUnlimitedPath(path: string): boolean {
  return path.startsWith('/health/') || path === '/metrics' || path.startsWith('/api-docs');
}

/** Seconds until the client's window resets, at least 1. */
export function retryAfterSeconds(resetTime: Date | undefined, windowMs: number, now = Date.now()): number {
  const ms = resetTime ? resetTime.getTime() - now : windowMs;
  return Math.max(1, Math.ceil(ms / 1000));
}

interface RateLimitedRequest extends Request {
  rateLimit?: { resetTime?: Date };
}

/**
 * Per-client rate limit (key: the client IP, IPv6 grouped by /56) with the draft-8 `RateLimit` headers. A refused
 * request goes to the problem middleware as a 429 TooManyRequestsError with `Retry-After`. When the store fails
 * the request passes (logged): an unreachable Redis must not take the API down.
 */
export function rateLimiter(params: RateLimitParams): RequestHandler {
  const log = (level: 'error' | 'warn') => (error: unknown, message?: string) => {
    params.logger[level](message ?? 'Rate limiter problem', { error: error instanceof Error ? error.message : String(error) });
  };
  return rateLimit({
    windowMs: params.windowMs,
    limit: params.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: params.store,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown'),
    skip: (req) => isUnlimitedPath(req.path),
    handler: (req: RateLimitedRequest, _res, next) => {
      next(new TooManyRequestsError(retryAfterSeconds(req.rateLimit?.resetTime, params.windowMs)));
    },
    passOnStoreError: true,
    logger: { error: log('error'), warn: log('warn') },
  });
}
