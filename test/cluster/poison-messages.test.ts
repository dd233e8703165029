import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Instance } from '../../src/main';
import { describeCluster, eventually, useSuiteLock } from './harness';
import { inProcessCluster, type InProcessCluster } from './in-process';

/**
 * Kafka consumers that cannot be poisoned, on the real broker: messages that are not JSON, JSON of the wrong
 * shape, or (on an instance's own commands topic) addressed to another instance, on the commands, replies and timers
 * topics go to `<prefix>.dead-letters` with the reason in a header, are
 * counted in /metrics, and the partition moves on; a timer due in an hour does not hold up one due now.
 */
describeCluster('poison messages on the Kafka topics', (env) => {
  useSuiteLock(env);
  let cluster: InProcessCluster;
  let member: Instance;
  const id = `poison-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    cluster = await inProcessCluster(env, 'poison');
    member = await cluster.start(id);
    await cluster.follow(`${cluster.prefix}.dead-letters`);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  const newSession = async () => {
    const res = await request(member.app)
      .post('/sessions')
      .send({ movieName: 'Poison', startTime: '2031-05-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 4 });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  /** To a shared topic (timers), or to this member's own commands and replies topics. */
  const send = (topic: 'commands' | 'replies' | 'timers', value: string, headers: Record<string, string> = {}) =>
    cluster.producer.send({
      topic: topic === 'timers' ? `${cluster.prefix}.timers` : `${cluster.prefix}.${topic}.${id}`,
      messages: [{ partition: 0, value, headers }],
    });

  it('when unparseable, malformed and misaddressed messages arrive, then they are dead-lettered with a reason and the partitions move on', async () => {
    const to = { to: id };
    await send('commands', 'not json at all', to);
    await send('commands', JSON.stringify({ commandId: 'x', call: { kind: 'execute', request: { type: 'Nuke' } } }), to);
    await send('replies', '{"commandId":', to);
    // A valid command on this member's topic but addressed to another instance: never run here.
    const stray = { commandId: randomUUID(), from: 'test', to: 'someone-else', sessionId: randomUUID(), deadline: Date.now() + 30_000, call: { kind: 'execute', request: { type: 'ExpireDue' } } };
    await send('commands', JSON.stringify(stray), { to: 'someone-else' });
    await send('timers', '\u0000\u0001');
    await send('timers', JSON.stringify({ sessionId: 'not-a-uuid', dueAt: -5 }));

    // Behind the poison on the same partition: a valid command and a valid timer are still served.
    const woken = await newSession();
    const commanded = await newSession();
    await send('timers', JSON.stringify({ sessionId: woken, dueAt: Date.now() }));
    const envelope = { commandId: randomUUID(), from: 'test', to: id, sessionId: commanded, deadline: Date.now() + 30_000, call: { kind: 'execute', request: { type: 'ExpireDue' } } };
    await send('commands', JSON.stringify(envelope), to);
    await eventually(() => member.registry.isActive(woken) && member.registry.isActive(commanded), 30_000);

    const letters = (await eventually(() => {
      const all = cluster.read(`${cluster.prefix}.dead-letters`);
      return all.length >= 6 ? all : undefined;
    }, 30_000)) as { value: string; headers: Record<string, string> }[];
    const summary = letters.map((l) => `${l.headers['source-topic'].replace(`${cluster.prefix}.`, '').split('.')[0]}:${l.headers.reason}`).sort();
    expect(summary).toEqual(['commands:invalid', 'commands:invalid', 'commands:unparseable', 'replies:unparseable', 'timers:invalid', 'timers:unparseable']);
    expect(letters.every((l) => l.headers.detail.length > 0)).toBe(true);
    const metrics = (await request(member.app).get('/metrics')).text;
    const counted = [...metrics.matchAll(/^kafka_dead_letters_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(counted).toBe(6);
  });

  it('when a timer due in an hour is ahead of one due now on the partition, then the one due now still fires', async () => {
    const later = await newSession();
    const now = await newSession();
    await send('timers', JSON.stringify({ sessionId: later, dueAt: Date.now() + 3_600_000 }));
    await send('timers', JSON.stringify({ sessionId: now, dueAt: Date.now() }));
    await eventually(() => member.registry.isActive(now), 30_000);
    expect(member.registry.isActive(later)).toBe(false);
  });
});
