import type { Identity } from './types.js';

/**
 * Reads a pasted bearer token's claims: the user is `sub`, an admin has `admin` in `roles` or `cinema:admin` in
 * `scope`. The signature is the service's business (it verifies every request); the page only needs to know whom
 * to show and whether to offer the admin view.
 */
function decodeSegment(segment: string): unknown {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

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

