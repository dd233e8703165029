/**
 * Harness of the cluster suite: N instances of the service as separate OS processes (so that kill -9 and SIGSTOP
 * hit a real server) against one scratch Postgres database, one Kafka topic prefix and Redis (one node or the
 * three quorum nodes), plus an invariant checker that reads Postgres and the events topic directly.
 *
 * No test file here: jest only runs `*.test.ts`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { createScratchDatabase, eventually } from '../support/test-instance';

export { eventually };

export const REPO_ROOT = resolve(__dirname, '../..');

// ---------------------------------------------------------------------------------------------------------------
// Environment and skipping

export interface ClusterEnv {
  /** Admin URL of the shared Postgres server (scratch databases are created from it). */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The three Redlock nodes, when REDIS_QUORUM_URLS is set. */
  readonly redisQuorumUrls: readonly string[] | undefined;
  readonly kafkaBrokers: readonly string[];
}

export const SKIP_REASON = 'cluster suite skipped: KAFKA_BROKERS/REDIS_URL/DATABASE_URL not set';

export function clusterEnv(env: NodeJS.ProcessEnv = process.env): ClusterEnv | undefined {
  const { DATABASE_URL, REDIS_URL, KAFKA_BROKERS, REDIS_QUORUM_URLS } = env;
  if (!DATABASE_URL || !REDIS_URL || !KAFKA_BROKERS) return undefined;
  const quorum = REDIS_QUORUM_URLS?.split(',').map((u) => u.trim()).filter(Boolean);
  return {
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL.split(',')[0].trim(),
    redisQuorumUrls: quorum && quorum.length >= 3 ? quorum : undefined,
    kafkaBrokers: KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
  };
}

/**
 * `describe` when the cluster services are configured; otherwise one skipped test whose name says why, and a
 * note on the console.
 */
export function describeCluster(name: string, body: (env: ClusterEnv) => void): void {
  const env = clusterEnv();
  if (!env) {
    describe(name, () => {
      it.skip(SKIP_REASON, () => undefined);
    });
    console.warn(`${name}: ${SKIP_REASON}`);
    return;
  }
  describe(name, () => body(env));
}

/**
 * Cluster test files restart Kafka and stop Redis nodes, so they must not overlap when jest runs files in
 * parallel workers: each file holds this Postgres advisory lock (session level; released if the worker dies).
 */
export async function acquireSuiteLock(databaseUrl: string): Promise<() => Promise<void>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [SUITE_LOCK]);
  return async () => {
    await client.query('SELECT pg_advisory_unlock($1)', [SUITE_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  };
}
const SUITE_LOCK = 7_314_170;

/** Holds the suite lock from before the block's first test until after its last one. */
export function useSuiteLock(env: ClusterEnv): void {
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    release = await acquireSuiteLock(env.databaseUrl);
  }, 15 * 60_000);
  afterAll(async () => {
    await release?.();
  }, 60_000);
}

/**
 * Starts a cluster before the block's tests and destroys it after them (`teardown` runs first, e.g. to bring a
 * stopped broker back). With `lock`, the suite lock is taken before the start and released after the destroy.
 * The returned getter is valid inside hooks and tests.
 */
export function useCluster(options: ClusterOptions, extra: { lock?: boolean; teardown?: () => void } = {}): () => Cluster {
  let cluster: Cluster | undefined;
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (extra.lock) release = await acquireSuiteLock(options.env.databaseUrl);
    cluster = await Cluster.start(options);
  }, 15 * 60_000);
  afterAll(async () => {
    try {
      extra.teardown?.();
      await cluster?.destroy();
    } finally {
      await release?.();
    }
  }, 240_000);
  return () => cluster as Cluster;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface HttpResult<T = any> {
  /** 0 when there was no HTTP answer (connection refused or reset, timeout). */
  readonly status: number;
  readonly body: T;
  readonly contentType: string;
  /** The Retry-After header, if any. */
  readonly retryAfter?: string;
  readonly etag?: string;
  readonly ms: number;
  readonly error?: string;
}

export async function http<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const started = Date.now();
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return {
      status: res.status,
      body: parsed as T,
      contentType: res.headers.get('content-type') ?? '',
      retryAfter: res.headers.get('retry-after') ?? undefined,
      etag: res.headers.get('etag') ?? undefined,
      ms: Date.now() - started,
    };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const detail = e.cause?.code ?? e.cause?.message ?? e.name;
    return { status: 0, body: undefined as T, contentType: '', ms: Date.now() - started, error: `${e.message} (${detail})` };
  }
}

