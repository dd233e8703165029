import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * The service's configuration. This is the only module that reads process.env: everything else receives a
 * frozen Config. A bad value stops start-up with a message that names the variable.
 */
/** An unset or blank variable takes the default ('' must not coerce to 0). */
const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const int = (fallback: number, min: number, max: number) =>
  z.preprocess(blankAsUnset, z.coerce.number().int().min(min).max(max).default(fallback));
const positive = (fallback: number, max: number) =>
  z.preprocess(blankAsUnset, z.coerce.number().positive().max(max).default(fallback));

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const EnvSchema = z.object({
  PORT: int(3000, 0, 65535),
  DATA_DIR: z.string().min(1).default('./data'),
  EMBEDDED_DB_PORT: int(0, 0, 65535),
  DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DB_HOST: optionalText,
  DB_PORT: int(5432, 1, 65535),
  DB_USERNAME: z.string().default('postgres'),
  DB_PASSWORD: z.string().default(''),
  DB_DATABASE: z.string().default('postgres'),
  REDIS_URL: optionalText,
  REDIS_HOST: optionalText,
  REDIS_PORT: int(6379, 1, 65535),
  KAFKA_BROKERS: optionalText,
  // Kafka names a topic in at most 249 topic-name characters; the longest here is <prefix>.commands.<INSTANCE_ID>.
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,120}$/, 'letters, digits, ".", "_" and "-" only (at most 120)')
    .default('cinema'),
  // Names this instance's own Kafka topics and consumer group (README, "The cluster"): topic-name characters only.
  INSTANCE_ID: optionalText.pipe(
    z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only (at most 100)').optional(),
  ),
  RESERVATION_TTL_SECONDS: positive(30, 86_400),
  MAX_SEATS_PER_RESERVATION: int(10, 1, 100),
  RESERVATION_EXTENSION_SECONDS: positive(60, 86_400),
  MAX_EXTENSIONS: int(1, 0, 100),
  SALES_CLOSE_MINUTES_BEFORE: int(0, 0, 10_080),
  RATE_LIMIT_TTL: positive(60, 86_400),
  RATE_LIMIT_MAX: int(100, 1, 100_000_000),
  RATE_LIMIT_WRITE_MAX: z.preprocess(blankAsUnset, z.coerce.number().int().min(1).max(100_000_000).optional()),
  RATE_LIMIT_REDIS_TIMEOUT_MS: int(100, 5, 10_000),
  MAX_SEATS_PER_USER_PER_SESSION: int(10, 1, 2_000),
  TRUST_PROXY: z.preprocess(blankAsUnset, z.string().default('loopback')),
  METRICS_PORT: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(65535).optional()),
  AUTH_MODE: z.preprocess(blankAsUnset, z.enum(['jwt', 'open']).optional()),
  AUTH_JWKS_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  AUTH_PUBLIC_KEY: optionalText,
  AUTH_HS256_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  AUTH_ISSUER: optionalText,
  AUTH_AUDIENCE: optionalText,
  AUTH_CLOCK_TOLERANCE_SECONDS: int(30, 0, 300),
  AUTH_ADMIN_ROLE: z.string().min(1).default('admin'),
  AUTH_ADMIN_SCOPE: z.string().min(1).default('cinema:admin'),
  AUTH_TOKEN_CACHE_SECONDS: int(300, 0, 86_400),
  AUTH_JWKS_CACHE_SECONDS: int(600, 1, 86_400),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  SESSION_IDLE_SECONDS: positive(300, 86_400),
  LEASE_TTL_MS: int(10_000, 1_000, 600_000),
  COMMAND_TIMEOUT_MS: int(5_000, 100, 120_000),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  READ_MODEL_MAX_LAG_MS: int(2_000, 100, 600_000),
  READ_MODEL_MAX_SESSIONS: int(10_000, 10, 10_000_000),
  STREAMS_MAX: int(5_000, 0, 1_000_000),
  STREAM_HEARTBEAT_MS: int(15_000, 100, 600_000),
  DB_STATEMENT_TIMEOUT_MS: int(5_000, 100, 600_000),
  DB_LOCK_TIMEOUT_MS: int(2_000, 100, 600_000),
  REDIS_COMMAND_TIMEOUT_MS: int(500, 50, 60_000),
});

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string }
  /** PostgreSQL started by the service under `dataDir`, on `port` (0: a free port picked at start). */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly port: number };

