import { createSecretKey, type KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';

/** Mints the tokens the auth tests send: valid ones and every kind the service must refuse. */
export interface TokenIssuer {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
}

export function tokenIssuer(suffix: string): TokenIssuer {
  return {
    secret: `test-secret-${suffix}-0123456789abcdef0123456789`,
    issuer: `https://idp.test/${suffix}`,
    audience: `cinema-${suffix}`,
  };
}

/** The environment that makes an instance accept this issuer's tokens. */
export function jwtEnv(t: TokenIssuer): Record<string, string> {
  return { AUTH_MODE: 'jwt', AUTH_HS256_SECRET: t.secret, AUTH_ISSUER: t.issuer, AUTH_AUDIENCE: t.audience };
}

export interface TokenClaims {
  readonly sub: string;
  readonly admin?: boolean;
  /** Seconds from now; negative for an expired token. */
  readonly expiresIn?: number;
  readonly issuer?: string;
  readonly audience?: string;
  readonly scope?: string;
}

const key = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

export async function sign(t: TokenIssuer, claims: TokenClaims, secret = t.secret): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.admin ? ['admin'] : [], ...(claims.scope ? { scope: claims.scope } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(claims.issuer ?? t.issuer)
    .setAudience(claims.audience ?? t.audience)
    .setIssuedAt(now - 5)
    .setExpirationTime(now + (claims.expiresIn ?? 600))
    .sign(key(secret));
}

/** `alg: none`: a token anyone can write. */
export function unsigned(t: TokenIssuer, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  return new UnsecuredJWT({ roles: ['admin'] }).setSubject(sub).setIssuer(t.issuer).setAudience(t.audience).setExpirationTime(now + 600).encode();
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
