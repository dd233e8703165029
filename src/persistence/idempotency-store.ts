import type { DataSource } from 'typeorm';
import type { IdempotencyBegin, IdempotencyStore } from '../app/idempotency';
import { IDEMPOTENCY_KEEP_HOURS as KEEP_HOURS } from './idempotency-purge';

/** Longer than any request may run (the command timeout is seconds). */
const STALE_CLAIM_SECONDS = 120;

/** Idempotency keys in Postgres, so every instance sees the same claims; a key is kept 24 hours (then purged). */
export function createIdempotencyStore(dataSource: DataSource): IdempotencyStore {
  return {
    async begin(scope, key, fingerprint): Promise<IdempotencyBegin> {
      // A key older than 24 hours is forgotten, and so is a claim whose request never finished (its instance
      // died before recording the answer), so the key may be used afresh.
      await dataSource.query(
        `DELETE FROM idempotency_keys
          WHERE scope = $1 AND key = $2
            AND (created_at < now() - make_interval(hours => $3)
                 OR (state = 'running' AND created_at < now() - make_interval(secs => $4)))`,
        [scope, key, KEEP_HOURS, STALE_CLAIM_SECONDS],
      );
      const claimed: unknown[] = await dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, state) VALUES ($1, $2, $3, 'running')
         ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
        [scope, key, fingerprint],
      );
      if (claimed.length > 0) return { kind: 'started' };
      const [row]: { fingerprint: string; state: string; response_status: number | null; response_body: unknown }[] =
        await dataSource.query(
          `SELECT fingerprint, state, response_status, response_body FROM idempotency_keys WHERE scope = $1 AND key = $2`,
          [scope, key],
        );
      if (!row) return { kind: 'in-progress' };
      if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (row.state !== 'done' || row.response_status === null) return { kind: 'in-progress' };
      return { kind: 'replay', status: row.response_status, body: row.response_body };
    },
    async complete(scope, key, status, body) {
      await dataSource.query(
        `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4 WHERE scope = $1 AND key = $2`,
        [scope, key, status, JSON.stringify(body ?? null)],
      );
    },
    async abandon(scope, key) {
      await dataSource.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'running'`, [
        scope,
        key,
      ]);
    },
  };
}
