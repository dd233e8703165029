import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrapeMetrics } from './api';
import { createScratchDb, type ScratchDb } from './pg';
import {
  machineCpuSample,
  onCleanup,
  postgresBackendCpu,
  postgresCpuDelta,
  processCpuSeconds,
  startService,
  type Service,
} from './procs';
import { round } from './stats';

export interface BenchConfig {
  readonly quick: boolean;
  readonly rounds: number;
  /** Seats of the sessions of scenarios 1-4. */
  readonly seats: number;
  readonly seatsPerRow: number;
  /** Seconds of each measured throughput phase. */
  readonly phaseSeconds: number;
  /** Seconds of the shorter phases (hot seat, reads, profiles): steady quickly, cheap to shorten. */
  readonly shortPhaseSeconds: number;
  /** Seconds of warm-up before a target's first measured phase in a scenario. */
  readonly warmupSeconds: number;
  /** Cap on one sell-out run (scenario 1). */
  readonly selloutCapSeconds: number;
  readonly onSaleConnections: number;
  readonly hotSeatConnections: number;
  readonly writeConnections: number;
  readonly readConnections: number;
  /** Requests per second of the paced write load under the reads of scenario 4. */
  readonly readsWriteRate: number;
  readonly manySessions: number;
  readonly manySessionSeats: number;
  /** Sessions of scenario 5 on the embedded default. */
  readonly embeddedSessions: number;
  readonly idleSeconds: number;
  readonly expiryHolds: number;
  readonly expiryTtlSeconds: number;
  readonly profile: boolean;
  readonly embedded: boolean;
  /** Scenario ids to run ("1".."7", "p99", "profile"); empty = all. */
  readonly only: ReadonlySet<string>;
}

export function configFrom(argv: readonly string[]): BenchConfig {
  const flag = (name: string) => argv.includes(`--${name}`);
  const value = (name: string) => {
    const hit = argv.find((a) => a.startsWith(`--${name}=`));
    return hit ? hit.slice(name.length + 3) : undefined;
  };
  const quick = flag('quick');
  const num = (name: string, full: number, q: number) => Number(value(name) ?? (quick ? q : full));
  const only = new Set((value('only') ?? '').split(',').map((s) => s.trim()).filter(Boolean));
  return {
    quick,
    rounds: num('rounds', 3, 1),
    seats: num('seats', 2000, 2000),
    seatsPerRow: 20,
    phaseSeconds: num('seconds', 6, 2),
    shortPhaseSeconds: num('short-seconds', 4, 2),
    warmupSeconds: num('warmup', 2, 1),
    selloutCapSeconds: num('sellout-cap', 40, 15),
    onSaleConnections: num('onsale-connections', 256, 256),
    hotSeatConnections: num('hotseat-connections', 256, 256),
    writeConnections: num('write-connections', 32, 32),
    readConnections: num('read-connections', 32, 32),
    readsWriteRate: num('reads-write-rate', 200, 200),
    manySessions: num('sessions', 10_000, 500),
    manySessionSeats: 200,
    embeddedSessions: num('embedded-sessions', 1000, 200),
    // Long enough that every session is still active when the last one has been read (touching 10,000 takes
    // several seconds here); passivation is then observed after the touch.
    idleSeconds: num('idle', 30, 5),
    expiryHolds: num('holds', 5_000, 500),
    expiryTtlSeconds: 2,
    profile: !flag('no-profile') && !quick,
    embedded: !flag('no-embedded'),
    only,
  };
}

export function wants(cfg: BenchConfig, id: string): boolean {
  return cfg.only.size === 0 || cfg.only.has(id);
}

export interface Ctx {
  readonly cfg: BenchConfig;
  readonly root: string;
  /**
   * The service's entry point: main.ts of a copy of src/ taken when the run started, so every instance of the run
   * executes the same code even while others edit src/.
   */
  readonly serviceEntry: string;
  readonly rawDir: string;
  readonly logDir: string;
  log(message: string): void;
}

/** A server under test: the service (Postgres or embedded), the seed comparator, or comparator (a)/(b). */
export interface Target {
  readonly kind: 'ours' | 'seed' | 'bare';
  readonly name: string;
  readonly label: string;
  readonly service: Service;
  readonly db?: ScratchDb;
  readonly storage?: 'postgres' | 'embedded';
  /** Database whose Postgres backends are counted when there is no scratch database (the embedded default). */
  readonly backendDb?: string;
}

export const SERVICE_ENV = {
  RATE_LIMIT_MAX: '100000000',
  LOG_LEVEL: 'warn',
  // The seed comparator has neither authentication nor a per-user limit; the auth variants set their own keys.
  AUTH_MODE: 'open',
  MAX_SEATS_PER_USER_PER_SESSION: '2000',
} as const;

