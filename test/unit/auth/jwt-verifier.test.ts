import { createSecretKey } from 'node:crypto';
import { exportSPKI, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createJwtVerifier } from '../../../src/auth/jwt-verifier';
import { loadConfig, type AuthConfig } from '../../../src/config';

const SECRET = 'unit-secret-0123456789abcdef0123456789';

function jwtAuth(env: Record<string, string>): Extract<AuthConfig, { mode: 'jwt' }> {
  const { auth } = loadConfig(env);
  if (auth.mode !== 'jwt') throw new Error('expected jwt mode');
  return auth;
}

/** An HS256 token; `exp` null leaves the claim out. */
const hs = (claims: Record<string, unknown>, exp: number | null = Math.floor(Date.now() / 1000) + 600, secret = SECRET) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  return jwt.sign(createSecretKey(Buffer.from(secret)));
};

describe('verifying bearer tokens', () => {
  const auth = jwtAuth({ AUTH_HS256_SECRET: SECRET });

  it('takes the user from sub, and makes an admin of roles: [admin] or scope cinema:admin only', async () => {
    const v = createJwtVerifier(auth);
    expect(await v.verify(await hs({ sub: 'alice' }))).toEqual({ ok: true, principal: { sub: 'alice', admin: false } });
    expect(await v.verify(await hs({ sub: 'bo', roles: ['admin'] }))).toEqual({ ok: true, principal: { sub: 'bo', admin: true } });
    expect(await v.verify(await hs({ sub: 'cy', scope: 'openid cinema:admin' }))).toEqual({ ok: true, principal: { sub: 'cy', admin: true } });
    expect(await v.verify(await hs({ sub: 'di', scope: 'cinema:admins', roles: 'admin' }))).toEqual({ ok: true, principal: { sub: 'di', admin: false } });
  });

  it('names the admin role and scope as configured', async () => {
    const v = createJwtVerifier(jwtAuth({ AUTH_HS256_SECRET: SECRET, AUTH_ADMIN_ROLE: 'box-office', AUTH_ADMIN_SCOPE: 'tickets:admin' }));
    expect(await v.verify(await hs({ sub: 'a', roles: ['admin'] }))).toMatchObject({ principal: { admin: false } });
    expect(await v.verify(await hs({ sub: 'b', roles: ['box-office'] }))).toMatchObject({ principal: { admin: true } });
    expect(await v.verify(await hs({ sub: 'c', scope: 'tickets:admin' }))).toMatchObject({ principal: { admin: true } });
  });

  it.each([
    ['without sub', async () => hs({})],
    ['with a sub over 100 characters', async () => hs({ sub: 'x'.repeat(101) })],
    ['with a control character in sub (NUL would fail the commit that stores it)', async () => hs({ sub: 'ali\u0000ce' })],
    ['without exp', async () => hs({ sub: 'alice' }, null)],
    ['alg none', async () => new UnsecuredJWT({ sub: 'alice', roles: ['admin'] }).setExpirationTime('1h').encode()],
    ['signed with another secret', async () => hs({ sub: 'alice' }, undefined, 'other-secret-0123456789abcdef0123456789')],
  ])('refuses a token %s', async (_name, make) => {
    expect(await createJwtVerifier(auth).verify(await make())).toEqual({ ok: false, description: expect.any(String) });
  });

  it('allows the configured clock skew past exp, and no more', async () => {
    const now = Date.now();
    const v = createJwtVerifier(jwtAuth({ AUTH_HS256_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_SECONDS: '30' }), () => now);
    const at = (secondsFromNow: number) => hs({ sub: 'a' }, Math.floor(now / 1000) + secondsFromNow);
    expect((await v.verify(await at(-20))).ok).toBe(true);
    expect(await v.verify(await at(-60))).toEqual({ ok: false, description: 'the token expired' });
  });

  it('remembers a verified token until its exp, then verifies it again', async () => {
    let now = Date.now();
    const v = createJwtVerifier(jwtAuth({ AUTH_HS256_SECRET: SECRET, AUTH_CLOCK_TOLERANCE_SECONDS: '0' }), () => now);
    const token = await hs({ sub: 'alice' }, Math.floor(now / 1000) + 60);
    expect((await v.verify(token)).ok).toBe(true);
    now += 30_000;
    expect((await v.verify(token)).ok).toBe(true);
    now += 31_000;
    expect(await v.verify(token)).toEqual({ ok: false, description: 'the token expired' });
  });

  it('refuses algorithm confusion: an HS256 token keyed with the public key of an asymmetric configuration', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const pem = await exportSPKI(publicKey);
    const v = createJwtVerifier(jwtAuth({ AUTH_PUBLIC_KEY: pem }));
    const genuine = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('1h').sign(privateKey);
    expect((await v.verify(genuine)).ok).toBe(true);
    const forged = await hs({ sub: 'mallory', roles: ['admin'] }, undefined, pem);
    expect(await v.verify(forged)).toEqual({ ok: false, description: 'the signing algorithm is not accepted' });
  });
});
