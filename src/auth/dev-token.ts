import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';

export interface DevTokenRequest {
  readonly secret: string;
  readonly sub: string;
  readonly admin: boolean;
  readonly ttlSeconds: number;
  readonly issuer?: string;
  readonly audience?: string;
  readonly adminRole: string;
  readonly now?: number;
}

/** An HS256 token for development (AUTH_HS256_SECRET): `sub`, `roles` (with the admin role when asked), `exp`. */
export async function signDevToken(r: DevTokenRequest): Promise<string> {
  const iat = Math.floor((r.now ?? Date.now()) / 1000);
  let jwt = new SignJWT({ roles: r.admin ? [r.adminRole] : [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(r.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + r.ttlSeconds);
  if (r.issuer) jwt = jwt.setIssuer(r.issuer);
  if (r.audience) jwt = jwt.setAudience(r.audience);
  return jwt.sign(createSecretKey(Buffer.from(r.secret, 'utf8')));
}

/** "90", "90s", "15m", "1h", "7d" as seconds; undefined when it is none of these. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  const seconds = Number(m[1]) * unit;
  return seconds > 0 ? seconds : undefined;
}
