import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

/** Child processes and clean-up actions of one bench run; everything registered here is undone on exit. */
const cleanups: { name: string; fn: () => Promise<void> | void }[] = [];
const children = new Set<ChildProcess>();

export function onCleanup(name: string, fn: () => Promise<void> | void): void {
  cleanups.push({ name, fn });
}

/** Registers a child started elsewhere (e.g. the start-up scenario's own spawns) so that clean-up stops it too. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

let cleaning: Promise<void> | undefined;
/** Kills every child still alive (TERM, then KILL after 5 s) and runs the clean-ups in reverse order. */
export function cleanupAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stopChild(c, 5_000)));
    for (const { name, fn } of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (error) {
        process.stderr.write(`bench: clean-up "${name}" failed: ${String(error)}\n`);
      }
    }
  })();
  return cleaning;
}

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Variables that would change what a child service connects to; children get only what we pass. */
const SCRUBBED = [
  'DATABASE_URL', 'DB_HOST', 'DB_PORT', 'DB_USERNAME', 'DB_PASSWORD', 'DB_DATABASE', 'REDIS_URL', 'REDIS_HOST',
  'REDIS_PORT', 'KAFKA_BROKERS', 'KAFKA_TOPIC_PREFIX', 'DATA_DIR', 'PORT', 'INSTANCE_ID', 'NODE_OPTIONS',
  'RESERVATION_TTL_SECONDS', 'SESSION_IDLE_SECONDS', 'RATE_LIMIT_MAX', 'RATE_LIMIT_TTL', 'LOG_LEVEL', 'LEASE_TTL_MS',
  'RATE_LIMIT_WRITE_MAX', 'MAX_SEATS_PER_USER_PER_SESSION', 'TRUST_PROXY', 'METRICS_PORT', 'AUTH_MODE', 'AUTH_JWKS_URL',
  'AUTH_PUBLIC_KEY', 'AUTH_HS256_SECRET', 'AUTH_ISSUER', 'AUTH_AUDIENCE',
];

export interface Service {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Graceful stop (SIGTERM, then SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** kill -9. */
  kill(): void;
  readonly exited: Promise<number | null>;
}

export interface StartOptions {
  readonly name: string;
  /** Node arguments before the script, e.g. ['--cpu-prof']. */
  readonly nodeArgs?: readonly string[];
  readonly script: string;
  readonly args?: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly logDir: string;
  /** Path answered with 200 once the process is ready. */
  readonly readyPath: string;
  readonly readyTimeoutMs?: number;
  readonly port?: number;
}

export async function startService(o: StartOptions): Promise<Service> {
  const port = o.port ?? (await freePort());
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SCRUBBED.includes(k)) env[k] = v;
  Object.assign(env, o.env, { PORT: String(port) });
  const logFile = join(o.logDir, `${o.name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), '--import', 'tsx', o.script, ...(o.args ?? [])], {
    cwd: o.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const service: Service = {
    name: o.name,
    port,
    url,
    pid: child.pid as number,
    child,
    logFile,
    exited,
    stop: (graceMs = 15_000) => stopChild(child, graceMs),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${o.name} exited during start-up (code ${child.exitCode}); see ${logFile}`);
    }
    try {
      const res = await fetch(url + o.readyPath, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopChild(child, 2_000);
      throw new Error(`${o.name} not ready within ${o.readyTimeoutMs ?? 90_000} ms; see ${logFile}`);
    }
    await sleep(100);
  }
  return service;
}

export function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const CLK_TCK = 100;

/** CPU seconds (user + system, all threads) a process has used so far; NaN when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0; utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** VmRSS of a process in bytes. */
export function rssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds used so far by the Postgres backends serving database `db` (their process title names the
 * database). Backends that exit in between are lost, so take differences over a phase with a stable pool.
 */
export function postgresBackendCpu(db: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'latin1');
      if (!cmd.startsWith('postgres: ')) continue;
      if (!cmd.split(' ').includes(db)) continue;
      out.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU seconds between two postgresBackendCpu samples (new backends count from zero). */
export function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, cpu] of after) {
    const b = before.get(pid) ?? 0;
    if (Number.isFinite(cpu)) total += Math.max(0, cpu - b);
  }
  return total;
}

/** Load average and busy fraction of the whole machine over a phase, from /proc/stat. */
export function machineCpuSample(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'latin1').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}
