import { randomUUID } from 'node:crypto';
import { AssignerProtocol } from 'kafkajs';
import request from 'supertest';
import type { Instance } from '../../src/main';
import { describeCluster, eventually, useSuiteLock } from './harness';
import { inProcessCluster, type InProcessCluster } from './in-process';

/**
 * Commands reach only their owner (README, "The cluster"): three members on the real broker; commands forwarded
 * from one member to the owner are read by the owner alone, their replies by the caller alone, and the third member
 * reads nothing. Each member's consumer groups are named after its INSTANCE_ID (its commands group is assigned only its
 * own topics) and are the same groups again after a restart.
 */
describeCluster('commands reach only their owner', (env) => {
  useSuiteLock(env);
  let cluster: InProcessCluster;
  const ids = ['owner', 'caller', 'bystander'].map((role) => `${role}-${randomUUID().slice(0, 6)}`);
  const members = new Map<string, Instance>();

  beforeAll(async () => {
    cluster = await inProcessCluster(env, 'addressing');
    for (const id of ids) members.set(id, await cluster.start(id));
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  const [ownerId, callerId, bystanderId] = ids;
  /** A caller that is not a member: the test reads its replies topic. */
  const probeId = `probe-${randomUUID().slice(0, 6)}`;
  const app = (id: string) => (members.get(id) as Instance).app;
  /** forwarded_messages_read_total of one member, by kind (0 when the series was never touched). */
  const readCounts = async (id: string) => {
    const text = (await request(app(id)).get('/metrics')).text;
    const count = (kind: string) => Number(new RegExp(`^forwarded_messages_read_total\\{kind="${kind}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
    return { commands: count('commands'), replies: count('replies') };
  };
  /** The topics each member of `groupId` is assigned, by member. */
  const assignments = async (groupId: string) => {
    const admin = cluster.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      return groups[0].members.map((m) => Object.keys(AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {}).sort());
    } finally {
      await admin.disconnect();
    }
  };
  /** Every consumer group of this cluster's topic prefix but the test's own readers. */
  const groups = async () => {
    const admin = cluster.kafka.admin();
    await admin.connect();
    try {
      return (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${cluster.prefix}.`) && !g.startsWith(`${cluster.prefix}.probe-`)).sort();
    } finally {
      await admin.disconnect();
    }
  };

  it('when one member forwards holds to the owner, then only the owner reads the commands, only the caller the replies, and the third member nothing', async () => {
    const created = await request(app(ownerId))
      .post('/sessions')
      .send({ movieName: 'Addressing', startTime: '2031-05-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 20 });
    const session = created.body.id as string;
    const first = await request(app(ownerId)).post('/reservations').send({ sessionId: session, seatNumbers: ['A1'], userId: 'u0' });
    expect(first.status).toBe(201); // the owner now holds the session's lease
    const before = await Promise.all(ids.map(readCounts));

    const forwarded = 6;
    for (let k = 1; k <= forwarded; k++) {
      const res = await request(app(callerId)).post('/reservations').send({ sessionId: session, seatNumbers: [`A${k + 1}`], userId: `u${k}` });
      expect({ k, status: res.status }).toEqual({ k, status: 201 });
    }
    const after = await Promise.all(ids.map(readCounts));
    const delta = after.map((a, i) => ({ commands: a.commands - before[i].commands, replies: a.replies - before[i].replies }));
    expect(Object.fromEntries(ids.map((id, i) => [id, delta[i]]))).toEqual({
      [ownerId]: { commands: forwarded, replies: 0 },
      [callerId]: { commands: 0, replies: forwarded },
      [bystanderId]: { commands: 0, replies: 0 },
    });
  }, 120_000);

  it('when a member restarts with the same INSTANCE_ID, then it rejoins its own groups (none is named after a process), runs the command sent while it was down, and its commands group is assigned its own two topics only', async () => {
    const groupsBefore = await groups();
    await cluster.follow(`${cluster.prefix}.replies.${probeId}`);
    expect(groupsBefore).toEqual(
      [`${cluster.prefix}.timers`, ...ids.flatMap((id) => [`${cluster.prefix}.commands.${id}`, `${cluster.prefix}.events.view.${id}`])].sort(),
    );
    for (const id of ids) {
      expect(await assignments(`${cluster.prefix}.commands.${id}`)).toEqual([[`${cluster.prefix}.commands.${id}`, `${cluster.prefix}.replies.${id}`]]);
    }
    await (members.get(bystanderId) as Instance).close();
    // While it is down, a command is sent to it: its group reads it when it is back.
    const created = await request(app(ownerId))
      .post('/sessions')
      .send({ movieName: 'While down', startTime: '2031-05-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 4 });
    const command = { commandId: randomUUID(), from: probeId, to: bystanderId, sessionId: created.body.id as string, deadline: Date.now() + 60_000, call: { kind: 'execute', request: { type: 'ExpireDue' } } };
    await cluster.producer.send({
      topic: `${cluster.prefix}.commands.${bystanderId}`,
      messages: [{ key: command.sessionId, value: JSON.stringify(command), headers: { to: bystanderId, from: probeId } }],
    });
    members.set(bystanderId, await cluster.start(bystanderId));
    const reply = await eventually(() => cluster.read(`${cluster.prefix}.replies.${probeId}`).find((m) => m.value.includes(command.commandId)), 30_000);
    expect(JSON.parse((reply as { value: string }).value).answer).toEqual(expect.objectContaining({ kind: 'reply', reply: expect.objectContaining({ ok: true }) }));
    expect(await groups()).toEqual(groupsBefore);
    expect(await assignments(`${cluster.prefix}.commands.${bystanderId}`)).toEqual([
      [`${cluster.prefix}.commands.${bystanderId}`, `${cluster.prefix}.replies.${bystanderId}`],
    ]);
  }, 120_000);
});
