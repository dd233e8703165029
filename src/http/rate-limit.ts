import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { TooManyRequestsError } from '../errors';
import type { Logger } from '../logger';
import { callerOf } from './authenticate';

export interface RateLimitParams {
  readonly windowMs: number;
  /** Budget per client and window for reads (GET, HEAD, OPTIONS). */
  readonly readMax: number;
  /** Budget per client and window for writes (every other method), counted apart from reads. */
  readonly writeMax: number;
  /**
   * Counters shared by every instance (cluster mode). Its client must time out quickly (`commandTimeout`): a Redis
   * that does not answer in time is replaced by counting in this process until it answers again.
   */
  readonly redis?: Redis;
  /** Redis key prefix (the cluster's topic prefix), so that clusters sharing a Redis count apart. */
  readonly keyPrefix?: string;
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

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whose budget a request spends: the token's `sub` when the caller is authenticated, the client address otherwise
 * (`req.ip`, which honours TRUST_PROXY; IPv6 grouped by /56 so one host cannot rotate through its addresses).
 */
export function rateLimitKey(req: Request, res: Response): string {
  const caller = callerOf(res);
  if (caller.kind === 'user') return `u:${caller.principal.sub}`;
  return `a:${ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown')}`;
}

/**
 * The local limiter a Redis limiter falls back on (rate-limiter-flexible's `insuranceLimiter`). Being called means
 * Redis failed or did not answer within its command timeout: the connection is dropped so that, until Redis answers
 * a fresh connection's ready check, every request counts locally at once instead of waiting for the timeout again.
 */
class LocalFallback extends RateLimiterMemory {
  private degraded = false;

  constructor(
    opts: { points: number; duration: number; keyPrefix: string },
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {
    super(opts);
    redis.on('ready', () => {
      if (this.degraded) logger.info('rate limit counters back in Redis');
      this.degraded = false;
    });
  }

  override consume(key: string | number, points?: number, options?: { [key: string]: unknown }): Promise<RateLimiterRes> {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn('rate limit Redis unavailable; counting in this process until it answers', { status: this.redis.status });
    }
    if (this.redis.status === 'ready') this.redis.disconnect(true);
    return super.consume(key, points, options);
  }
}

function limiter(name: string, points: number, params: RateLimitParams): RateLimiterAbstract {
  const duration = Math.max(1, Math.round(params.windowMs / 1000));
  const keyPrefix = `${params.keyPrefix ?? 'cinema'}:rl:${name}`;
  if (!params.redis) return new RateLimiterMemory({ points, duration, keyPrefix });
  return new RateLimiterRedis({
    storeClient: params.redis,
    points,
    duration,
    keyPrefix,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new LocalFallback({ points, duration, keyPrefix }, params.redis, params.logger),
  });
}

/**
 * Per-client rate limit with rate-limiter-flexible, separate budgets for reads and writes, and the draft-8
 * `RateLimit`/`RateLimit-Policy` headers. Over the budget: 429 problem+json with `Retry-After`. In memory on one
 * instance; in Redis in the cluster, with a local insurance limiter so that a dead or hung Redis node costs a request
 * at most the client's command timeout (and then nothing until it is back). A limiter error lets the request pass.
 */
export function rateLimiter(params: RateLimitParams): RequestHandler {
  const budgets = {
    reads: { limiter: limiter('r', params.readMax, params), max: params.readMax },
    writes: { limiter: limiter('w', params.writeMax, params), max: params.writeMax },
  };
  const windowSeconds = Math.max(1, Math.round(params.windowMs / 1000));
  const policy = (name: string, max: number) => `"${name}";q=${max};w=${windowSeconds}`;
  const policies = { reads: policy('reads', params.readMax), writes: policy('writes', params.writeMax) };

  return (req, res, next) => {
    if (isUnlimitedPath(req.path)) return next();
    const name = READ_METHODS.has(req.method) ? 'reads' : 'writes';
    const budget = budgets[name];
    const setHeaders = (r: RateLimiterRes) => {
      res.setHeader('RateLimit-Policy', policies[name]);
      res.setHeader('RateLimit', `"${name}";r=${Math.max(0, r.remainingPoints)};t=${Math.max(0, Math.ceil(r.msBeforeNext / 1000))}`);
    };
    budget.limiter.consume(rateLimitKey(req, res)).then(
      (r) => {
        setHeaders(r);
        next();
      },
      (refusal: unknown) => {
        if (refusal instanceof RateLimiterRes) {
          setHeaders(refusal);
          return next(new TooManyRequestsError(Math.max(1, Math.ceil(refusal.msBeforeNext / 1000))));
        }
        params.logger.error('Rate limiter problem', { error: refusal instanceof Error ? refusal.message : String(refusal) });
        next();
      },
    );
  };
}

/** A Redis client for the rate-limit counters alone: fails fast, never queues, times out after `timeoutMs`. */
export function rateLimitRedisOptions(timeoutMs: number) {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(timeoutMs, 500),
    commandTimeout: timeoutMs,
    retryStrategy: (times: number) => Math.min(times * 200, 1_000),
  } as const;
}
