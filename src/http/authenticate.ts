import type { Request, RequestHandler, Response } from 'express';
import type { Principal, TokenVerifier } from '../auth/principal';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../errors';
import type { Logger } from '../logger';

/**
 * What the request's credentials say, kept in `res.locals.caller` by `authenticate`:
 * - `open`: AUTH_MODE=open, nobody is asked who they are (the user id comes from the body or the path);
 * - `user`: a verified bearer token;
 * - `anonymous`: jwt mode, no Authorization header;
 * - `refused`: jwt mode, a token was sent and refused (why, in `description`).
 */
export type Caller =
  | { readonly kind: 'open' }
  | { readonly kind: 'user'; readonly principal: Principal }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'refused'; readonly description: string };

const OPEN: Caller = Object.freeze({ kind: 'open' });
const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** RFC 6750 b64token; anything longer than this is not a token we issue or accept. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const MAX_AUTHORIZATION_LENGTH = 8_192;

export function callerOf(res: Response): Caller {
  return (res.locals.caller as Caller | undefined) ?? OPEN;
}

/**
 * Reads `Authorization: Bearer <jwt>` (RFC 6750) and records the caller. It never refuses by itself: the rate limit
 * runs next (keyed by the caller), then each route says what it needs (`requireUser`, `requireAdmin`).
 * Without a verifier (AUTH_MODE=open) every caller is `open`.
 */
export function authenticate(verifier: TokenVerifier | undefined): RequestHandler {
  if (!verifier) {
    return (_req, res, next) => {
      res.locals.caller = OPEN;
      next();
    };
  }
  return (req, res, next) => {
    const header = req.headers.authorization;
    if (header === undefined) {
      res.locals.caller = ANONYMOUS;
      return next();
    }
    const match = header.length <= MAX_AUTHORIZATION_LENGTH ? BEARER.exec(header) : null;
    if (!match) {
      res.locals.caller = { kind: 'refused', description: 'expected Authorization: Bearer <token>' } satisfies Caller;
      return next();
    }
    verifier.verify(match[1]).then((verification) => {
      res.locals.caller = (
        verification.ok
          ? { kind: 'user', principal: verification.principal }
          : { kind: 'refused', description: verification.description }
      ) satisfies Caller;
      next();
    }, next);
  };
}

/** The verified caller, or 401 (`WWW-Authenticate: Bearer`, with `error="invalid_token"` when a token was refused). */
function principalOf(res: Response): Principal | undefined {
  const caller = callerOf(res);
  switch (caller.kind) {
    case 'open':
      return undefined;
    case 'user':
      return caller.principal;
    case 'anonymous':
      throw new UnauthorizedError();
    case 'refused':
      throw new UnauthorizedError(caller.description);
  }
}

/** Any valid token (a buyer or an admin); everyone in open mode. */
export const requireUser: RequestHandler = (_req, res, next) => {
  principalOf(res);
  next();
};

/** A token with the admin role; everyone in open mode. Each admin request is logged with `sub` and request id. */
export function requireAdmin(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const principal = principalOf(res);
    if (principal && !principal.admin) throw new ForbiddenError('This operation needs the admin role');
    if (principal) audit(logger, req, res, principal);
    next();
  };
}

/** One audit line per admin action: who (`sub`), which request, what. */
export function audit(logger: Logger, req: Request, res: Response, principal: Principal, detail?: string): void {
  logger.info('admin action', {
    audit: true,
    sub: principal.sub,
    requestId: res.locals.requestId as unknown,
    method: req.method,
    path: req.originalUrl.slice(0, 300),
    ...(detail ? { detail } : {}),
  });
}

/**
 * The user a request acts for. Open mode: the `userId` the client sent (required). jwt mode: the token's `sub`; a
 * `userId` that differs is 403 unless the caller is an admin acting for that user (audited).
 */
export function actingUser(req: Request, res: Response, logger: Logger, claimed: string | undefined): string {
  const principal = principalOf(res);
  if (!principal) {
    if (claimed === undefined) throw new ValidationError('userId is required', [{ path: 'userId', message: 'Required' }]);
    return claimed;
  }
  if (claimed === undefined || claimed === principal.sub) return principal.sub;
  if (!principal.admin) throw new ForbiddenError('userId must be the authenticated user');
  audit(logger, req, res, principal, `acting for ${claimed}`);
  return claimed;
}

/** jwt mode: only the user themself or an admin may read a user's data (audited when it is an admin). */
export function requireSelfOrAdmin(req: Request, res: Response, logger: Logger, userId: string): void {
  const principal = principalOf(res);
  if (!principal || principal.sub === userId) return;
  if (!principal.admin) throw new ForbiddenError("Another user's data needs the admin role");
  audit(logger, req, res, principal, `reading ${userId}`);
}

/** The verified caller in jwt mode (undefined in open mode); 401 when there is none. */
export function currentPrincipal(res: Response): Principal | undefined {
  return principalOf(res);
}
