import { ConfigError, loadConfig, parseTrustProxy } from '../../../src/config';

const SECRET = 'x'.repeat(32);
const CLUSTER = { DATABASE_URL: 'postgres://db/cinema', REDIS_URL: 'redis://r1:6379', KAFKA_BROKERS: 'k1:9092', INSTANCE_ID: 'app1' };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('authentication settings', () => {
  it('with nothing configured (the embedded default), then the mode is open', () => {
    expect(loadConfig({}).auth).toEqual({ mode: 'open' });
  });

  it.each([
    ['the cluster', CLUSTER],
    ['a Postgres URL alone', { DATABASE_URL: 'postgres://db/cinema' }],
  ])('with %s and no keys, then start-up is refused naming AUTH_MODE', (_name, env) => {
    expect(refusal(env)).toMatch(/AUTH_MODE: .*AUTH_MODE=open explicitly/);
  });

  it('with the cluster and AUTH_MODE=open said explicitly, then it runs open', () => {
    expect(loadConfig({ ...CLUSTER, AUTH_MODE: 'open' }).auth).toEqual({ mode: 'open' });
  });

  it('with a key source, then the mode is jwt with issuer, audience, a 30 s skew and the admin role and scope', () => {
    expect(loadConfig({ ...CLUSTER, AUTH_HS256_SECRET: SECRET, AUTH_ISSUER: 'https://idp', AUTH_AUDIENCE: 'cinema' }).auth).toEqual({
      mode: 'jwt',
      keys: { kind: 'hs256', secret: SECRET },
      issuer: 'https://idp',
      audience: 'cinema',
      clockToleranceSeconds: 30,
      adminRole: 'admin',
      adminScope: 'cinema:admin',
      tokenCacheMs: 300_000,
    });
    expect(loadConfig({ AUTH_JWKS_URL: 'https://idp/jwks.json' }).auth).toMatchObject({ mode: 'jwt', keys: { kind: 'jwks', cacheMs: 600_000 } });
  });

  it.each([
    [{ AUTH_MODE: 'jwt' }, /AUTH_MODE: jwt needs/],
    [{ AUTH_HS256_SECRET: 'short' }, /AUTH_HS256_SECRET: .*32/],
    [{ AUTH_HS256_SECRET: SECRET, AUTH_JWKS_URL: 'https://idp/jwks' }, /only one source of keys/],
    [{ AUTH_JWKS_URL: 'ftp://idp/jwks' }, /AUTH_JWKS_URL/],
    [{ AUTH_CLOCK_TOLERANCE_SECONDS: '3600', AUTH_HS256_SECRET: SECRET }, /AUTH_CLOCK_TOLERANCE_SECONDS/],
  ])('refuses %j', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });
});

describe('client address, limits and metrics settings', () => {
  it('trusts only loopback proxies by default, and takes a hop count or addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('false')).toBe(0);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7 ,uniquelocal,::1,fd00::/8')).toEqual(['10.0.0.0/8', '192.168.1.7', 'uniquelocal', '::1', 'fd00::/8']);
  });

  it.each(['10.0.0.0/33', 'proxy.example', '1.2.3.4/8/8', ''])('refuses TRUST_PROXY=%j', (value) => {
    expect(() => parseTrustProxy(value)).toThrow(/TRUST_PROXY/);
  });

  it('allows 10 seats per user per session, a write budget equal to the read budget unless set, and no metrics port', () => {
    const config = loadConfig({});
    expect(config.maxSeatsPerUserPerSession).toBe(10);
    expect(config.rateLimit).toMatchObject({ max: 100, writeMax: 100, redisTimeoutMs: 100 });
    expect(config.metricsPort).toBeUndefined();
    expect(loadConfig({ RATE_LIMIT_WRITE_MAX: '20', METRICS_PORT: '9464' })).toMatchObject({ rateLimit: { writeMax: 20 }, metricsPort: 9464 });
  });
});
