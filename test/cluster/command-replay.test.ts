import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Instance } from '../../src/main';
import { describeCluster, eventually, useSuiteLock } from './harness';
import { inProcessCluster, type InProcessCluster } from './in-process';

/**
 * Every kind of command replayed on the commands topic after the owner restarted with the same INSTANCE_ID, and
 * after a cancel or an expiry: the first answer comes back (from the applied-command log) or the command is refused
 * (past its caller's deadline); nothing ended comes back.
 */
describeCluster('commands replayed on the commands topic', (env) => {
  useSuiteLock(env);
  let cluster: InProcessCluster;
  let owner: Instance;
  const ownerId = `owner-${randomUUID().slice(0, 8)}`;
  const callerId = `caller-${randomUUID().slice(0, 8)}`;
  const restartEnv = { RESERVATION_TTL_SECONDS: '3' };

  beforeAll(async () => {
    cluster = await inProcessCluster(env, 'replay');
    owner = await cluster.start(ownerId, restartEnv);
    await cluster.follow(`${cluster.prefix}.replies.${callerId}`);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  type Envelope = { commandId: string; from: string; to: string; sessionId: string; deadline: number; call: unknown };
  const envelope = (sessionId: string, req: Record<string, unknown>, deadline = Date.now() + 20_000): Envelope => ({
    commandId: randomUUID(),
    from: callerId,
    to: ownerId,
    sessionId,
    deadline,
    call: { kind: 'execute', request: req },
  });
  const send = (e: Envelope) =>
    cluster.producer.send({
      topic: `${cluster.prefix}.commands.${e.to}`,
      messages: [{ key: e.sessionId, value: JSON.stringify(e), headers: { to: e.to, from: e.from } }],
    });
  const answers = (commandId: string) =>
    cluster
      .read(`${cluster.prefix}.replies.${callerId}`)
      .map((m) => JSON.parse(m.value) as { commandId: string; answer: Record<string, any> })
      .filter((m) => m.commandId === commandId)
      .map((m) => m.answer);
  const answerOf = async (e: Envelope, count = 1) => {
    await send(e);
    const all = (await eventually(() => (answers(e.commandId).length >= count ? answers(e.commandId) : undefined), 30_000)) as Record<string, any>[];
    return all[count - 1];
  };
  const status = async (reservationId: string) =>
    ((await owner.dataSource.query('SELECT status FROM reservations WHERE id = $1', [reservationId])) as { status: string }[])[0]?.status;
  const seats = async (sessionId: string) => {
    const doc = (await request(owner.app).get(`/sessions/${sessionId}/availability`)).body as { seats: { seatNumber: string; status: string }[] };
    return Object.fromEntries(doc.seats.filter((s) => s.status !== 'AVAILABLE').map((s) => [s.seatNumber, s.status]));
  };

  it('when every kind of command is replayed after the owner restarts, then the first answers come back and nothing ended returns', async () => {
    const session = (await request(owner.app)
      .post('/sessions')
      .send({ movieName: 'Replay', startTime: '2031-05-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 6 })).body.id as string;
    const [cancelled, paid, expiring] = [randomUUID(), randomUUID(), randomUUID()];
    const holdCancelled = envelope(session, { type: 'HoldSeats', reservationId: cancelled, userId: 'ana', seatNumbers: ['A1'] });
    const holdPaid = envelope(session, { type: 'HoldSeats', reservationId: paid, userId: 'bea', seatNumbers: ['A2'] });
    const holdExpiring = envelope(session, { type: 'HoldSeats', reservationId: expiring, userId: 'cid', seatNumbers: ['A3'] });
    const cancel = envelope(session, { type: 'CancelReservation', reservationId: cancelled, userId: 'ana' });
    const confirm = envelope(session, { type: 'ConfirmPayment', reservationId: paid, userId: 'bea' });
    const first = new Map<string, Record<string, any>>();
    for (const e of [holdCancelled, holdPaid, holdExpiring, cancel, confirm]) first.set(e.commandId, await answerOf(e));
    expect([...first.values()].map((a) => a.reply?.ok)).toEqual([true, true, true, true, true]);
    await eventually(async () => (await status(expiring)) === 'EXPIRED', 30_000);
    const expire = envelope(session, { type: 'ExpireDue' });
    first.set(expire.commandId, await answerOf(expire));
    // A command whose caller gave up before it was ever delivered.
    const late = envelope(session, { type: 'HoldSeats', reservationId: randomUUID(), userId: 'dan', seatNumbers: ['A4'] }, Date.now() - 1);

    await owner.close(); // the transport's memory of answered commands goes with it
    owner = await cluster.start(ownerId, restartEnv);

    for (const e of [holdCancelled, holdPaid, holdExpiring, cancel, confirm]) {
      expect(await answerOf({ ...e, deadline: Date.now() + 20_000 }, 2)).toEqual(first.get(e.commandId));
    }
    // Replayed as they were: past their deadline, and already applied: the first answer again, never run twice.
    expect(await answerOf(holdCancelled, 3)).toEqual(first.get(holdCancelled.commandId));
    expect(await answerOf(late)).toEqual(expect.objectContaining({ kind: 'problem', status: 503 }));

    expect(await status(cancelled)).toBe('CANCELLED');
    expect(await status(expiring)).toBe('EXPIRED');
    expect(await status(paid)).toBe('CONFIRMED');
    expect(await seats(session)).toEqual({ A2: 'SOLD' });
    const sales = (await owner.dataSource.query('SELECT count(*)::int AS n FROM sales WHERE session_id = $1', [session])) as { n: number }[];
    expect(sales[0].n).toBe(1);
    const reservations = (await owner.dataSource.query('SELECT count(*)::int AS n FROM reservations WHERE session_id = $1', [session])) as { n: number }[];
    expect(reservations[0].n).toBe(3);
  });
});