/** Where the keys that sign bearer tokens come from (see README, "Authentication"). */
export type AuthKeySource =
  | { readonly kind: 'jwks'; readonly url: string; readonly cacheMs: number }
  | { readonly kind: 'public-key'; readonly pem: string }
  | { readonly kind: 'hs256'; readonly secret: string };

export type AuthConfig =
  | { readonly mode: 'open' }
  | {
      readonly mode: 'jwt';
      readonly keys: AuthKeySource;
      readonly issuer?: string;
      readonly audience?: string;
      readonly clockToleranceSeconds: number;
      /** A `roles` claim containing this, or a `scope` containing `adminScope`, makes the caller an admin. */
      readonly adminRole: string;
      readonly adminScope: string;
      /** Upper bound on how long a verified token is remembered (never past its `exp`). */
      readonly tokenCacheMs: number;
    };

/** express's `trust proxy` setting: a hop count, or addresses, CIDRs and the names loopback/linklocal/uniquelocal. */
export type TrustProxy = number | readonly string[];

export interface Config {
  readonly port: number;
  readonly instanceId: string;
  readonly database: DatabaseConfig;
  /** One URL per Redlock node; empty for the embedded single-instance mode. */
  readonly redisUrls: readonly string[];
  /** Empty for the in-process bus. With Redis, turns on cluster mode. */
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopicPrefix: string;
  readonly reservationTtlMs: number;
  readonly maxSeatsPerReservation: number;
  /** How much one extension adds to a pending hold, and how many a hold may have. */
  readonly reservationExtensionMs: number;
  readonly maxExtensions: number;
  /** Requests per client per window: `max` for reads (GET, HEAD), `writeMax` for the rest, counted apart. */
  readonly rateLimit: {
    readonly windowMs: number;
    readonly max: number;
    readonly writeMax: number;
    /** A Redis counter slower than this falls back to counting in this process. */
    readonly redisTimeoutMs: number;
  };
  /** Seats one user may hold or have bought in one session. */
  readonly maxSeatsPerUserPerSession: number;
  readonly auth: AuthConfig;
  readonly trustProxy: TrustProxy;
  /** When set, /metrics is served on this port (without a token) instead of on the API port. */
  readonly metricsPort?: number;
  /** Holds and payments stop this long before a session starts (SALES_CLOSE_MINUTES_BEFORE; 0: at its start). */
  readonly salesCloseMs: number;
  readonly logLevel: string;
  readonly sessionIdleMs: number;
  readonly leaseTtlMs: number;
  readonly commandTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  /** The read side: lag bound past which reads go to Postgres, sessions kept, open streams and their heartbeat. */
  readonly readSide: {
    readonly maxLagMs: number;
    readonly maxSessions: number;
    readonly maxStreams: number;
    readonly heartbeatMs: number;
  };
  /** Bounds on every Postgres statement and lock wait (each connection's statement_timeout and lock_timeout). */
  readonly databaseTimeouts: DatabaseTimeouts;
  /** How long one Redis command may take before it fails (a hung node costs at most this). */
  readonly redisCommandTimeoutMs: number;
}

