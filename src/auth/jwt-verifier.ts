import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { AuthConfig, AuthKeySource } from '../config';
import { isPlainText } from '../plain-text';
import type { Principal, TokenVerifier, Verification } from './principal';

type JwtAuth = Extract<AuthConfig, { mode: 'jwt' }>;

/** Asymmetric algorithms only for public keys and JWKS: an HMAC "signed" with a public key is refused (confusion). */
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const EC_ALGORITHM: Readonly<Record<string, string>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/** `sub` becomes the user id: the same bounds as a userId in a body (length, no control characters). */
const MAX_SUB_LENGTH = 100;
const REMEMBERED_TOKENS = 50_000;

interface Remembered {
  readonly principal: Principal;
  /** Epoch ms after which the token is verified again (its `exp`, or sooner). */
  readonly until: number;
}

/** Algorithms a PEM public key may have signed with, from the key's own type. */
function algorithmsOf(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const alg = EC_ALGORITHM[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg ? [alg] : [];
    }
    case 'ed25519':
    case 'ed448':
      return ['EdDSA'];
    default:
      return [];
  }
}

function keyOf(source: AuthKeySource): { key: KeyObject | JWTVerifyGetKey; algorithms: string[] } {
  switch (source.kind) {
    case 'hs256':
      return { key: createSecretKey(Buffer.from(source.secret, 'utf8')), algorithms: ['HS256'] };
    case 'public-key': {
      const key = createPublicKey(source.pem);
      return { key, algorithms: algorithmsOf(key) };
    }
    case 'jwks':
      return {
        // jose caches the set, refetches it after cacheMaxAge, and at most once per cooldown on an unknown `kid`.
        key: createRemoteJWKSet(new URL(source.url), {
          cacheMaxAge: source.cacheMs,
          cooldownDuration: Math.min(30_000, source.cacheMs),
          timeoutDuration: 5_000,
        }),
        algorithms: ASYMMETRIC,
      };
  }
}

function isAdmin(payload: JWTPayload, auth: JwtAuth): boolean {
  const roles = payload.roles;
  if (Array.isArray(roles) && roles.includes(auth.adminRole)) return true;
  const scope = payload.scope ?? payload.scp;
  const scopes = typeof scope === 'string' ? scope.split(' ') : Array.isArray(scope) ? scope : [];
  return scopes.includes(auth.adminScope);
}

/** Why jose refused a token, in words that give nothing away beyond what the client already sent. */
function describe(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token expired';
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's ${error.claim} claim is not accepted`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the signing algorithm is not accepted';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the token';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'the token is malformed';
  return 'the token could not be verified';
}

/**
 * Verifies bearer tokens with jose: signature (keys from a JWKS, a PEM public key or an HS256 secret), `exp`/`nbf`
 * with a small clock tolerance, `iss` and `aud` when configured. `alg: none` never verifies. A verified token is
 * remembered until its `exp` (at most `tokenCacheMs`), so a client's later requests cost a map look-up.
 */
export function createJwtVerifier(auth: JwtAuth, clock: () => number = Date.now): TokenVerifier {
  const { key, algorithms } = keyOf(auth.keys);
  const remembered = new LRUCache<string, Remembered>({ max: REMEMBERED_TOKENS });
  const options = { algorithms, issuer: auth.issuer, audience: auth.audience, clockTolerance: auth.clockToleranceSeconds };

  return {
    async verify(token): Promise<Verification> {
      const now = clock();
      const known = remembered.get(token);
      if (known && known.until > now) return { ok: true, principal: known.principal };
      let payload: JWTPayload;
      try {
        // Both overloads take the same arguments; the union of key kinds needs one of them picked.
        ({ payload } = await jwtVerify(token, key as KeyObject, { ...options, currentDate: new Date(now) }));
      } catch (error) {
        return { ok: false, description: describe(error) };
      }
      const sub = payload.sub;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH || !isPlainText(sub)) {
        return { ok: false, description: 'the token has no usable sub claim' };
      }
      if (typeof payload.exp !== 'number') return { ok: false, description: 'the token has no exp claim' };
      const principal: Principal = Object.freeze({ sub, admin: isAdmin(payload, auth) });
      const until = Math.min(payload.exp * 1000, now + auth.tokenCacheMs);
      if (until > now) remembered.set(token, { principal, until });
      return { ok: true, principal };
    },
  };
}