/** One-line summary of an answer for assertion messages. */
export function summary(r: HttpResult): string {
  if (r.status === 0) return `no answer: ${r.error}`;
  const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  return `${r.status} ${r.contentType} ${String(body).slice(0, 300)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Domain helpers

export interface SeatView {
  readonly seatNumber: string;
  readonly status: 'AVAILABLE' | 'RESERVED' | 'SOLD';
  readonly isAvailable: boolean;
}
export interface AvailabilityDoc {
  readonly sessionId: string;
  readonly totalSeats: number;
  readonly availableSeats: number;
  readonly seats: readonly SeatView[];
}
export interface SaleBody {
  readonly id: string;
  readonly reservationId: string;
  readonly sessionId: string;
  readonly seatNumber: string;
  readonly userId: string;
}

/** Seat label of the k-th seat (0-based) in the default layout: rows A, B, ... of `perRow` seats. */
export function seatLabel(k: number, perRow = 10): string {
  let row = Math.floor(k / perRow);
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (row % 26)) + letters;
    row = Math.floor(row / 26) - 1;
  } while (row >= 0);
  return `${letters}${(k % perRow) + 1}`;
}

export function sessionBody(numberOfSeats: number, overrides: Record<string, unknown> = {}) {
  return {
    movieName: `Cluster ${randomUUID().slice(0, 6)}`,
    startTime: '2031-05-01T20:00:00Z',
    roomNumber: 'Room 7',
    ticketPrice: 10,
    numberOfSeats,
    ...overrides,
  };
}

/** Seat statuses of an availability document as a compact map, for comparisons. */
export function seatMap(doc: AvailabilityDoc): Record<string, string> {
  return Object.fromEntries(doc.seats.map((s) => [s.seatNumber, s.status]));
}

/**
 * What the test knows of the sales: the sale ids of every confirmation answered 200, and the reservations whose
 * confirmation got no definitive answer (no HTTP answer, 503, 500) and must be settled by retrying.
 */
export class SaleLedger {
  readonly saleIds = new Set<string>();
  readonly confirmedReservations = new Map<string, { userId: string; sales: SaleBody[] }>();
  /** Reservation id -> user id of confirmations whose outcome is unknown. */
  readonly uncertain = new Map<string, string>();

  /** Records the answer to a confirmation; returns true when it was a definitive one. */
  record(reservationId: string, userId: string, res: HttpResult): boolean {
    if (res.status === 200 && Array.isArray(res.body)) {
      const sales = res.body as SaleBody[];
      for (const s of sales) this.saleIds.add(s.id);
      this.confirmedReservations.set(reservationId, { userId, sales });
      this.uncertain.delete(reservationId);
      return true;
    }
    if (res.status === 409 || res.status === 410 || res.status === 403 || res.status === 404) {
      this.uncertain.delete(reservationId);
      return true;
    }
    this.uncertain.set(reservationId, userId);
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The cluster

export interface ClusterOptions {
  readonly env: ClusterEnv;
  /** Short name used in the topic prefix and the log directory. */
  readonly name: string;
  readonly size?: number;
  /** One Redis node (REDIS_URL) or the three quorum nodes (REDIS_QUORUM_URLS). */
  readonly redis?: 'single' | 'quorum';
  readonly leaseTtlMs?: number;
  readonly commandTimeoutMs?: number;
  readonly reservationTtlSeconds?: number;
  /** Added to every instance's environment. */
  readonly extraEnv?: Readonly<Record<string, string>>;
  readonly readyTimeoutMs?: number;
}

export interface Member {
  readonly index: number;
  readonly id: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly logFile: string;
  child: ChildProcess | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  state: 'running' | 'stopped' | 'dead';
  /** Every start of this member (for the report). */
  readonly starts: number[];
}

/** Variables of the service's config that must come only from the harness, never from the test runner. */
const CONFIG_VARS = [
  'PORT', 'DATA_DIR', 'DATABASE_URL', 'DB_HOST', 'DB_PORT', 'DB_USERNAME', 'DB_PASSWORD', 'DB_DATABASE', 'REDIS_URL',
  'REDIS_HOST', 'REDIS_PORT', 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'INSTANCE_ID', 'RESERVATION_TTL_SECONDS',
  'MAX_SEATS_PER_RESERVATION', 'RATE_LIMIT_TTL', 'RATE_LIMIT_MAX', 'LOG_LEVEL', 'SESSION_IDLE_SECONDS', 'LEASE_TTL_MS',
  'COMMAND_TIMEOUT_MS', 'SHUTDOWN_TIMEOUT_MS', 'REDIS_QUORUM_URLS', 'RATE_LIMIT_WRITE_MAX', 'RATE_LIMIT_REDIS_TIMEOUT_MS',
  'MAX_SEATS_PER_USER_PER_SESSION', 'TRUST_PROXY', 'METRICS_PORT', 'AUTH_MODE', 'AUTH_JWKS_URL', 'AUTH_PUBLIC_KEY',
  'AUTH_HS256_SECRET', 'AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_CLOCK_TOLERANCE_SECONDS', 'AUTH_ADMIN_ROLE', 'AUTH_ADMIN_SCOPE',
  'AUTH_TOKEN_CACHE_SECONDS', 'AUTH_JWKS_CACHE_SECONDS',
  'READ_MODEL_MAX_LAG_MS', 'READ_MODEL_MAX_SESSIONS', 'STREAMS_MAX', 'STREAM_HEARTBEAT_MS',
];

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Every child process any cluster of this worker started: SIGKILLed if the worker exits without cleaning up. */
const allChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of allChildren) {
    try {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

export class Cluster {
  readonly members: Member[] = [];
  readonly topicPrefix: string;
  readonly redisUrls: readonly string[];
  readonly leaseTtlMs: number;
  readonly commandTimeoutMs: number;
  readonly logDir: string;
  databaseUrl = '';
  private dropDatabase: (() => Promise<void>) | undefined;
  private redisClients: Redis[] | undefined;
  private destroyed = false;
  /** Set when a test using this cluster failed: its instance logs are kept for inspection. */
  keepLogs = false;

  private constructor(readonly options: ClusterOptions) {
    const suffix = randomUUID().replace(/-/g, '').slice(0, 10);
    this.topicPrefix = `ct-${options.name}-${suffix}`;
    this.redisUrls =
      options.redis === 'quorum'
        ? [...(options.env.redisQuorumUrls ?? failNoQuorum())]
        : [options.env.redisUrl];
    this.leaseTtlMs = options.leaseTtlMs ?? 3_000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    this.logDir = mkdtempSync(join(tmpdir(), `cinema-cluster-${options.name}-`));
  }

  /** Creates the scratch database, starts every instance and waits until each answers /health/ready with 200. */
  static async start(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    try {
      const db = await createScratchDatabase();
      cluster.databaseUrl = db.url;
      cluster.dropDatabase = db.drop;
      const size = options.size ?? 3;
      for (let index = 0; index < size; index++) {
        const port = await freePort();
        cluster.members.push({
          index,
          id: `${cluster.topicPrefix}-i${index}`,
          port,
          baseUrl: `http://127.0.0.1:${port}`,
          logFile: join(cluster.logDir, `instance-${index}.log`),
          child: undefined,
          exited: undefined,
          state: 'dead',
          starts: [],
        });
      }
      await Promise.all(cluster.members.map((m) => cluster.spawnMember(m)));
      await Promise.all(cluster.members.map((m) => cluster.waitReady(m.index)));
      return cluster;
    } catch (error) {
      const logs = cluster.logTails(60);
      cluster.keepLogs = true;
      await cluster.destroy();
      throw new Error(`cluster did not start: ${error instanceof Error ? error.message : String(error)}\n${logs}`);
    }
  }

  private environment(m: Member): NodeJS.ProcessEnv {
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const key of CONFIG_VARS) delete base[key];
    return {
      ...base,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      PORT: String(m.port),
      INSTANCE_ID: m.id,
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrls.join(','),
      KAFKA_BROKERS: this.options.env.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      LEASE_TTL_MS: String(this.leaseTtlMs),
      COMMAND_TIMEOUT_MS: String(this.commandTimeoutMs),
      RESERVATION_TTL_SECONDS: String(this.options.reservationTtlSeconds ?? 60),
      RATE_LIMIT_MAX: '10000000',
      // The suite's requests name their user in the body, as the seed did; extraEnv may switch to tokens.
      AUTH_MODE: 'open',
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '5000',
      ...this.options.extraEnv,
    };
  }

  private async spawnMember(m: Member): Promise<void> {
    const fd = openSync(m.logFile, 'a');
    writeSync(fd, `=== harness: starting ${m.id} on port ${m.port} at ${new Date().toISOString()}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      env: this.environment(m),
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    allChildren.add(child);
    m.child = child;
    m.state = 'running';
    m.starts.push(Date.now());
    m.exited = new Promise((resolveExit) => {
      child.once('exit', (code, signal) => {
        allChildren.delete(child);
        if (m.child === child) m.state = 'dead';
        resolveExit({ code, signal });
      });
    });
  }

  /** Polls /health/ready until 200; fails early if the process exits. */
  async waitReady(index: number, timeoutMs = this.options.readyTimeoutMs ?? 90_000): Promise<void> {
    const m = this.members[index];
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      if (m.state === 'dead') throw new Error(`instance ${index} (${m.id}) exited during start-up\n${this.logTail(index, 40)}`);
      const r = await http(m.baseUrl, 'GET', '/health/ready', undefined, { timeoutMs: 3_000 });
      if (r.status === 200) return;
      last = summary(r);
      await sleep(200);
    }
    throw new Error(`instance ${index} (${m.id}) not ready within ${timeoutMs} ms (last: ${last})\n${this.logTail(index, 40)}`);
  }

  get size(): number {
    return this.members.length;
  }

  url(index: number): string {
    return this.members[index].baseUrl;
  }

  /** Indexes of the members that run (not killed, not stopped). */
  running(): number[] {
    return this.members.filter((m) => m.state === 'running').map((m) => m.index);
  }

  indexOf(instanceId: string | null | undefined): number | undefined {
    const m = this.members.find((x) => x.id === instanceId);
    return m?.index;
  }

  /**
   * Sends a signal to one instance. SIGKILL and SIGTERM wait until the process is gone; SIGSTOP and SIGCONT
   * return at once.
   */
  async kill(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const m = this.members[index];
    const child = m.child;
    if (!child || m.state === 'dead') return;
    if (signal === 'SIGTERM' && m.state === 'stopped') child.kill('SIGCONT');
    child.kill(signal);
    if (signal === 'SIGSTOP') m.state = 'stopped';
    else if (signal === 'SIGCONT') m.state = 'running';
    else if (signal === 'SIGKILL' || signal === 'SIGTERM') {
      const timeout = signal === 'SIGKILL' ? 10_000 : 15_000;
      const gone = await within(m.exited, timeout);
      if (!gone) {
        child.kill('SIGKILL');
        await m.exited;
      }
      m.state = 'dead';
    }
  }

  /** Starts a dead (or running: it is killed first) instance again with the same id and port. */
  async restart(index: number): Promise<void> {
    const m = this.members[index];
    if (m.state !== 'dead') await this.kill(index, 'SIGKILL');
    await this.spawnMember(m);
    await this.waitReady(index);
  }

  private redis(): Redis[] {
    this.redisClients ??= this.redisUrls.map(
      (url) =>
        new Redis(url, {
          lazyConnect: true,
          maxRetriesPerRequest: 0,
          enableOfflineQueue: true,
          connectTimeout: 1_000,
          commandTimeout: 1_000,
          retryStrategy: () => null,
        }),
    );
    return this.redisClients;
  }

  /**
   * The owner of a session as the instances see it: `owner:session:<id>` in Redis (first node that answers with
   * a value), mapped to the instance's index.
   */
  async ownerOf(sessionId: string): Promise<{ instanceId: string; index: number | undefined } | undefined> {
    for (const client of this.redis()) {
      try {
        if (client.status === 'end' || client.status === 'wait') await client.connect().catch(() => undefined);
        const v = await client.get(`owner:session:${sessionId}`);
        if (v) return { instanceId: v, index: this.indexOf(v) };
      } catch {
        // node down: try the next one
      }
    }
    return undefined;
  }

  request<T = any>(index: number, method: string, path: string, body?: unknown, options?: { timeoutMs?: number; headers?: Record<string, string> }) {
    return http<T>(this.url(index), method, path, body, options);
  }

  async createSession(index: number, numberOfSeats: number, overrides: Record<string, unknown> = {}): Promise<{ id: string }> {
    const r = await this.request(index, 'POST', '/sessions', sessionBody(numberOfSeats, overrides));
    if (r.status !== 201) throw new Error(`POST /sessions on instance ${index}: ${summary(r)}`);
    return r.body as { id: string };
  }

  reserve(index: number, sessionId: string, seatNumbers: string[], userId: string, timeoutMs?: number) {
    return this.request(index, 'POST', '/reservations', { sessionId, seatNumbers, userId }, { timeoutMs });
  }

  /** Best available: `quantity` adjacent seats chosen by the session. */
  reserveBest(index: number, sessionId: string, quantity: number, userId: string, timeoutMs?: number) {
    return this.request(index, 'POST', '/reservations', { sessionId, quantity, userId }, { timeoutMs });
  }

  confirm(index: number, reservationId: string, userId: string, timeoutMs?: number) {
    return this.request(index, 'POST', '/reservations/confirm-payment', { reservationId, userId }, { timeoutMs });
  }

  cancel(index: number, reservationId: string, userId: string, timeoutMs?: number) {
    return this.request(index, 'POST', `/reservations/${reservationId}/cancel`, { userId }, { timeoutMs });
  }

  async availability(index: number, sessionId: string): Promise<AvailabilityDoc> {
    const r = await this.request<AvailabilityDoc>(index, 'GET', `/sessions/${sessionId}/availability`);
    if (r.status !== 200) throw new Error(`availability on instance ${index}: ${summary(r)}`);
    return r.body;
  }

  /** One value of the instance's Prometheus metrics (unlabelled series), or undefined. */
  async metric(index: number, name: string): Promise<number | undefined> {
    const r = await this.request<string>(index, 'GET', '/metrics', undefined, { timeoutMs: 5_000 });
    if (r.status !== 200) throw new Error(`metrics on instance ${index}: ${summary(r)}`);
    const line = String(r.body).split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  }

  /** Retries a confirmation on the running instances until it gets a definitive answer; records it. */
  async settle(ledger: SaleLedger, timeoutMs = 60_000, only?: readonly number[]): Promise<void> {
    let turn = 0;
    for (const [reservationId, userId] of [...ledger.uncertain]) {
      await eventually(async () => {
        const nodes = only ?? this.running();
        const res = await this.confirm(nodes[turn++ % nodes.length], reservationId, userId);
        return ledger.record(reservationId, userId, res);
      }, timeoutMs, 250);
    }
  }

  logTail(index: number, lines = 30): string {
    const m = this.members[index];
    if (!m || !existsSync(m.logFile)) return `(no log for instance ${index})`;
    const all = readFileSync(m.logFile, 'utf8').trimEnd().split('\n');
    return `--- instance ${index} (${m.id}, ${m.state}) ${m.logFile}, last ${Math.min(lines, all.length)} lines:\n${all.slice(-lines).join('\n')}`;
  }

  logTails(lines = 30): string {
    return this.members.map((m) => this.logTail(m.index, lines)).join('\n');
  }

  log(index: number): string {
    const m = this.members[index];
    return existsSync(m.logFile) ? readFileSync(m.logFile, 'utf8') : '';
  }

  /** SIGTERM every instance (SIGKILL after a timeout). */
  async stopAll(timeoutMs = 10_000): Promise<void> {
    await Promise.all(
      this.members.map(async (m) => {
        const child = m.child;
        if (!child || m.state === 'dead') return;
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        const gone = await within(m.exited, timeoutMs);
        if (!gone) {
          child.kill('SIGKILL');
          await m.exited;
        }
        m.state = 'dead';
      }),
    );
  }

  /** Stops every instance, drops the scratch database, deletes the topics and the rate-limit keys. Idempotent. */
  /** The invariant checker over this cluster's database and events topic, against the sales the test saw answered. */
  checkInvariants(ledger: SaleLedger): Promise<InvariantReport> {
    return checkInvariants({
      databaseUrl: this.databaseUrl,
      brokers: this.options.env.kafkaBrokers,
      topicPrefix: this.topicPrefix,
      confirmedSaleIds: ledger.saleIds,
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.stopAll();
    await this.dropDatabase?.().catch((error: unknown) => console.warn(`could not drop ${this.databaseUrl}: ${String(error)}`));
    await deleteTopics(this.options.env.kafkaBrokers, this.topicPrefix).catch(() => undefined);
    for (const client of this.redis()) {
      try {
        if (client.status === 'wait') await client.connect();
        const keys = await client.keys(`${this.topicPrefix}:*`);
        if (keys.length > 0) await client.del(...keys);
      } catch {
        // node down: its keys expire on their own
      }
      client.disconnect();
    }
    if (!this.keepLogs) rmSync(this.logDir, { recursive: true, force: true });
    else console.warn(`cluster logs kept in ${this.logDir}`);
  }
}

function failNoQuorum(): never {
  throw new Error('REDIS_QUORUM_URLS is not set (three Redis URLs, comma-separated)');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The promise's value, or undefined after `ms` (the timer is cleared either way: no open handle is left). */
export async function within<T>(promise: Promise<T> | undefined, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function kafkaClient(brokers: readonly string[], clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2_000 },
  });
}

/** Deletes the topics and consumer groups of a test's topic prefix. */
export async function deleteTopics(brokers: readonly string[], prefix: string): Promise<void> {
  const admin = kafkaClient(brokers, `${prefix}-cleanup`).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
    // A group that still lists a member (one of a process that crashed) cannot be deleted until its session
    // times out: retry for a little while, one group at a time.
    let groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
    for (let attempt = 0; groups.length > 0 && attempt < 15; attempt++) {
      if (attempt > 0) await sleep(1_000);
      const left: string[] = [];
      for (const g of groups) await admin.deleteGroups([g]).catch(() => left.push(g));
      groups = left;
    }
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Running a test with the instance logs attached to its failure

/** Runs `fn`; when it throws, the tail of every instance's log is appended to the error (and printed). */
export async function withLogs(cluster: () => Cluster | undefined, fn: () => Promise<void>, lines = 40): Promise<void> {
  try {
    await fn();
  } catch (error) {
    const c = cluster();
    if (c) c.keepLogs = true;
    const tails = c ? c.logTails(lines) : '(cluster not started)';
    process.stderr.write(`\n=== cluster test failed; instance logs:\n${tails}\n`);
    if (error instanceof Error) {
      error.message = `${error.message}\n\n=== instance logs\n${tails}`;
      throw error;
    }
    throw new Error(`${String(error)}\n\n=== instance logs\n${tails}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// External services

/** Runs scripts/kafka.sh synchronously (stop, start, restart, status). */
export function kafkaScript(command: 'stop' | 'start' | 'restart' | 'status'): string {
  return execFileSync('bash', ['scripts/kafka.sh', command], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 180_000,
  });
}

/** host and port of a redis:// URL on this machine, or undefined when it is not local (cannot be stopped here). */
export function localRedisPort(url: string): number | undefined {
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost'].includes(u.hostname)) return undefined;
  return Number(u.port || 6379);
}

export function redisPing(port: number): boolean {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', timeout: 5_000 }).trim() === 'PONG';
  } catch {
    return false;
  }
}

