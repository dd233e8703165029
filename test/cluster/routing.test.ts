/**
 * Routing across three instances (separate processes): whichever instance a request reaches, the session's one
 * actor serves it, so every instance gives the same answers; a race for the last seat has exactly one winner.
 * Runs once with one Redis node and once with the three quorum nodes (REDIS_QUORUM_URLS).
 */
import {
  useCluster,
  useSuiteLock,
  dbQuery,
  describeCluster,
  eventually,
  SaleLedger,
  seatLabel,
  seatMap,
  summary,
  withLogs,
  type ClusterEnv,
} from './harness';

describeCluster('cluster: routing over three instances', (env: ClusterEnv) => {
  useSuiteLock(env);

  const modes: ['one Redis node' | 'three Redis nodes', 'single' | 'quorum'][] = [['one Redis node', 'single']];
  if (env.redisQuorumUrls) modes.push(['three Redis nodes', 'quorum']);
  else it.skip('with three Redis nodes: skipped, REDIS_QUORUM_URLS not set', () => undefined);

  describe.each(modes)('with %s', (_label, redis) => {
    const ledger = new SaleLedger();
    const c = useCluster({ env, name: `routing-${redis}`, redis, reservationTtlSeconds: 600, commandTimeoutMs: 5_000 });

    it('answers 60 round-robin requests for one session consistently on every instance', () =>
      withLogs(c, async () => {
        const session = await c().createSession(0, 40);
        const expected: Record<string, string> = Object.fromEntries(Array.from({ length: 40 }, (_, k) => [seatLabel(k), 'AVAILABLE']));
        const pending: { reservationId: string; userId: string; seat: string }[] = [];
        let nextSeat = 0;

        /**
         * Every instance's availability document must equal the model. The owner answers from its actor, the others
         * from their read model, which follows the events topic: they agree within the read model's lag, so poll.
         */
        const expectAllAgree = (step: string) =>
          eventually(async () => {
            const docs = await Promise.all([0, 1, 2].map((i) => c().availability(i, session.id)));
            const available = Object.values(expected).filter((s) => s === 'AVAILABLE').length;
            docs.forEach((doc, i) => {
              expect({ step, instance: i, seats: seatMap(doc), availableSeats: doc.availableSeats }).toEqual({
                step,
                instance: i,
                seats: expected,
                availableSeats: available,
              });
            });
            return true;
          }, 15_000, 20);

        const ops = ['reserve', 'read', 'reserve', 'confirm', 'read'] as const;
        const tally = { reserve: 0, confirm: 0, read: 0 };
        for (let i = 0; i < 60; i++) {
          const node = i % 3;
          const op = ops[i % ops.length];
          tally[op]++;
          if (op === 'reserve') {
            const seat = seatLabel(nextSeat++);
            const userId = `rr-user-${i}`;
            const res = await c().reserve(node, session.id, [seat], userId);
            expect({ step: i, node, answer: res.status === 201 ? 201 : summary(res) }).toEqual({ step: i, node, answer: 201 });
            expect(res.body).toMatchObject({ sessionId: session.id, seatNumbers: [seat], status: 'PENDING', userId });
            expected[seat] = 'RESERVED';
            pending.push({ reservationId: res.body.id, userId, seat });
            await expectAllAgree(`after reserving ${seat} on instance ${node}`);
          } else if (op === 'confirm') {
            const hold = pending.shift();
            if (!hold) throw new Error('nothing to confirm');
            const res = await c().confirm(node, hold.reservationId, hold.userId);
            ledger.record(hold.reservationId, hold.userId, res);
            expect({ step: i, node, answer: res.status === 200 ? 200 : summary(res) }).toEqual({ step: i, node, answer: 200 });
            expect(res.body).toEqual([expect.objectContaining({ reservationId: hold.reservationId, seatNumber: hold.seat, sessionId: session.id })]);
            expected[hold.seat] = 'SOLD';
            await expectAllAgree(`after confirming ${hold.seat} on instance ${node}`);
          } else {
            await eventually(async () => {
              const doc = await c().availability(node, session.id);
              expect({ step: i, node, seats: seatMap(doc) }).toEqual({ step: i, node, seats: expected });
              return true;
            }, 15_000, 20);
          }
        }
        expect(tally).toEqual({ reserve: 24, confirm: 12, read: 24 });

        // One activation: the lease names one instance, and only that instance runs the session's actor.
        const owner = await c().ownerOf(session.id);
        expect(owner?.index).toBeDefined();
        const alive = await Promise.all([0, 1, 2].map((i) => c().metric(i, 'session_actors_alive')));
        expect(alive).toEqual([0, 1, 2].map((i) => (i === owner?.index ? 1 : 0)));

        // The sales in Postgres are the confirmed seats, sold once each.
        const sold = await dbQuery<{ seat_number: string }>(c().databaseUrl, `SELECT seat_number FROM sales WHERE session_id = $1 ORDER BY seat_number`, [session.id]);
        expect(sold.map((s) => s.seat_number).sort()).toEqual(Object.keys(expected).filter((s) => expected[s] === 'SOLD').sort());

        const report = await c().checkInvariants(ledger);
        console.log(`[routing/${redis}] round-robin: owner ${owner?.instanceId}; invariants ${JSON.stringify(report)}`);
      }), 120_000);

    it('a race for the last seat across the three instances has exactly one winner', () =>
      withLogs(c, async () => {
        // A fresh session, so the racers also race for its lease (nobody owns it yet).
        const session = await c().createSession(1, 1);
        const racers = Array.from({ length: 30 }, (_, i) => ({ node: i % 3, userId: `racer-${i}` }));
        const answers = await Promise.all(
          racers.map(async (r) => ({ ...r, res: await c().reserve(r.node, session.id, ['A1'], r.userId, 30_000) })),
        );
        const statuses = answers.map((a) => a.res.status);
        const counts = statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});
        const unexpected = answers.filter((a) => a.res.status !== 201 && a.res.status !== 409).map((a) => `instance ${a.node}: ${summary(a.res)}`);
        expect({ counts, unexpected }).toEqual({ counts: { 201: 1, 409: 29 }, unexpected: [] });
        for (const loser of answers.filter((a) => a.res.status === 409)) {
          expect(loser.res.contentType).toMatch(/^application\/problem\+json/);
          expect(loser.res.body).toMatchObject({ status: 409, unavailableSeats: ['A1'] });
        }

        const winner = answers.find((a) => a.res.status === 201);
        if (!winner) throw new Error('no winner');
        await eventually(async () => seatMap(await c().availability((winner.node + 1) % 3, session.id)).A1 === 'RESERVED');

        const paid = await c().confirm((winner.node + 2) % 3, winner.res.body.id, winner.userId);
        ledger.record(winner.res.body.id, winner.userId, paid);
        expect(paid.status === 200 ? 200 : summary(paid)).toBe(200);
        for (const i of [0, 1, 2]) {
          await eventually(async () => seatMap(await c().availability(i, session.id)).A1 === 'SOLD', 15_000, 20);
          expect(seatMap(await c().availability(i, session.id))).toEqual({ A1: 'SOLD' });
        }

        const rows = await dbQuery<{ user_id: string; status: string }>(
          c().databaseUrl,
          `SELECT user_id, status FROM reservations WHERE session_id = $1`,
          [session.id],
        );
        expect(rows).toEqual([{ user_id: winner.userId, status: 'CONFIRMED' }]);

        const report = await c().checkInvariants(ledger);
        console.log(
          `[routing/${redis}] race: winner ${winner.userId} via instance ${winner.node}; answers ${JSON.stringify(counts)}; ` +
            `invariants ${JSON.stringify(report)}`,
        );
      }), 120_000);

    it('a best-available race for the last block of 4 across instances has one winner and one 409', () =>
      withLogs(c, async () => {
        // Two rows of 4: row A is taken, so B1-B4 is the only block of 4 left.
        const session = await c().createSession(0, 8, { seatsPerRow: 4 });
        const first = await c().reserve(0, session.id, ['A1', 'A2', 'A3', 'A4'], 'block-holder', 30_000);
        expect(first.status === 201 ? 201 : summary(first)).toBe(201);
        const answers = await Promise.all(
          [1, 2].map(async (node) => ({ node, res: await c().reserveBest(node, session.id, 4, `best-${node}`, 30_000) })),
        );
        const statuses = answers.map((a) => a.res.status).sort();
        expect({ statuses, answers: answers.map((a) => summary(a.res)) }).toEqual({ statuses: [201, 409], answers: expect.any(Array) });
        const winner = answers.find((a) => a.res.status === 201)!;
        const loser = answers.find((a) => a.res.status === 409)!;
        expect(winner.res.body).toMatchObject({ seatNumbers: ['B1', 'B2', 'B3', 'B4'], status: 'PENDING' });
        expect(loser.res.body).toMatchObject({ type: '/problems/no-adjacent-seats', largestBlock: 0 });
        for (const i of [0, 1, 2]) {
          expect(seatMap(await c().availability(i, session.id))).toEqual(
            Object.fromEntries(['A1', 'A2', 'A3', 'A4', 'B1', 'B2', 'B3', 'B4'].map((s) => [s, 'RESERVED'])),
          );
        }
        const rows = await dbQuery<{ user_id: string }>(c().databaseUrl, `SELECT user_id FROM reservations WHERE session_id = $1 ORDER BY user_id`, [
          session.id,
        ]);
        expect(rows.map((r) => r.user_id)).toEqual(['block-holder', winner.res.body.userId].sort());
        console.log(`[routing/${redis}] best-available race: winner via instance ${winner.node}, loser via ${loser.node}`);
      }), 120_000);
  });
});
