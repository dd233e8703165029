import { Client } from 'pg';
import { createSession, uid, useInstance } from './helpers';

/**
 * Time bounds on the database: a commit that waits for a lock held elsewhere ends at the connection's lock_timeout
 * (a failed commit: 503 with Retry-After), not at the command timeout and not never; the session then recovers.
 * Postgres only (the embedded PGlite has one connection and no other client to hold a lock).
 */
(process.env.DATABASE_URL ? describe : describe.skip)('a commit that waits on a lock held elsewhere', () => {
  const ctx = useInstance('postgres', { DB_LOCK_TIMEOUT_MS: '300', COMMAND_TIMEOUT_MS: '20000' });

  it('when the session row stays locked, then the request gets 503 after the lock timeout and the session recovers', async () => {
    const { id } = await createSession(ctx.instance.app, { numberOfSeats: 4 });
    const first = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A1'], userId: uid() });
    expect(first.status).toBe(201); // active: the next hold goes straight to its commit

    const holder = new Client({ connectionString: (ctx.store.env as { DATABASE_URL: string }).DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM sessions WHERE id = $1 FOR UPDATE', [id]);
      const blocked = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A2'], userId: uid() });
      expect(blocked.status).toBe(503);
      expect(blocked.body.detail).toMatch(/lock timeout/);
      expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    const after = await ctx.api.post('/reservations').send({ sessionId: id, seatNumbers: ['A2'], userId: uid() });
    expect(after.status).toBe(201);
  });
});
