import { Router, type RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { HealthCheck } from '../../app/health';
import type { Metrics } from '../../metrics';
import type { OpenApiDocument } from '../openapi';
import { checkReadiness, shuttingDown } from '../readiness';

export interface OperationRoutesDeps {
  readonly healthChecks: readonly HealthCheck[];
  readonly metrics: Metrics;
  readonly document: OpenApiDocument;
  /** False while shutting down: /health/ready then answers 503 so load balancers stop sending traffic. */
  readonly isAccepting: () => boolean;
  readonly checkTimeoutMs?: number;
}

/** GET /health/live, GET /health/ready, GET /metrics, GET /api-docs (Swagger UI), GET /api-docs.json. */
export function operationRoutes(deps: OperationRoutesDeps): Router {
  const { healthChecks, metrics, document, isAccepting } = deps;
  const router = Router();
  const documentJson = JSON.stringify(document);

  router.get('/health/live', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  router.get('/health/ready', async (_req, res) => {
    const readiness = isAccepting() ? await checkReadiness(healthChecks, deps.checkTimeoutMs) : shuttingDown();
    res.status(readiness.status === 'ok' ? 200 : 503).set('Cache-Control', 'no-store').json(readiness);
  });

  router.get('/metrics', async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(text);
  });

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
    ...swaggerUi.serveFiles(document),
    swaggerUi.setup(document, { customSiteTitle: 'Cinema seats API' }),
  );

  return router;
}
