/**
 * Who is using the page. In open mode (the service's default) the user types a name and the page sends it as
 * `userId`; with bearer authentication the user pastes a token (for example from `npm run token`) and the page
 * sends it as `Authorization: Bearer`, taking the user id from the token's `sub`. The token's signature is the
 * service's business: the page only reads the claims to know whom to show and whether to offer the admin view.
 */
export type Identity =
  | { readonly kind: 'name'; readonly userId: string; readonly admin: true }
  | { readonly kind: 'token'; readonly userId: string; readonly admin: boolean; readonly token: string };

const STORAGE_KEY = 'cinema.identity';

/** Same bounds as the API's userId: 1 to 100 characters. */
export function identityFromName(raw: string): Identity | string {
  const name = raw.trim();
  if (name.length === 0) return 'Type a user name.';
  if (name.length > 100) return 'A user name has at most 100 characters.';
  return { kind: 'name', userId: name, admin: true };
}

function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** An admin has `admin` in its `roles` claim or `cinema:admin` in its `scope` (README "Authentication"). */
function isAdmin(claims: Record<string, unknown>): boolean {
  const roles = claims.roles;
  if (Array.isArray(roles) && roles.includes('admin')) return true;
  const scope = claims.scope;
  const scopes = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope : [];
  return scopes.includes('cinema:admin');
}

export function identityFromToken(raw: string): Identity | string {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3) return 'That is not a JSON Web Token (three dot-separated parts).';
  let claims: unknown;
  try {
    claims = decodeSegment(parts[1]);
  } catch {
    return 'The token could not be read.';
  }
  if (typeof claims !== 'object' || claims === null) return 'The token could not be read.';
  const c = claims as Record<string, unknown>;
  if (typeof c.sub !== 'string' || c.sub.length === 0) return 'The token names no user (no "sub" claim).';
  if (typeof c.exp === 'number' && c.exp * 1000 < Date.now()) return 'The token has expired: get a new one.';
  return { kind: 'token', userId: c.sub, admin: isAdmin(c), token };
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
