import { identityFromToken } from './token-claims.js';
import type { Identity } from './types.js';

/**
 * Who is using the page. In open mode (the service's default) the user types a name and the page sends it as
 * `userId`; with bearer authentication the user pastes a token (for example from `npm run token`) and the page
 * sends it as `Authorization: Bearer`, taking the user id from the token's `sub`. The token's signature is the
 * service's business: the page only reads the claims to know whom to show and whether to offer the admin view.
 */
export type { Identity };
export { identityFromToken };

const STORAGE_KEY = 'cinema.identity';

/** Same bounds as the API's userId: 1 to 100 characters. */
export function identityFromName(raw: string): Identity | string {
  const name = raw.trim();
  if (name.length === 0) return 'Type a user name.';
  if (name.length > 100) return 'A user name has at most 100 characters.';
  return { kind: 'name', userId: name, admin: true };
}

/** Kept for the browser tab only (sessionStorage): a token does not outlive the tab. */
export function loadIdentity(): Identity | undefined {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (!raw) return undefined;
  try {
    const saved = JSON.parse(raw) as { kind?: unknown; value?: unknown };
    if (typeof saved.value !== 'string') return undefined;
    const identity = saved.kind === 'token' ? identityFromToken(saved.value) : identityFromName(saved.value);
    return typeof identity === 'string' ? undefined : identity;
  } catch {
    return undefined;
  }
}

export function saveIdentity(identity: Identity | undefined): void {
  if (!identity) sessionStorage.removeItem(STORAGE_KEY);
  else {
    const value = identity.kind === 'token' ? identity.token : identity.userId;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ kind: identity.kind, value }));
  }
}
