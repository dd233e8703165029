import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';

/** Per-request context carried through async calls so that every log line names its request. */
export interface RequestContext {
  readonly requestId: string;
}

export type RequestScope = AsyncLocalStorage<RequestContext>;

export function createRequestScope(): RequestScope {
  return new AsyncLocalStorage<RequestContext>();
}

export type Logger = winston.Logger;

/** JSON lines on stdout; each line carries the instance id and, inside a request, its request id. */
export function createLogger(params: { level: string; instanceId: string; scope: RequestScope; silent?: boolean }): Logger {
  const withRequest = winston.format((info) => {
    const ctx = params.scope.getStore();
    if (ctx && info.requestId === undefined) info.requestId = ctx.requestId;
    return info;
  });
  return winston.createLogger({
    level: params.level,
    silent: params.silent ?? false,
    defaultMeta: { instance: params.instanceId },
    format: winston.format.combine(withRequest(), winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
