import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import request from 'supertest';
import { createJwtVerifier } from '../../../src/auth/jwt-verifier';
import { loadConfig } from '../../../src/config';
import { eventually } from '../../support/test-instance';
import { testApp } from '../http/fakes';

/** An identity provider's JWKS endpoint, served by the test; `keys` is what it publishes right now. */
async function jwksServer(): Promise<{ url: string; publish(keys: JWK[]): void; fetches(): number; close(): Promise<void> }> {
  let keys: JWK[] = [];
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    publish: (next) => {
      keys = next;
    },
    fetches: () => fetches,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function signingKey(kid: string): Promise<{ kid: string; privateKey: KeyLike; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const token = (key: { kid: string; privateKey: KeyLike }, sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject(sub)
    .setIssuer('https://idp.test')
    .setAudience('cinema')
    .setExpirationTime('10m')
    .sign(key.privateKey);

describe('keys from a JWKS endpoint, rotated', () => {
  let idp: Awaited<ReturnType<typeof jwksServer>>;
  afterAll(() => idp?.close());

  it('accepts tokens of the published key, then after rotation refuses the old key and accepts the new one', async () => {
    idp = await jwksServer();
    const [oldKey, newKey] = await Promise.all([signingKey('2026-old'), signingKey('2026-new')]);
    idp.publish([oldKey.jwk]);
    const config = loadConfig({
      AUTH_JWKS_URL: idp.url,
      AUTH_ISSUER: 'https://idp.test',
      AUTH_AUDIENCE: 'cinema',
      AUTH_JWKS_CACHE_SECONDS: '1',
      AUTH_TOKEN_CACHE_SECONDS: '1',
    });
    if (config.auth.mode !== 'jwt') throw new Error('expected jwt mode');
    const { app } = testApp({ verifier: createJwtVerifier(config.auth) });
    const get = (t: string) => request(app).get('/sessions').set('Authorization', `Bearer ${t}`);

    const oldToken = await token(oldKey, 'alice');
    const newToken = await token(newKey, 'bob');
    expect((await get(oldToken)).status).toBe(200);
    // Signed by a key the provider does not publish (yet): refused.
    const early = await get(newToken);
    expect(early.status).toBe(401);
    expect(early.headers['www-authenticate']).toMatch(/error="invalid_token"/);

    idp.publish([newKey.jwk]);
    await eventually(async () => (await get(newToken)).status === 200, 15_000, 200);
    await eventually(async () => (await get(oldToken)).status === 401, 15_000, 200);
    // Once rotated, it stays so; the provider was asked again, not on every request.
    expect((await get(newToken)).status).toBe(200);
    expect((await get(oldToken)).status).toBe(401);
    expect(idp.fetches()).toBeGreaterThanOrEqual(2);
  });
});