/** Starts the service as a child process on a fresh scratch database or a fresh DATA_DIR (embedded PostgreSQL). */
export async function startOurs(
  ctx: Ctx,
  name: string,
  storage: 'postgres' | 'embedded',
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<Target> {
  let db: ScratchDb | undefined;
  const storeEnv: Record<string, string> = {};
  if (storage === 'postgres') {
    db = await createScratchDb(name);
    storeEnv.DATABASE_URL = db.url;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'bench-embedded-'));
    onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    storeEnv.DATA_DIR = dir;
  }
  const service = await startService({
    name,
    script: ctx.serviceEntry,
    nodeArgs,
    cwd: ctx.root,
    logDir: ctx.logDir,
    readyPath: '/health/ready',
    // A new embedded data directory runs initdb first, which takes far longer on a busy shared machine.
    readyTimeoutMs: storage === 'postgres' ? undefined : 240_000,
    env: { ...SERVICE_ENV, RESERVATION_TTL_SECONDS: '3600', INSTANCE_ID: `bench-${name}`, ...storeEnv, ...env },
  });
  // The embedded server's backends are found by the service's database name in their process titles.
  const backendDb = storage === 'postgres' ? undefined : 'cinema';
  return { kind: 'ours', name, label: storage === 'postgres' ? 'ours (Postgres)' : 'ours (embedded)', service, db, storage, backendDb };
}

export async function startSeed(ctx: Ctx): Promise<Target> {
  const db = await createScratchDb('seed');
  const service = await startService({
    name: 'seed',
    script: 'bench/seed-server.ts',
    cwd: ctx.root,
    logDir: ctx.logDir,
    readyPath: '/health',
    env: { DATABASE_URL: db.url, RESERVATION_TTL_SECONDS: '3600' },
  });
  return { kind: 'seed', name: 'seed', label: 'seed design (c)', service, db, storage: 'postgres' };
}

export async function startComparator(ctx: Ctx, mode: 'constant' | 'availability'): Promise<Target> {
  const name = mode === 'constant' ? 'bare-constant' : 'bare-availability';
  const service = await startService({
    name,
    script: 'bench/comparators.ts',
    args: [mode],
    cwd: ctx.root,
    logDir: ctx.logDir,
    readyPath: '/health',
    env: {},
  });
  return { kind: 'bare', name, label: mode === 'constant' ? 'bare express constant (a)' : 'bare express availability (b)', service };
}

export interface PhaseCost {
  /** CPU seconds the server process used during the phase. */
  readonly serverCpuS: number;
  /** Server CPU seconds per wall second (1.0 = one core busy). */
  readonly serverCores: number;
  /** CPU seconds of this target's Postgres backends during the phase (NaN without Postgres). */
  readonly postgresCpuS: number;
  /** Fraction of all the machine's CPU time that was busy (any process, including other users). */
  readonly machineBusy: number;
  /** CPU of the bench process itself (the load generator) per wall second. */
  readonly clientCores: number;
  readonly wallS: number;
  /** The service's own metrics over the phase (ours only): group commits and event-loop lag. */
  readonly service?: {
    readonly commits: number;
    readonly meanBatch: number;
    /** Sessions whose changes shared one transaction (per-instance group commit), mean over the phase. */
    readonly meanSessionsPerTransaction: number;
    readonly meanCommitMs: number;
    readonly eventLoopLagP99Ms: number;
  };
}

async function serviceMetrics(target: Target): Promise<Map<string, number> | undefined> {
  if (target.kind !== 'ours') return undefined;
  try {
    return await scrapeMetrics(target.service.url);
  } catch {
    return undefined;
  }
}

/** Runs a phase and records what it cost: server CPU, its Postgres backends' CPU, the machine's load. */
export async function measured<T>(target: Target, fn: () => Promise<T>): Promise<{ result: T; cost: PhaseCost }> {
  const sm0 = await serviceMetrics(target);
  const cpu0 = processCpuSeconds(target.service.pid);
  const backendDb = target.db?.name ?? target.backendDb;
  const pg0 = backendDb ? postgresBackendCpu(backendDb) : undefined;
  const m0 = machineCpuSample();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const cpu1 = processCpuSeconds(target.service.pid);
  const pg1 = backendDb ? postgresBackendCpu(backendDb) : undefined;
  const m1 = machineCpuSample();
  const sm1 = await serviceMetrics(target);
  const serverCpuS = cpu1 - cpu0;
  const d = (k: string) => (sm1?.get(k) ?? Number.NaN) - (sm0?.get(k) ?? Number.NaN);
  const commits = d('commit_batch_size_count');
  return {
    result,
    cost: {
      clientCores: round((c1.user + c1.system) / 1e6 / wallS),
      service: sm1
        ? {
            commits,
            meanBatch: round(d('commit_batch_size_sum') / commits, 1),
            meanCommitMs: round((1000 * d('commit_duration_seconds_sum')) / commits, 1),
            meanSessionsPerTransaction: round(d('commit_sessions_per_transaction_sum') / d('commit_sessions_per_transaction_count'), 2),
            eventLoopLagP99Ms: round(1000 * (sm1.get('nodejs_eventloop_lag_p99_seconds') ?? Number.NaN), 1),
          }
        : undefined,
      serverCpuS: round(serverCpuS),
      serverCores: round(serverCpuS / wallS),
      postgresCpuS: pg0 && pg1 ? round(postgresCpuDelta(pg0, pg1)) : Number.NaN,
      machineBusy: round((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)),
      wallS: round(wallS),
    },
  };
}
