import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger, RequestScope } from '../logger';
import type { Metrics } from '../metrics';

/** A client-supplied X-Request-Id is kept only when it is short and plain. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const UNMATCHED_ROUTE = 'unmatched';

/** Status recorded when the client went away before the answer was written (nginx's convention). */
const CLIENT_CLOSED = 499;

/**
 * The route template that served the request ("/sessions/:id/availability"), never the raw path, so metric
 * labels stay few. Routes must be declared with their full path on routers mounted at the root.
 * Non-route handlers may name themselves in `res.locals.route`.
 */
export function routeTemplate(req: Request, res: Response): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return route;
  const named: unknown = res.locals.route;
  return typeof named === 'string' ? named : UNMATCHED_ROUTE;
}

/** Gives each request an id: a sane client-supplied X-Request-Id, or a new one; echoed back and kept in locals. */
export function requestId(): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    res.locals.requestId = id;
    next();
  };
}

/** Runs the rest of the chain inside the request scope, so that every log line names the request. */
export function requestScope(scope: RequestScope): RequestHandler {
  return (_req, res, next) => scope.run({ requestId: res.locals.requestId as string }, next);
}

/**
 * Records each exchange when it ends: the HTTP metrics (count and duration per method, route template and status)
 * and, at LOG_LEVEL=http, one log line.
 */
export function exchangeRecord(deps: { logger: Logger; metrics: Metrics }): RequestHandler {
  const { logger, metrics } = deps;
  // prom-client hashes a label object on every inc/observe; the labelled children are looked up once per
  // (method, route, status) instead. Routes are templates and statuses few, so the map stays small.
  type Series = { requests: { inc(): void }; duration: { observe(v: number): void } };
  const series = new Map<string, Series>();
  const seriesOf = (method: string, route: string, status: number): Series => {
    const key = `${method} ${route} ${status}`;
    let found = series.get(key);
    if (!found) {
      const labels = { method, route, status: String(status) };
      found = { requests: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      series.set(key, found);
    }
    return found;
  };
  return (req, res, next) => {
    const started = performance.now();
    res.once('close', () => {
      const seconds = (performance.now() - started) / 1000;
      const status = res.writableFinished ? res.statusCode : CLIENT_CLOSED;
      const route = routeTemplate(req, res);
      const found = seriesOf(req.method, route, status);
      found.requests.inc();
      found.duration.observe(seconds);
      if (logger.isLevelEnabled('http')) {
        logger.http(`${req.method} ${route} ${status}`, {
          requestId: res.locals.requestId,
          method: req.method,
          route,
          status,
          ms: Math.round(seconds * 1e4) / 10,
        });
      }
    });
    next();
  };
}

/**
 * Every request's context, in this order: its id (X-Request-Id), the record of the exchange (metrics, log line) and
 * the request scope around the rest of the chain. The bench measures each part's cost (bench/README.md).
 */
export function requestContext(deps: { scope: RequestScope; logger: Logger; metrics: Metrics }): RequestHandler[] {
  return [requestId(), exchangeRecord(deps), requestScope(deps.scope)];
}
