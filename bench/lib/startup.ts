/**
 * Timing one start of a server the way a user starts it: spawn `node <script>` (no tsx), poll GET /health/live every
 * few milliseconds until the first 200, then stop it with SIGTERM and note how it exited. Used by the start-up
 * scenario (bench/scenarios/s13-startup.ts).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { freePort, sleep, stopChild, trackChild } from './procs';
import { round } from './stats';

/** How often the bench asks for /health/live while a server starts. */
export const POLL_MS = 10;

export interface StartRecord {
  readonly name: string;
  /** Spawn to the first 200 from /health/live (NaN: never answered). */
  readonly readyMs: number;
  /** SIGTERM to exit. */
  readonly stopMs: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly error?: string;
  /** Wall-clock epoch ms of the spawn and of the first 200 (to place the embedded PostgreSQL's log lines). */
  readonly spawnedAt: number;
  readonly readyAt: number;
}

export interface TimedStart {
  readonly name: string;
  readonly script: string;
  readonly cwd: string;
  readonly env: Record<string, string>;
  readonly logDir: string;
  readonly timeoutMs: number;
}

/** Only what a shell would hand `npm start` that does not configure the service: no DATABASE_URL, REDIS_URL... */
export function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'TZ']) if (process.env[k] !== undefined) env[k] = process.env[k] as string;
  return env;
}

/** Status of one GET (0 when refused, reset or slow). */
function probe(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', () => resolve(0));
    req.once('timeout', () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** Starts `node <script>`, times it to the first 200 from /health/live, then stops it (SIGTERM; SIGKILL after 30 s). */
export async function timedStart(o: TimedStart): Promise<StartRecord> {
  const port = await freePort();
  const log = createWriteStream(join(o.logDir, `${o.name}.log`), { flags: 'a' });
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = spawn(process.execPath, [o.script], { cwd: o.cwd, env: { ...o.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let readyMs = Number.NaN;
  let readyAt = Number.NaN;
  let error: string | undefined;
  const url = `http://127.0.0.1:${port}/health/live`;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      error = `exited during start-up (code ${child.exitCode}, signal ${child.signalCode})`;
      break;
    }
    if ((await probe(url)) === 200) {
      readyMs = performance.now() - t0;
      readyAt = Date.now();
      break;
    }
    if (performance.now() - t0 > o.timeoutMs) {
      error = `no 200 from /health/live within ${o.timeoutMs} ms`;
      break;
    }
    await sleep(POLL_MS);
  }
  const s0 = performance.now();
  await stopChild(child, 30_000);
  const { code, signal } = await exit;
  const stopMs = performance.now() - s0;
  log.end();
  return { name: o.name, readyMs: round(readyMs, 1), stopMs: round(stopMs, 1), exitCode: code, signal, error, spawnedAt, readyAt };
}

/**
 * Makes the bench's copy of src/ (`root`, see bench/run.ts) startable like the repository: the npm start scripts and
 * tsconfigs next to it, then the build `npm start` would do (scripts/build-if-stale.cjs), so that the measured starts
 * find dist/ fresh, as every start after the first does. Answers the build's seconds.
 */
export async function prepareNpmStart(repo: string, root: string): Promise<number> {
  mkdirSync(join(root, 'scripts'), { recursive: true });
  for (const f of ['scripts/start.cjs', 'scripts/build-if-stale.cjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    copyFileSync(join(repo, f), join(root, f));
  }
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, 'scripts', 'build-if-stale.cjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  trackChild(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !existsSync(join(root, 'dist', 'main.js'))) throw new Error(`building dist/ in ${root} failed (exit code ${code})`);
  return round((performance.now() - t0) / 1000, 1);
}

export interface LoadOnly {
  /** Node's own start-up, to the first line of the script (performance.now() there). */
  readonly bootMs: number;
  /** scripts/build-if-stale.cjs finding dist/ fresh. */
  readonly checkMs: number;
  /** require('dist/main.js') without running main(): the service's module graph. */
  readonly loadMs: number;
  readonly wallMs: number;
}

/** What loading costs, measured in a process of its own that does what scripts/start.cjs does up to main(). */
export async function loadOnly(root: string): Promise<LoadOnly> {
  const code = [
    'const t0 = performance.now();',
    `const code = require(${JSON.stringify(join(root, 'scripts', 'build-if-stale.cjs'))}).buildIfStale();`,
    'const t1 = performance.now();',
    `require(${JSON.stringify(join(root, 'dist', 'main.js'))});`,
    'const t2 = performance.now();',
    'process.stdout.write(JSON.stringify({ code, bootMs: t0, checkMs: t1 - t0, loadMs: t2 - t1 }));',
    'process.exit(0);',
  ].join('\n');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', code], { cwd: root, env: userEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  trackChild(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.once('exit', resolve));
  const wallMs = performance.now() - t0;
  const r = JSON.parse(out) as { bootMs: number; checkMs: number; loadMs: number };
  return { bootMs: round(r.bootMs, 1), checkMs: round(r.checkMs, 1), loadMs: round(r.loadMs, 1), wallMs: round(wallMs, 1) };
}

/**
 * The embedded PostgreSQL's own start in the server's log (DATA_DIR/postgres.log, default prefix "%m [%p] "): the last
 * "starting PostgreSQL" line at or after `since` and the "ready to accept connections" after it, as epoch ms.
 */
export function postgresStart(dataDir: string, since: number): { startingAt: number; readyAt: number } {
  const none = { startingAt: Number.NaN, readyAt: Number.NaN };
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postgres.log'), 'utf8');
  } catch {
    return none;
  }
  const at = (line: string) => {
    const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) (UTC|GMT)\b/.exec(line);
    return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
  };
  let startingAt = Number.NaN;
  let readyAt = Number.NaN;
  for (const line of text.split('\n')) {
    if (/starting PostgreSQL/.test(line) && at(line) >= since - 1_000) {
      startingAt = at(line);
      readyAt = Number.NaN;
    } else if (/ready to accept connections/.test(line) && Number.isFinite(startingAt)) readyAt = at(line);
  }
  return { startingAt, readyAt };
}

/** No postmaster.pid left: the embedded PostgreSQL of `dataDir` was shut down, not orphaned. */
export function postgresStopped(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'postgres', 'postmaster.pid'));
}
