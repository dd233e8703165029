import winston from 'winston';

/** What a logged error keeps: never its other fields (a database error carries the SQL and its parameters). */
export interface LoggedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  readonly cause?: LoggedError | string;
}

const MAX_MESSAGE = 500;

/**
 * An Error as a small plain object: name, message (cut to 500 characters), a driver `code` such as Postgres's
 * SQLSTATE, the stack and the cause. typeorm's QueryFailedError also has `query`, `parameters` and `driverError`
 * (and pg's error a `detail` quoting the row): those are never logged, since they hold user ids and whole batches.
 */
export function loggedError(error: Error, depth = 0): LoggedError {
  const raw = error as Error & { code?: unknown; driverError?: { code?: unknown } };
  const code = typeof raw.code === 'string' ? raw.code : typeof raw.driverError?.code === 'string' ? raw.driverError.code : undefined;
  const cause =
    error.cause instanceof Error && depth < 3 ? loggedError(error.cause, depth + 1) : error.cause === undefined ? undefined : String(error.cause);
  return {
    name: error.name,
    message: error.message.length > MAX_MESSAGE ? `${error.message.slice(0, MAX_MESSAGE)}…` : error.message,
    ...(code !== undefined ? { code } : {}),
    stack: error.stack,
    ...(cause !== undefined ? { cause } : {}),
  };
}

/** A winston format: every Error among a log line's top-level fields (`{ error }`) becomes its LoggedError. */
export const errorFields = winston.format((info) => {
  for (const key of Object.keys(info)) {
    const value: unknown = info[key];
    if (value instanceof Error) info[key] = loggedError(value);
  }
  return info;
});