export function redisShutdown(port: number): void {
  try {
    execFileSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { encoding: 'utf8', timeout: 10_000 });
  } catch {
    // redis-cli reports the dropped connection as an error
  }
}

export async function redisStart(port: number): Promise<void> {
  if (redisPing(port)) return;
  execFileSync(
    'redis-server',
    ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--logfile', `/tmp/cinema-redis-${port}.log`],
    { timeout: 10_000 },
  );
  await eventually(() => redisPing(port), 10_000, 100);
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

export interface InvariantReport {
  readonly sales: number;
  readonly outboxRows: number;
  readonly topicMessages: number;
  readonly byType: Record<string, number>;
}

/** A key that names one domain change: its type and its reservation (or, for session.created, its session). */
function eventKey(type: string, payload: Record<string, unknown>): string {
  return `${type}|${String(payload.reservationId ?? payload.sessionId)}`;
}

/**
 * The invariants every cluster test ends with, read straight from Postgres and Kafka:
 * 1. no (session_id, seat_number) has more than one sale (counted, though a constraint also forbids it);
 * 2. the sale ids in Postgres are exactly the ids of the confirmations answered 200 in the test;
 * 3. every committed outbox row is on `<prefix>.events` (at least once; matched by type + reservation id), every
 *    event on the topic is a committed outbox row, and the sales on the topic are exactly the sales in Postgres.
 */
export async function checkInvariants(params: {
  databaseUrl: string;
  brokers: readonly string[];
  topicPrefix: string;
  confirmedSaleIds: Iterable<string>;
  timeoutMs?: number;
}): Promise<InvariantReport> {
  const db = new Client({ connectionString: params.databaseUrl });
  await db.connect();
  try {
    const doubles = await db.query(
      `SELECT session_id, seat_number, count(*)::int AS n FROM sales GROUP BY session_id, seat_number HAVING count(*) > 1`,
    );
    expect({ seatsSoldMoreThanOnce: doubles.rows }).toEqual({ seatsSoldMoreThanOnce: [] });

    const saleRows: { id: string }[] = (await db.query(`SELECT id FROM sales`)).rows;
    const inDb = new Set(saleRows.map((r) => r.id));
    const confirmed = new Set(params.confirmedSaleIds);
    const lost = [...confirmed].filter((id) => !inDb.has(id));
    const unanswered = [...inDb].filter((id) => !confirmed.has(id));
    expect({ salesAnswered200ButMissingInDb: lost, salesInDbNeverAnswered200: unanswered }).toEqual({
      salesAnswered200ButMissingInDb: [],
      salesInDbNeverAnswered200: [],
    });

    const outboxKeys = async () => {
      const rows: { type: string; payload: Record<string, unknown> }[] = (await db.query(`SELECT type, payload FROM outbox ORDER BY id`)).rows;
      return rows.map((r) => eventKey(r.type, r.payload));
    };
    const expected = await outboxKeys();
    const expectedCounts = countBy(expected);

    const kafka = kafkaClient(params.brokers, `${params.topicPrefix}-checker`);
    const groupId = `${params.topicPrefix}.checker-${randomUUID().slice(0, 8)}`;
    const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
    const seen: { key: string; type: string; payload: Record<string, unknown> }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [`${params.topicPrefix}.events`], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const payload = JSON.parse(message.value?.toString() ?? '{}') as Record<string, unknown>;
          const type = message.headers?.type?.toString() ?? String(payload.type);
          seen.push({ key: eventKey(type, payload), type, payload });
        },
      });
      const missing = () => {
        const seenCounts = countBy(seen.map((s) => s.key));
        return [...expectedCounts].filter(([key, n]) => (seenCounts.get(key) ?? 0) < n).map(([key]) => key);
      };
      try {
        await eventually(() => missing().length === 0, params.timeoutMs ?? 45_000, 250);
      } catch {
        // reported below with the keys
      }
      expect({ outboxEventsMissingOnTopic: missing() }).toEqual({ outboxEventsMissingOnTopic: [] });

      const committed = new Set(await outboxKeys());
      const unknown = seen.filter((s) => !committed.has(s.key)).map((s) => s.key);
      expect({ topicEventsWithoutCommittedOutboxRow: unknown }).toEqual({ topicEventsWithoutCommittedOutboxRow: [] });

      const salesOnTopic = new Set(
        seen
          .filter((s) => s.type === 'payment.confirmed')
          .flatMap((s) => (s.payload.sales as { id: string }[] | undefined)?.map((x) => x.id) ?? []),
      );
      const finalSales = new Set(((await db.query(`SELECT id FROM sales`)).rows as { id: string }[]).map((r) => r.id));
      expect({
        salesInDbNotOnTopic: [...finalSales].filter((id) => !salesOnTopic.has(id)),
        salesOnTopicNotInDb: [...salesOnTopic].filter((id) => !finalSales.has(id)),
      }).toEqual({ salesInDbNotOnTopic: [], salesOnTopicNotInDb: [] });

      return {
        sales: inDb.size,
        outboxRows: expected.length,
        topicMessages: seen.length,
        byType: Object.fromEntries(countBy(seen.map((s) => s.type))),
      };
    } finally {
      await consumer.disconnect().catch(() => undefined);
      const admin = kafka.admin();
      await admin.connect().then(() => admin.deleteGroups([groupId])).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  } finally {
    await db.end();
  }
}

function countBy(keys: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

/** Direct reads of the scratch database, for the checks a test makes beyond the invariants. */
export async function dbQuery<T = any>(databaseUrl: string, sql: string, args: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, args)).rows as T[];
  } finally {
    await db.end();
  }
}

/**
 * Findings that must fail the test but should not stop it: the test goes on to check what it can (safety after a
 * liveness failure, say) and fails at the end with every finding listed.
 */
export class Findings {
  readonly list: string[] = [];

  expect(ok: boolean, finding: string): boolean {
    if (!ok) this.list.push(finding);
    return ok;
  }

  add(finding: string): void {
    this.list.push(finding);
  }

  /** Fails the test if anything was found. */
  assertNone(): void {
    expect({ findings: this.list }).toEqual({ findings: [] });
  }
}
