import type { Request, RequestHandler } from 'express';
import type { IdempotencyStore } from '../app/idempotency';
import { AppError, IdempotencyKeyReusedError, ValidationError, isAppError } from '../errors';
import type { Logger } from '../logger';
import { fingerprint } from './canonical-json';
import { toProblem } from './problem';
import { sendReply, type JsonReply } from './reply';
import { IDEMPOTENCY_KEY } from './schemas';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

export class IdempotencyKeyInUseError extends AppError {
  constructor() {
    super({
      status: 409,
      title: 'Idempotency key in use',
      detail: 'A request with this Idempotency-Key is still being processed; retry once it has finished.',
      retriable: true,
      retryAfterSeconds: 1,
    });
  }
}

export interface IdempotentRouteParams<I> {
  readonly store: IdempotencyStore;
  readonly logger: Logger;
  /**
   * Names the operation the keys belong to, e.g. "POST /reservations"; a function of the request when keys are kept
   * apart per caller (at most 100 characters).
   */
  readonly scope: string | ((req: Request) => string);
  /** Validates the request; runs before any key is claimed, so a 400 never uses up a key. */
  readonly parse: (req: Request) => I;
  /** The operation itself, on the validated input. */
  readonly handle: (input: I) => Promise<JsonReply>;
}

/** The `Idempotency-Key` header, undefined when absent; 400 when present but not 1..255 visible ASCII. */
export function readIdempotencyKey(req: Request): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw new ValidationError('The Idempotency-Key header is invalid.', [
      { path: 'headers.Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  return raw;
}

/**
 * A route handler for a POST that honours `Idempotency-Key` (IETF draft). Without the header it just runs
 * `handle`. With it: the first request runs and its answer (< 500) is stored; a repeat with the same key and body
 * replays that answer with `Idempotent-Replayed: true`; another body is 422; a repeat while the first runs is 409.
 * Answers >= 500 and retriable errors release the key, so the client's retry runs again.
 */
export function idempotentRoute<I>(params: IdempotentRouteParams<I>): RequestHandler {
  const { store, logger } = params;

  const settle = async (scope: string, key: string, outcome: { status: number; body: unknown; retriable: boolean }) => {
    try {
      if (outcome.status >= 500 || outcome.retriable) await store.abandon(scope, key);
      else await store.complete(scope, key, outcome.status, outcome.body);
    } catch (error) {
      // The answer itself stands; a later repeat may see 409 until the store's claim lapses.
      logger.error('Could not record the idempotent answer', {
        scope,
        status: outcome.status,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  return async (req, res) => {
    const input = params.parse(req);
    const key = readIdempotencyKey(req);
    const scope = typeof params.scope === 'string' ? params.scope : params.scope(req);
    if (key === undefined) {
      sendReply(res, await params.handle(input));
      return;
    }
    const begun = await store.begin(scope, key, fingerprint(input));
    switch (begun.kind) {
      case 'replay':
        res.set(REPLAYED_HEADER, 'true');
        sendReply(res, { status: begun.status, body: begun.body });
        return;
      case 'in-progress':
        throw new IdempotencyKeyInUseError();
      case 'mismatch':
        throw new IdempotencyKeyReusedError();
      // Stryker disable next-line ConditionalExpression: 'started' leaves the switch as no match would; the request runs either way
      case 'started':
        break;
    }
    let reply: JsonReply;
    try {
      reply = await params.handle(input);
    } catch (error) {
      const problem = toProblem(error);
      await settle(scope, key, { status: problem.status, body: problem.body, retriable: !isAppError(error) || error.retriable });
      throw error;
    }
    await settle(scope, key, { status: reply.status, body: reply.body, retriable: reply.retriable ?? false });
    sendReply(res, reply);
  };
}
