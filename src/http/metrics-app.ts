import express from 'express';
import type { Metrics } from '../metrics';
import { metricsHandler } from './routes/operations';

/**
 * The app of METRICS_PORT: GET /metrics and nothing else, without a token. The port is for Prometheus on the
 * internal network; the load balancer exposes only the API port (see docker-compose.yml).
 */
export function metricsApp(metrics: Metrics): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(metrics));
  return app;
}
