import express from 'express';
import type { Store } from 'express-rate-limit';
import type { CinemaService } from '../app/cinema-service';
import type { HealthCheck } from '../app/health';
import type { IdempotencyStore } from '../app/idempotency';
import type { Config } from '../config';
import type { Logger, RequestScope } from '../logger';
import type { Metrics } from '../metrics';
import { buildOpenApiDocument } from './openapi';
import { methodNotAllowed, notFound, problemHandler } from './problem';
import { rateLimiter } from './rate-limit';
import { requestContext } from './request-context';
import { operationRoutes } from './routes/operations';
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
  readonly config: Pick<Config, 'maxSeatsPerReservation' | 'rateLimit'>;
  /** Shared rate-limit counters (the cluster passes a Redis store); in-memory when absent. */
  readonly rateLimitStore?: Store;
  /** Set false while shutting down so /health/ready answers 503. */
  readonly isAccepting?: () => boolean;
}

/** The Express application of the REST API (shared/api.md). It never listens: the caller owns the server. */
export function createApp(deps: AppDeps): express.Express {
  const { service, logger, config } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Answers are dynamic; hashing every body (up to a 2000-seat map) for an ETag costs more than it saves.
  app.set('etag', false);
  // Only a proxy on this host may set X-Forwarded-For, so req.ip is the real client for the rate limit.
  app.set('trust proxy', 'loopback');

  app.use(requestContext({ scope: deps.scope, logger, metrics: deps.metrics }));
  // The seat picker's page and files (README "The seat picker"), before the rate limit: a page load is ~15 files.
  app.use(webRoutes());
  app.use(
    rateLimiter({
      windowMs: config.rateLimit.windowMs,
      max: config.rateLimit.max,
      store: deps.rateLimitStore,
      logger,
    }),
  );
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  const document = buildOpenApiDocument({ maxSeats: config.maxSeatsPerReservation });
  app.use(
    operationRoutes({
      healthChecks: deps.healthChecks,
      metrics: deps.metrics,
      document,
      isAccepting: deps.isAccepting ?? (() => true),
    }),
  );
  app.use(sessionRoutes({ service }));
  app.use(
    reservationRoutes({
      service,
      idempotency: deps.idempotency,
      logger,
      maxSeatsPerReservation: config.maxSeatsPerReservation,
    }),
  );
  app.use(salesRoutes({ service }));

  app.use(methodNotAllowed(document));
  app.use(notFound());
  app.use(problemHandler({ logger }));
  return app;
}
