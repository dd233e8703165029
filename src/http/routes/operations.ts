import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { HealthCheck } from '../../app/health';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import { requireAdmin } from '../authenticate';
import type { OpenApiDocument } from '../openapi';
import { checkReadiness, shuttingDown } from '../readiness';

export interface OperationRoutesDeps {
  readonly healthChecks: readonly HealthCheck[];
  readonly metrics: Metrics;
  readonly document: OpenApiDocument;
  /** False while shutting down: /health/ready then answers 503 so load balancers stop sending traffic. */
  readonly isAccepting: () => boolean;
  readonly checkTimeoutMs?: number;
  /** Shown in /health/ready, loudly when nobody is authenticated. */
  readonly authMode: 'jwt' | 'open';
  /**
   * `admins`: /metrics on this port needs the admin role (anyone in open mode). `elsewhere`: METRICS_PORT serves it
   * on a port of its own, and this one answers 404.
   */
  readonly metricsAccess: 'admins' | 'elsewhere';
  readonly logger: Logger;
}

/** Authorize keeps the pasted bearer token across page reloads. */
const SWAGGER_UI_OPTIONS = { customSiteTitle: 'Cinema seats API', swaggerOptions: { persistAuthorization: true } };

export const OPEN_MODE_WARNING =
  'AUTH_MODE=open: requests are not authenticated and any client may act as any user. Configure AUTH_JWKS_URL, ' +
  'AUTH_PUBLIC_KEY or AUTH_HS256_SECRET for production.';

/** GET /health/live, GET /health/ready, GET /metrics, GET /api-docs (Swagger UI), GET /api-docs.json. */
export function operationRoutes(deps: OperationRoutesDeps): Router {
  const { healthChecks, metrics, document, isAccepting } = deps;
  const router = Router();
  const documentJson = JSON.stringify(document);
  const auth = deps.authMode === 'open' ? { mode: 'open', warning: OPEN_MODE_WARNING } : { mode: 'jwt' };

  router.get('/health/live', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const readiness = isAccepting() ? await checkReadiness(healthChecks, deps.checkTimeoutMs) : shuttingDown();
    res.status(readiness.status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json({ ...readiness, auth });
  });

  if (deps.metricsAccess === 'admins') router.get('/metrics', requireAdmin(deps.logger), metricsHandler(metrics));

  router.get('/api-docs.json', (_req, res) => {
    res.type('application/json').send(documentJson);
  });

  // serveFiles (not serve) keeps this document per app: several apps can live in one process.
  const nameRoute: RequestHandler = (_req, res, next) => {
    res.locals.route = '/api-docs';
    next();
  };
  router.use(
    '/api-docs',
    nameRoute,
    ...swaggerUi.serveFiles(document, SWAGGER_UI_OPTIONS),
    swaggerUi.setup(document, SWAGGER_UI_OPTIONS),
  );

  return router;
}

/** Prometheus text of this instance's registry (also served alone on METRICS_PORT). */
export function metricsHandler(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(text);
  };
}
