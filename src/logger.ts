import { AsyncLocalStorage } from 'node:async_hooks';
import winston from 'winston';
import { errorFields } from './log-errors';

/** Per-request context carried through async calls so that every log line names its request. */
export interface RequestContext {
  readonly requestId: string;
}

export type RequestScope = AsyncLocalStorage<RequestContext>;

export function createRequestScope(): RequestScope {
  return new AsyncLocalStorage<RequestContext>();
}

export type Logger = winston.Logger;

/**
 * JSON lines on stdout; each line carries the instance id and, inside a request, its request id. An error logged as
 * `{ error }` keeps its message, code and stack, and nothing else of it (no SQL, no parameters).
 */
export function createLogger(params: {
  level: string;
  instanceId: string;
  scope: RequestScope;
  silent?: boolean;
  /** Where the lines go (stdout by default). */
  transport?: winston.transport;
}): Logger {
  const withRequest = winston.format((info) => {
    const ctx = params.scope.getStore();
    if (ctx && info.requestId === undefined) info.requestId = ctx.requestId;
    return info;
  });
  return winston.createLogger({
    level: params.level,
    silent: params.silent ?? false,
    defaultMeta: { instance: params.instanceId },
    format: winston.format.combine(
      withRequest(),
      winston.format.timestamp(),
      winston.format.errors({ stack: true }),
      errorFields(),
      winston.format.json(),
    ),
    transports: [params.transport ?? new winston.transports.Console()],
  });
}