export interface DatabaseTimeouts {
  readonly statementMs: number;
  readonly lockMs: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL }
    : e.DB_HOST
      ? { kind: 'postgres', url: postgresUrl(e) }
      : { kind: 'embedded', dataDir: e.DATA_DIR, port: e.EMBEDDED_DB_PORT };
  const redisUrls = e.REDIS_URL
    ? e.REDIS_URL.split(',').map((u) => u.trim()).filter(Boolean)
    : e.REDIS_HOST
      ? [`redis://${e.REDIS_HOST}:${e.REDIS_PORT}`]
      : [];
  const badRedis = redisUrls.filter((u) => !/^rediss?:\/\//.test(u));
  if (badRedis.length > 0) throw new ConfigError([`REDIS_URL: not a redis:// URL: ${badRedis.join(', ')}`]);
  const kafkaBrokers = e.KAFKA_BROKERS ? e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean) : [];
  const badBroker = kafkaBrokers.filter((b) => {
    const m = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(b);
    return !m || Number(m[2]) < 1 || Number(m[2]) > 65535;
  });
  if (badBroker.length > 0) throw new ConfigError([`KAFKA_BROKERS: expected host:port, got ${badBroker.join(', ')}`]);

  const clusterIssues = [
    ...(kafkaBrokers.length > 0 && redisUrls.length === 0 ? ['REDIS_URL: cluster mode (KAFKA_BROKERS) needs Redis for leases'] : []),
    ...(redisUrls.length > 0 && kafkaBrokers.length === 0 ? ['KAFKA_BROKERS: cluster mode (REDIS_URL) needs Kafka between instances'] : []),
    ...((kafkaBrokers.length > 0 || redisUrls.length > 0) && database.kind === 'embedded'
      ? ['DATABASE_URL: cluster mode needs a shared Postgres (the embedded database serves one instance)']
      : []),
    ...(kafkaBrokers.length > 0 && redisUrls.length > 0 && e.INSTANCE_ID === undefined
      ? ['INSTANCE_ID: cluster mode needs a stable name for each instance, the same across its restarts (e.g. app1, or a StatefulSet pod name): its Kafka topics and consumer group are named after it']
      : []),
  ];
  if (clusterIssues.length > 0) throw new ConfigError(clusterIssues);
  const clustered = kafkaBrokers.length > 0 || redisUrls.length > 0 || database.kind === 'postgres';
  const auth = authConfig(e, clustered);
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);

  return Object.freeze({
    port: e.PORT,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    database: Object.freeze(database),
    redisUrls: Object.freeze(redisUrls),
    kafkaBrokers: Object.freeze(kafkaBrokers),
    kafkaTopicPrefix: e.KAFKA_TOPIC_PREFIX,
    reservationTtlMs: Math.round(e.RESERVATION_TTL_SECONDS * 1000),
    maxSeatsPerReservation: e.MAX_SEATS_PER_RESERVATION,
    reservationExtensionMs: Math.round(e.RESERVATION_EXTENSION_SECONDS * 1000),
    maxExtensions: e.MAX_EXTENSIONS,
    salesCloseMs: e.SALES_CLOSE_MINUTES_BEFORE * 60_000,
    rateLimit: Object.freeze({
      windowMs: Math.round(e.RATE_LIMIT_TTL * 1000),
      max: e.RATE_LIMIT_MAX,
      writeMax: e.RATE_LIMIT_WRITE_MAX ?? e.RATE_LIMIT_MAX,
      redisTimeoutMs: e.RATE_LIMIT_REDIS_TIMEOUT_MS,
    }),
    maxSeatsPerUserPerSession: e.MAX_SEATS_PER_USER_PER_SESSION,
    auth: Object.freeze(auth),
    trustProxy: typeof trustProxy === 'number' ? trustProxy : Object.freeze(trustProxy),
    metricsPort: e.METRICS_PORT,
    logLevel: e.LOG_LEVEL,
    sessionIdleMs: Math.round(e.SESSION_IDLE_SECONDS * 1000),
    leaseTtlMs: e.LEASE_TTL_MS,
    commandTimeoutMs: e.COMMAND_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    readSide: Object.freeze({
      maxLagMs: e.READ_MODEL_MAX_LAG_MS,
      maxSessions: e.READ_MODEL_MAX_SESSIONS,
      maxStreams: e.STREAMS_MAX,
      heartbeatMs: e.STREAM_HEARTBEAT_MS,
    }),
    databaseTimeouts: Object.freeze({ statementMs: e.DB_STATEMENT_TIMEOUT_MS, lockMs: e.DB_LOCK_TIMEOUT_MS }),
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
  });
}

type Env = z.infer<typeof EnvSchema>;

/**
 * `open` unless keys are configured or AUTH_MODE=jwt. Outside the embedded default (any of DATABASE_URL, REDIS_URL,
 * KAFKA_BROKERS) the service refuses to start without keys unless AUTH_MODE=open is explicit.
 */
