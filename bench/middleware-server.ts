/**
 * The per-request layers of the service's HTTP stack, one at a time, for the middleware-cost scenario
 * (scenarios/middleware-cost.ts): an Express 5 server answering every POST /reservations with the 409 problem+json
 * of a refused hold, built from the service's own middleware, stacked in the order `createApp` runs them:
 *
 *   node --import tsx bench/middleware-server.ts <layers>
 *
 * `<layers>` is a comma list of: `constant` (answer comparator (a)'s constant JSON instead of the refusal),
 * `id` (X-Request-Id), `record` (HTTP metrics and the log-line check), `log` (a log line per request:
 * LOG_LEVEL=http), `scope` (the request scope, AsyncLocalStorage), `auth` (open mode), `rate-limit` (memory store),
 * `app` (the whole createApp, every route, with a service that refuses at once: what remains of a refused hold is the
 * session actor). `none` = bare Express with express.json().
 */
import express from 'express';
import { Writable } from 'node:stream';
import winston from 'winston';
import type { CinemaService } from '../src/app/cinema-service';
import type { IdempotencyStore } from '../src/app/idempotency';
import { refusals } from '../src/errors';
import { createApp, JSON_BODY_LIMIT } from '../src/http/app';
import { authenticate } from '../src/http/authenticate';
import { rateLimiter } from '../src/http/rate-limit';
import { replyOf, sendReply } from '../src/http/reply';
import { exchangeRecord, requestId, requestScope } from '../src/http/request-context';
import { createLogger, createRequestScope } from '../src/logger';
import { createMetrics } from '../src/metrics';
import { CONSTANT_RESERVATION } from './lib/constant-reservation';

const layers = new Set((process.argv[2] ?? 'none').split(',').filter((l) => l && l !== 'none'));
const known = ['constant', 'id', 'record', 'log', 'scope', 'auth', 'rate-limit', 'app'];
const unknown = [...layers].filter((l) => !known.includes(l));
if (unknown.length > 0) {
  process.stderr.write(`unknown layers: ${unknown.join(', ')} (known: ${known.join(', ')})\n`);
  process.exit(2);
}

/** Log lines are formatted as the service formats them, then dropped (the bench measures the service, not a tty). */
const sink = new winston.transports.Stream({ stream: new Writable({ write: (_chunk, _enc, done) => done() }) });
const scope = createRequestScope();
const logger = createLogger({ level: layers.has('log') ? 'http' : 'warn', instanceId: 'bench-mw', scope, transport: sink });
const metrics = createMetrics();
const CONSTANT = CONSTANT_RESERVATION;
const refused = async () => refusals.seatsUnavailable(['A1']);

function layered(): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', ['loopback']);
  if (layers.has('id')) app.use(requestId());
  if (layers.has('record') || layers.has('log')) app.use(exchangeRecord({ logger, metrics }));
  if (layers.has('scope')) app.use(requestScope(scope));
  if (layers.has('auth')) app.use(authenticate(undefined));
  if (layers.has('rate-limit')) app.use(rateLimiter({ windowMs: 60_000, readMax: 1e8, writeMax: 1e8, logger }));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/reservations', async (_req, res) => {
    if (layers.has('constant')) res.status(201).json(CONSTANT);
    else sendReply(res, replyOf(await refused(), 201));
  });
  return app;
}

/** The service's whole HTTP layer, over a service whose every reserve is refused at once. */
function wholeApp(): express.Express {
  const service = { reserve: refused } as unknown as CinemaService;
  const idempotency: IdempotencyStore = {
    begin: async () => ({ kind: 'started' }),
    complete: async () => undefined,
    abandon: async () => undefined,
  };
  return createApp({
    service,
    idempotency,
    healthChecks: [],
    metrics,
    logger,
    scope,
    config: { maxSeatsPerReservation: 10, rateLimit: { windowMs: 60_000, max: 1e8 } },
  });
}

// The bench waits on /health (layered) or /health/live (the whole app).
const app = layers.has('app') ? wholeApp() : layered();
const server = app.listen(Number(process.env.PORT ?? 3300), '127.0.0.1');
const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
