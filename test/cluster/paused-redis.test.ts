import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import request from 'supertest';
import type { Instance } from '../../src/main';
import { describeCluster, eventually, redisPing, useSuiteLock } from './harness';
import { inProcessCluster, type InProcessCluster } from './in-process';

/**
 * One Redlock node of three paused (SIGSTOP: it accepts connections and never answers) during lease traffic: new
 * sessions are activated (lease, owner announced), owners looked up and leases extended. The budget: no request waits
 * on the paused node, so every request is answered 201 in less than one REDIS_COMMAND_TIMEOUT_MS (set to 3 s here,
 * far above a normal answer, so that a request that waited on the node shows).
 * The nodes are private redis-server processes on free ports: the shared ones are never paused.
 */
const REDIS_TIMEOUT_MS = 3_000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describeCluster('a paused Redis node of three during lease traffic', (env) => {
  useSuiteLock(env);
  let cluster: InProcessCluster;
  let member: Instance;
  const nodes: { port: number; child: ChildProcess }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      nodes.push({ port, child });
      await eventually(() => redisPing(port), 10_000, 100);
    }
    cluster = await inProcessCluster({ ...env, redisUrl: nodes.map((n) => `redis://127.0.0.1:${n.port}`).join(',') }, 'paused');
    member = await cluster.start(`paused-${randomUUID().slice(0, 8)}`, {
      LEASE_TTL_MS: '1500',
      REDIS_COMMAND_TIMEOUT_MS: String(REDIS_TIMEOUT_MS),
    });
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) n.child.kill('SIGCONT');
    await cluster?.close();
    for (const n of nodes) n.child.kill('SIGKILL');
  }, 60_000);

  it('when the third node is paused, then sessions are activated, served and their leases extended without waiting on it', async () => {
    const newSession = async () => {
      const res = await request(member.app)
        .post('/sessions')
        .send({ movieName: 'Paused', startTime: '2031-05-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 30 });
      expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
      return res.body.id as string;
    };
    const sessions = [await newSession(), await newSession(), await newSession()];
    nodes[2].child.kill('SIGSTOP');

    const slowest: number[] = [];
    // Three rounds over a lease of 1.5 s: activations first, then extensions every 0.5 s while the traffic goes on.
    for (let round = 0; round < 3; round++) {
      const started = Date.now();
      const replies = await Promise.all(
        sessions.flatMap((sessionId) =>
          [1, 2, 3].map((n) =>
            request(member.app)
              .post('/reservations')
              .send({ sessionId, seatNumbers: [`${String.fromCharCode(65 + round)}${n}`], userId: `u-${randomUUID().slice(0, 8)}` })
              .then((res) => ({ status: res.status, ms: Date.now() - started })),
          ),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(replies.map(() => 201));
      slowest.push(Math.max(...replies.map((r) => r.ms)));
      await eventually(() => Date.now() - started > 700, 5_000); // let an extension of every lease fall in between
    }
    expect(sessions.every((s) => member.registry.isActive(s))).toBe(true); // leases extended: never lost
    expect(Math.max(...slowest)).toBeLessThan(REDIS_TIMEOUT_MS);
  });
});
