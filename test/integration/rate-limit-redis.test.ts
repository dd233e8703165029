import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import request from 'supertest';
import { rateLimitRedisOptions } from '../../src/http/rate-limit';
import { eventually } from '../support/test-instance';
import { testApp } from '../unit/http/fakes';

/**
 * The cluster's rate-limit counters live in Redis. A Redis node that hangs (SIGSTOP: the socket stays open, nothing
 * answers) must not make requests wait on it: each limiter call is bounded by the client's command timeout, and after
 * the first timeout the limiter counts locally at once until Redis answers again. This test runs its own redis-server
 * (never the shared ones) and pauses it.
 */
const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;
const TIMEOUT_MS = 1_000;
const REQUESTS = 20;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

(HAS_REDIS ? describe : describe.skip)('rate limiting on a Redis that hangs (own redis-server, SIGSTOP)', () => {
  let server: ChildProcess;
  let client: Redis;
  let probe: Redis;
  const prefix = `rltest-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    client = new Redis(`redis://127.0.0.1:${port}`, rateLimitRedisOptions(TIMEOUT_MS));
    client.on('error', () => undefined);
    probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    await eventually(() => client.status === 'ready', 10_000);
    await probe.connect();
  });

  afterAll(async () => {
    server?.kill('SIGCONT');
    client?.disconnect();
    probe?.disconnect();
    server?.kill('SIGKILL');
  });

  const app = () =>
    testApp({
      config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 5 } },
      rateLimitRedis: client,
      rateLimitPrefix: prefix,
    }).app;

  it('counts in Redis while it answers, keeps answering without waiting on it while it hangs, and goes back to it', async () => {
    const api = app();
    const from = (ip: string) => request(api).get('/sessions').set('X-Forwarded-For', ip);

    expect((await from('203.0.113.1')).headers.ratelimit).toBe('"reads";r=4;t=60');
    expect((await probe.keys(`${prefix}:rl:*`)).length).toBe(1);

    server.kill('SIGSTOP');
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < REQUESTS; i++) answers.push((await from(`198.51.100.${i + 1}`)).status);
    const elapsed = Date.now() - started;
    expect(answers).toEqual(Array(REQUESTS).fill(200));
    // Had each request waited for Redis, this would take REQUESTS x TIMEOUT_MS; the first one alone may wait.
    expect(elapsed).toBeLessThan((REQUESTS * TIMEOUT_MS) / 2);

    // Still limited while Redis hangs: counted in this process.
    const local = [];
    for (let i = 0; i < 6; i++) local.push((await from('192.0.2.77')).status);
    expect(local).toEqual([200, 200, 200, 200, 200, 429]);

    // The limiter dropped the hung connection; a fresh one becomes ready once Redis answers again.
    const back = once(client, 'ready');
    server.kill('SIGCONT');
    await back;
    expect((await from('192.0.2.200')).status).toBe(200);
    expect(await probe.keys(`${prefix}:rl:*`)).toEqual(expect.arrayContaining([expect.stringContaining('192.0.2.200')]));
  });
});