function authConfig(e: Env, clustered: boolean): AuthConfig {
  const sources = [
    e.AUTH_JWKS_URL ? ({ kind: 'jwks', url: e.AUTH_JWKS_URL, cacheMs: e.AUTH_JWKS_CACHE_SECONDS * 1000 } as const) : undefined,
    e.AUTH_PUBLIC_KEY ? ({ kind: 'public-key', pem: e.AUTH_PUBLIC_KEY.replace(/\\n/g, '\n') } as const) : undefined,
    e.AUTH_HS256_SECRET ? ({ kind: 'hs256', secret: e.AUTH_HS256_SECRET } as const) : undefined,
  ].filter((s): s is AuthKeySource => s !== undefined);
  if (sources.length > 1) {
    throw new ConfigError(['AUTH_JWKS_URL, AUTH_PUBLIC_KEY, AUTH_HS256_SECRET: set only one source of keys']);
  }
  const mode = e.AUTH_MODE ?? (sources.length > 0 ? 'jwt' : clustered ? undefined : 'open');
  if (mode === undefined) {
    throw new ConfigError([
      'AUTH_MODE: outside the embedded default, set AUTH_JWKS_URL, AUTH_PUBLIC_KEY or AUTH_HS256_SECRET, or AUTH_MODE=open explicitly',
    ]);
  }
  if (mode === 'open') return { mode };
  if (sources.length === 0) {
    throw new ConfigError(['AUTH_MODE: jwt needs AUTH_JWKS_URL, AUTH_PUBLIC_KEY or AUTH_HS256_SECRET']);
  }
  return {
    mode,
    keys: Object.freeze(sources[0]),
    issuer: e.AUTH_ISSUER,
    audience: e.AUTH_AUDIENCE,
    clockToleranceSeconds: e.AUTH_CLOCK_TOLERANCE_SECONDS,
    adminRole: e.AUTH_ADMIN_ROLE,
    adminScope: e.AUTH_ADMIN_SCOPE,
    tokenCacheMs: e.AUTH_TOKEN_CACHE_SECONDS * 1000,
  };
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY: a hop count ("1"), or a comma-separated list of addresses, CIDRs and names; "false" trusts none. */
export function parseTrustProxy(value: string): TrustProxy {
  const v = value.trim();
  if (/^\d{1,3}$/.test(v)) return Number(v);
  if (v === 'false') return 0;
  const entries = v.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = entries.filter((x) => !PROXY_NAMES.has(x) && !isAddressOrCidr(x));
  if (entries.length === 0 || bad.length > 0) {
    throw new ConfigError([`TRUST_PROXY: expected a hop count or addresses/CIDRs/loopback/linklocal/uniquelocal, got ${bad.join(', ') || '(empty)'}`]);
  }
  return entries;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function postgresUrl(e: z.infer<typeof EnvSchema>): string {
  const auth = e.DB_PASSWORD
    ? `${encodeURIComponent(e.DB_USERNAME)}:${encodeURIComponent(e.DB_PASSWORD)}`
    : encodeURIComponent(e.DB_USERNAME);
  return `postgres://${auth}@${e.DB_HOST}:${e.DB_PORT}/${encodeURIComponent(e.DB_DATABASE)}`;
}

/** Several instances share the work when Kafka and Redis are configured. */
export function isClusterMode(config: Config): boolean {
  return config.kafkaBrokers.length > 0 && config.redisUrls.length > 0;
}

/** What `npm run events` needs: the brokers and topic prefix only (no database, no Redis). */
export function loadEventsToolConfig(env: Readonly<Record<string, string | undefined>> = process.env): {
  readonly kafkaBrokers: readonly string[];
  readonly kafkaTopicPrefix: string;
} {
  const parsed = EnvSchema.pick({ KAFKA_BROKERS: true, KAFKA_TOPIC_PREFIX: true }).safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const brokers = parsed.data.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
  if (brokers.length === 0) throw new ConfigError(['KAFKA_BROKERS: needed to read the events topic (host:port,…)']);
  return { kafkaBrokers: brokers, kafkaTopicPrefix: parsed.data.KAFKA_TOPIC_PREFIX };
}
