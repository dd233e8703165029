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
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]+$/).default('cinema'),
  INSTANCE_ID: optionalText,
  RESERVATION_TTL_SECONDS: positive(30, 86_400),
  MAX_SEATS_PER_RESERVATION: int(10, 1, 100),
  RATE_LIMIT_TTL: positive(60, 86_400),
  RATE_LIMIT_MAX: int(100, 1, 100_000_000),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  SESSION_IDLE_SECONDS: positive(300, 86_400),
  LEASE_TTL_MS: int(10_000, 1_000, 600_000),
  COMMAND_TIMEOUT_MS: int(5_000, 100, 120_000),
  SHUTDOWN_TIMEOUT_MS: int(10_000, 100, 600_000),
  DB_STATEMENT_TIMEOUT_MS: int(5_000, 100, 600_000),
  DB_LOCK_TIMEOUT_MS: int(2_000, 100, 600_000),
  REDIS_COMMAND_TIMEOUT_MS: int(500, 50, 60_000),
});

export type DatabaseConfig =
  | { readonly kind: 'postgres'; readonly url: string }
  /** PostgreSQL started by the service under `dataDir`, on `port` (0: a free port picked at start). */
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly port: number };

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
  readonly rateLimit: { readonly windowMs: number; readonly max: number };
  readonly logLevel: string;
  readonly sessionIdleMs: number;
  readonly leaseTtlMs: number;
  readonly commandTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
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
  ];
  if (clusterIssues.length > 0) throw new ConfigError(clusterIssues);

  return Object.freeze({
    port: e.PORT,
    instanceId: e.INSTANCE_ID ?? `${hostname()}-${process.pid}`,
    database: Object.freeze(database),
    redisUrls: Object.freeze(redisUrls),
    kafkaBrokers: Object.freeze(kafkaBrokers),
    kafkaTopicPrefix: e.KAFKA_TOPIC_PREFIX,
    reservationTtlMs: Math.round(e.RESERVATION_TTL_SECONDS * 1000),
    maxSeatsPerReservation: e.MAX_SEATS_PER_RESERVATION,
    rateLimit: Object.freeze({ windowMs: Math.round(e.RATE_LIMIT_TTL * 1000), max: e.RATE_LIMIT_MAX }),
    logLevel: e.LOG_LEVEL,
    sessionIdleMs: Math.round(e.SESSION_IDLE_SECONDS * 1000),
    leaseTtlMs: e.LEASE_TTL_MS,
    commandTimeoutMs: e.COMMAND_TIMEOUT_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    databaseTimeouts: Object.freeze({ statementMs: e.DB_STATEMENT_TIMEOUT_MS, lockMs: e.DB_LOCK_TIMEOUT_MS }),
    redisCommandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
  });
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
