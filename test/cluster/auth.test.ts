/**
 * Authentication and the per-user seat limit across two instances (separate processes) in jwt mode: the limit is a
 * rule of the session's decider, so it holds whichever instance each request reaches.
 */
import { randomUUID } from 'node:crypto';
import { bearer, jwtEnv, sign, tokenIssuer } from '../support/tokens';
import { describeCluster, summary, useCluster, withLogs, type ClusterEnv } from './harness';

const issuer = tokenIssuer('cluster');
const LIMIT = 4;

describeCluster('cluster: tokens and the per-user seat limit over two instances', (env: ClusterEnv) => {
  const c = useCluster(
    {
      env,
      name: 'auth',
      size: 2,
      reservationTtlSeconds: 600,
      commandTimeoutMs: 5_000,
      extraEnv: { ...jwtEnv(issuer), AUTH_MODE: 'jwt', MAX_SEATS_PER_USER_PER_SESSION: String(LIMIT) },
    },
    { lock: true },
  );

  it(`holds a user to ${LIMIT} seats of a session across both instances, bought seats included, and names the limit`, () =>
    withLogs(c, async () => {
      const alice = `alice-${randomUUID().slice(0, 8)}`;
      const bob = `bob-${randomUUID().slice(0, 8)}`;
      const [admin, asAlice, asBob] = await Promise.all([
        sign(issuer, { sub: 'box-office', admin: true }),
        sign(issuer, { sub: alice }),
        sign(issuer, { sub: bob }),
      ]);
      const call = (i: number, token: string, method: string, path: string, body?: unknown) =>
        c().request(i, method, path, body, { headers: bearer(token) });

      expect((await c().request(0, 'GET', '/sessions')).status).toBe(401);
      const created = await call(0, admin, 'POST', '/sessions', {
        movieName: 'Limits', startTime: '2031-01-01T20:00:00Z', roomNumber: '1', ticketPrice: 10, numberOfSeats: 20,
      });
      expect(created.status).toBe(201);
      const sessionId = created.body.id as string;

      const first = await call(0, asAlice, 'POST', '/reservations', { sessionId, seatNumbers: ['A1', 'A2'] });
      expect({ status: first.status, userId: first.body.userId }).toEqual({ status: 201, userId: alice });
      const paid = await call(1, asAlice, 'POST', '/reservations/confirm-payment', { reservationId: first.body.id });
      expect(paid.status === 200 ? 200 : summary(paid)).toBe(200);
      const second = await call(1, asAlice, 'POST', '/reservations', { sessionId, seatNumbers: ['A3', 'A4'] });
      expect(second.status === 201 ? 201 : summary(second)).toBe(201);

      for (const i of [0, 1]) {
        const over = await call(i, asAlice, 'POST', '/reservations', { sessionId, seatNumbers: ['B1'] });
        expect({ instance: i, status: over.status, body: over.body }).toEqual({
          instance: i,
          status: 409,
          body: expect.objectContaining({ type: '/problems/seat-limit-per-user-reached', limit: 'MAX_SEATS_PER_USER_PER_SESSION', max: LIMIT, held: 4 }),
        });
      }
      // Another user is not held back by Alice's seats; another user cannot touch hers (no hint it exists).
      expect((await call(1, asBob, 'POST', '/reservations', { sessionId, seatNumbers: ['B1', 'B2', 'B3', 'B4'] })).status).toBe(201);
      expect((await call(0, asBob, 'POST', `/reservations/${second.body.id}/cancel`, {})).status).toBe(404);
      expect((await call(0, asBob, 'POST', '/reservations', { sessionId, seatNumbers: ['B7'], userId: alice })).status).toBe(403);

      // Once Alice cancels a hold, she may hold that many seats again, on either instance.
      expect((await call(0, asAlice, 'POST', `/reservations/${second.body.id}/cancel`, {})).status).toBe(200);
      expect((await call(1, asAlice, 'POST', '/reservations', { sessionId, seatNumbers: ['B5', 'B6'] })).status).toBe(201);
      const seats = await c().request(0, 'GET', `/sessions/${sessionId}/availability`, undefined, { headers: bearer(asAlice) });
      expect(seats.body.availableSeats).toBe(20 - 2 - 4 - 2);
    }));
});
