import express from 'express';
import type Redis from 'ioredis';
import type { CinemaService } from '../app/cinema-service';
import type { TokenVerifier } from '../auth/principal';
import type { HealthCheck } from '../app/health';
import type { IdempotencyStore } from '../app/idempotency';
import type { Config } from '../config';
import type { Logger, RequestScope } from '../logger';
import type { Metrics } from '../metrics';
import { authenticate } from './authenticate';
import { buildOpenApiDocument } from './openapi';
import { methodNotAllowed, notFound, problemHandler } from './problem';
import { rateLimiter } from './rate-limit';
import { requestContext } from './request-context';
import type { SeatMapFeed } from '../app/ports';
import { availabilityStreamRoutes } from './routes/availability-stream';
import { operationRoutes } from './routes/operations';
import type { StreamSlots } from './stream-slots';
import { reservationRoutes } from './routes/reservations';
import { salesRoutes } from './routes/sales';
import { sessionRoutes } from './routes/sessions';
import { webRoutes } from './routes/web';

/** Largest JSON body accepted (api.md: over 100 kB is 413). */
export const JSON_BODY_LIMIT = '100kb';

export interface AppDeps {
  readonly service: CinemaService;
  readonly idempotency: IdempotencyStore;
  readonly healthChecks: readonly HealthCheck[];
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly scope: RequestScope;
  readonly config: Pick<Config, 'maxSeatsPerReservation'> & {
    readonly rateLimit: Pick<Config['rateLimit'], 'windowMs' | 'max'> & { readonly writeMax?: number };
    /** express's `trust proxy` (TRUST_PROXY); loopback only when absent. */
    readonly trustProxy?: Config['trustProxy'];
    /** Serve /metrics on the API port (false when METRICS_PORT serves it elsewhere). */
    readonly metricsOnApiPort?: boolean;
  };
  /** Verifies bearer tokens (AUTH_MODE=jwt); absent in open mode, where nobody is asked who they are. */
  readonly verifier?: TokenVerifier;
  /** Shared rate-limit counters (cluster mode); in-memory when absent. */
  readonly rateLimitRedis?: Redis;
  /** Redis key prefix for the rate-limit counters. */
  readonly rateLimitPrefix?: string;
  /** Set false while shutting down so /health/ready answers 503. */
  readonly isAccepting?: () => boolean;
  /** The live seat map (GET /sessions/{id}/availability/stream); absent, the route does not exist. */
  readonly seatMapStreams?: { readonly feed: SeatMapFeed; readonly slots: StreamSlots; readonly heartbeatMs: number };
}

/** The Express application of the REST API (shared/api.md). It never listens: the caller owns the server. */
export function createApp(deps: AppDeps): express.Express {
  const { service, logger, config } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Answers are dynamic; hashing every body (up to a 2000-seat map) for an ETag costs more than it saves.
  app.set('etag', false);
  // Only the proxies TRUST_PROXY names may set X-Forwarded-For, so req.ip is the real client for the rate limit.
  const trust = config.trustProxy ?? ['loopback'];
  app.set('trust proxy', typeof trust === 'number' ? trust : [...trust]);
  const auth = authenticate(deps.verifier);

  app.use(requestContext({ scope: deps.scope, logger, metrics: deps.metrics }));
  // The seat picker's page and files (README "The seat picker"), before the rate limit: a page load is ~15 files.
  app.use(webRoutes());
  // Who is calling is known before the rate limit, which keys on it; each route then says what it requires.
  app.use(auth);
  app.use(
    rateLimiter({
      windowMs: config.rateLimit.windowMs,
      readMax: config.rateLimit.max,
      writeMax: config.rateLimit.writeMax ?? config.rateLimit.max,
      redis: deps.rateLimitRedis,
      keyPrefix: deps.rateLimitPrefix,
      logger,
    }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  const document = buildOpenApiDocument({ maxSeats: config.maxSeatsPerReservation });
  // The busiest routes first: a request walks the routers in order until one matches (no two overlap).
  app.use(
    reservationRoutes({
      service,
      idempotency: deps.idempotency,
      logger,
      maxSeatsPerReservation: config.maxSeatsPerReservation,
    }),
  );
  app.use(sessionRoutes({ service, logger }));
  if (deps.seatMapStreams) app.use(availabilityStreamRoutes(deps.seatMapStreams));
  app.use(salesRoutes({ service, logger }));
  app.use(
    operationRoutes({
      healthChecks: deps.healthChecks,
      metrics: deps.metrics,
      document,
      isAccepting: deps.isAccepting ?? (() => true),
      authMode: deps.verifier ? 'jwt' : 'open',
      metricsAccess: config.metricsOnApiPort === false ? 'elsewhere' : 'admins',
      logger,
    }),
  );

  app.use(methodNotAllowed(document));
  app.use(notFound());
  app.use(problemHandler({ logger }));
  return app;
}
