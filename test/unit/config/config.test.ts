import { ConfigError, isClusterMode, loadConfig } from '../../../src/config';

/** Runs loadConfig and returns the ConfigError it throws, failing the test if it throws nothing or something else. */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('with an empty environment', () => {
    const config = loadConfig({});

    it('then the service runs alone on its embedded defaults', () => {
      expect(config.database).toEqual({ kind: 'embedded', dataDir: './data', port: 0 });
      expect(config.redisUrls).toEqual([]);
      expect(config.kafkaBrokers).toEqual([]);
    });

    it('then it listens on port 3000, holds seats 30 000 ms, allows 10 seats per reservation and 100 requests per 60 s', () => {
      expect(config.port).toBe(3000);
      expect(config.reservationTtlMs).toBe(30_000);
      expect(config.maxSeatsPerReservation).toBe(10);
      expect(config.rateLimit).toEqual({ windowMs: 60_000, max: 100, writeMax: 100, redisTimeoutMs: 100 });
    });

    it('then a hold may be extended once, by 60 000 ms', () => {
      expect(loadConfig({})).toMatchObject({ reservationExtensionMs: 60_000, maxExtensions: 1 });
      expect(loadConfig({ RESERVATION_EXTENSION_SECONDS: '90', MAX_EXTENSIONS: '3' })).toMatchObject({
        reservationExtensionMs: 90_000,
        maxExtensions: 3,
      });
    });

    it('then it logs at info and names itself after the host and process', () => {
      expect(config.logLevel).toBe('info');
      expect(config.instanceId).toEqual(expect.stringContaining(String(process.pid)));
    });
  });

  it('when loadConfig is called without an argument, then it reads process.env', () => {
    // AUTH_MODE too: where the cluster's variables are set (CI), start-up needs a key or an explicit open mode.
    const saved = { INSTANCE_ID: process.env.INSTANCE_ID, AUTH_MODE: process.env.AUTH_MODE };
    Object.assign(process.env, { INSTANCE_ID: 'from-process-env', AUTH_MODE: 'open' });
    try {
      expect(loadConfig().instanceId).toBe('from-process-env');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('when values are given, then they override the defaults', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/cinema',
      EMBEDDED_DB_PORT: '5433',
      INSTANCE_ID: 'node-1',
      RESERVATION_TTL_SECONDS: '2.5',
      MAX_SEATS_PER_RESERVATION: '4',
      RATE_LIMIT_TTL: '1',
      RATE_LIMIT_MAX: '5',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      database: { kind: 'embedded', dataDir: '/var/lib/cinema', port: 5433 },
      instanceId: 'node-1',
      reservationTtlMs: 2_500,
      maxSeatsPerReservation: 4,
      rateLimit: { windowMs: 1_000, max: 5 },
      logLevel: 'debug',
    });
  });

  describe('the database', () => {
    it('when DATABASE_URL is set, then Postgres at that URL is used', () => {
      const url = 'postgres://cinema:secret@db.internal:5432/cinema';
      expect(loadConfig({ DATABASE_URL: url, AUTH_MODE: 'open' }).database).toEqual({ kind: 'postgres', url });
    });

    it('when DATABASE_URL uses the postgresql:// scheme, then it is accepted too', () => {
      expect(loadConfig({ DATABASE_URL: 'postgresql://db/cinema', AUTH_MODE: 'open' }).database).toEqual({ kind: 'postgres', url: 'postgresql://db/cinema' });
    });

    it('when DATABASE_URL is empty, then it counts as unset', () => {
      expect(loadConfig({ DATABASE_URL: '' }).database).toEqual({ kind: 'embedded', dataDir: './data', port: 0 });
    });

    it("when the seed's DB_* variables are set, then they build a Postgres URL with the password url-encoded", () => {
      const config = loadConfig({
        DB_HOST: 'pg',
        AUTH_MODE: 'open',
        DB_PORT: '5433',
        DB_USERNAME: 'cinema',
        DB_PASSWORD: 'p@ss:w/rd#1',
        DB_DATABASE: 'tickets',
      });
      expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://cinema:p%40ss%3Aw%2Frd%231@pg:5433/tickets' });
      expect(decodeURIComponent(new URL((config.database as { url: string }).url).password)).toBe('p@ss:w/rd#1');
    });

    it('when only DB_HOST is set, then the seed defaults fill in user, port and database', () => {
      expect(loadConfig({ DB_HOST: 'pg', AUTH_MODE: 'open' }).database).toEqual({ kind: 'postgres', url: 'postgres://postgres@pg:5432/postgres' });
    });

    it('when both DATABASE_URL and DB_HOST are set, then DATABASE_URL wins', () => {
      expect(loadConfig({ DATABASE_URL: 'postgres://a/b', DB_HOST: 'pg', AUTH_MODE: 'open' }).database).toEqual({ kind: 'postgres', url: 'postgres://a/b' });
    });
  });

  describe('cluster mode (Redis leases + Kafka + a shared Postgres)', () => {
    /** A complete cluster environment, so each spec below changes one thing. */
    const cluster = { DATABASE_URL: 'postgres://db/cinema', REDIS_URL: 'redis://r1:6379', KAFKA_BROKERS: 'k1:9092', AUTH_MODE: 'open', INSTANCE_ID: 'app1' };

    it('when Postgres, Redis and Kafka are all configured, then the instance runs in cluster mode', () => {
      const config = loadConfig(cluster);
      expect(isClusterMode(config)).toBe(true);
      expect(config.redisUrls).toEqual(['redis://r1:6379']);
      expect(config.kafkaBrokers).toEqual(['k1:9092']);
    });

    it('when nothing is configured, then the instance is not in cluster mode', () => {
      expect(isClusterMode(loadConfig({}))).toBe(false);
    });

    it('when REDIS_URL lists several nodes separated by commas, then each is one Redlock node', () => {
      expect(loadConfig({ ...cluster, REDIS_URL: 'redis://r1:6379, redis://r2:6379 ,rediss://r3:6380' }).redisUrls).toEqual([
        'redis://r1:6379',
        'redis://r2:6379',
        'rediss://r3:6380',
      ]);
    });

    it("when the seed's REDIS_HOST and REDIS_PORT are set instead, then they build the URL", () => {
      const { REDIS_URL: _, ...withoutRedisUrl } = cluster;
      expect(loadConfig({ ...withoutRedisUrl, REDIS_HOST: 'cache', REDIS_PORT: '6380' }).redisUrls).toEqual(['redis://cache:6380']);
      expect(loadConfig({ ...withoutRedisUrl, REDIS_HOST: 'cache' }).redisUrls).toEqual(['redis://cache:6379']);
    });

    it('when both REDIS_URL and REDIS_HOST are set, then REDIS_URL wins', () => {
      expect(loadConfig({ ...cluster, REDIS_URL: 'redis://a:1', REDIS_HOST: 'b' }).redisUrls).toEqual(['redis://a:1']);
    });

    it('when KAFKA_BROKERS lists host:port pairs, then each is a broker', () => {
      expect(loadConfig({ ...cluster, KAFKA_BROKERS: 'k1:9092, k2:9092,10.0.0.3:29092' }).kafkaBrokers).toEqual([
        'k1:9092',
        'k2:9092',
        '10.0.0.3:29092',
      ]);
    });

    it('when INSTANCE_ID is missing, then a ConfigError asks for a stable name (it names the instance\'s own topics and consumer group)', () => {
      const { INSTANCE_ID: _, ...unnamed } = cluster;
      expect(configErrorFor(unnamed).issues).toEqual([expect.stringMatching(/^INSTANCE_ID: .*stable name.*consumer group/)]);
    });

    it('when INSTANCE_ID is given, then it is this instance\'s name in leases and its topics', () => {
      expect(loadConfig({ ...cluster, INSTANCE_ID: 'cinema-2.eu_west' }).instanceId).toBe('cinema-2.eu_west');
    });

    it.each([
      ['Kafka without Redis', { DATABASE_URL: cluster.DATABASE_URL, KAFKA_BROKERS: cluster.KAFKA_BROKERS }, 'REDIS_URL'],
      ['Redis without Kafka', { DATABASE_URL: cluster.DATABASE_URL, REDIS_URL: cluster.REDIS_URL }, 'KAFKA_BROKERS'],
      ['Redis and Kafka on the embedded database', { REDIS_URL: cluster.REDIS_URL, KAFKA_BROKERS: cluster.KAFKA_BROKERS }, 'DATABASE_URL'],
    ])('when %s is configured, then a ConfigError names %s', (_case, env, name) => {
      expect(configErrorFor(env).issues.some((issue) => issue.startsWith(`${name}:`))).toBe(true);
    });
  });

  describe('bad values stop start-up with a ConfigError naming the variable', () => {
    it.each([
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['PORT', '-1'],
      ['PORT', '80.5'],
      ['RESERVATION_TTL_SECONDS', '-1'],
      ['RESERVATION_TTL_SECONDS', '0'],
      ['RESERVATION_TTL_SECONDS', 'soon'],
      ['MAX_SEATS_PER_RESERVATION', '0'],
      ['MAX_SEATS_PER_RESERVATION', '101'],
      ['RESERVATION_EXTENSION_SECONDS', '0'],
      ['MAX_EXTENSIONS', '-1'],
      ['MAX_EXTENSIONS', '1.5'],
      ['RATE_LIMIT_TTL', '0'],
      ['RATE_LIMIT_MAX', '0'],
      ['DATABASE_URL', 'mysql://x'],
      ['DATABASE_URL', 'not a url'],
      ['DB_PORT', '99999'],
      ['REDIS_PORT', 'x'],
      ['KAFKA_BROKERS', 'nohost'],
      ['KAFKA_BROKERS', 'k1:9092,nohost'],
      ['REDIS_URL', 'http://x'],
      ['REDIS_URL', 'redis://ok:6379,http://x'],
      ['LOG_LEVEL', 'loud'],
      ['KAFKA_TOPIC_PREFIX', 'has space'],
      ['KAFKA_TOPIC_PREFIX', 'x'.repeat(121)],
      ['KAFKA_TOPIC_PREFIX', ''],
      ['INSTANCE_ID', 'app 1'],
      ['INSTANCE_ID', 'app/1'],
    ])('when %s=%s, then a ConfigError names it', (name, value) => {
      // Start from a valid cluster environment so the bad value is the only thing wrong.
      const valid = { DATABASE_URL: 'postgres://db/cinema', REDIS_URL: 'redis://r1:6379', KAFKA_BROKERS: 'k1:9092', AUTH_MODE: 'open', INSTANCE_ID: 'app1' };
      const error = configErrorFor({ ...valid, [name]: value });
      expect(error.name).toBe('ConfigError');
      expect(error.message).toContain(name);
      expect(error.issues.some((issue) => issue.startsWith(`${name}:`))).toBe(true);
    });

    it.each(['', ' '])('when PORT is %p (set but empty), then it is not silently taken as port 0, a random port', (value) => {
      // An empty value must either count as unset (3000, as empty DATABASE_URL/REDIS_URL do) or be refused by name.
      let port: number | undefined;
      try {
        port = loadConfig({ PORT: value }).port;
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).message).toContain('PORT');
        return;
      }
      expect(port).toBe(3000);
    });

    it('when several values are bad, then every one of them is named', () => {
      const error = configErrorFor({ PORT: 'abc', LOG_LEVEL: 'loud', MAX_SEATS_PER_RESERVATION: '0' });
      expect(error.message).toEqual(expect.stringContaining('PORT'));
      expect(error.message).toEqual(expect.stringContaining('LOG_LEVEL'));
      expect(error.message).toEqual(expect.stringContaining('MAX_SEATS_PER_RESERVATION'));
    });
  });

  describe('the result', () => {
    const config = loadConfig({ REDIS_URL: 'redis://a:1', KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://db/x', AUTH_MODE: 'open', INSTANCE_ID: 'app1' });

    it('when the config is loaded, then it and its nested parts are frozen', () => {
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.database)).toBe(true);
      expect(Object.isFrozen(config.redisUrls)).toBe(true);
      expect(Object.isFrozen(config.kafkaBrokers)).toBe(true);
      expect(Object.isFrozen(config.rateLimit)).toBe(true);
    });

    it('when code tries to change it, then the change is refused', () => {
      expect(() => {
        (config as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(() => (config.redisUrls as string[]).push('redis://evil:1')).toThrow(TypeError);
      expect(config.port).toBe(3000);
    });
  });
});
