import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';

/** Idempotency keys are kept this long (README: "Keys live in Postgres for 24 hours"). */
export const IDEMPOTENCY_KEEP_HOURS = 24;

/**
 * Deletes at most `batch` idempotency keys created more than `keepHours` ago, oldest first, and answers how many
 * went. Bounded, so one run never holds a long transaction on a large table (the index on created_at finds them).
 */
export async function purgeIdempotencyKeys(
  dataSource: DataSource,
  params: { batch: number; keepHours?: number },
): Promise<number> {
  const [row]: { n: string | number }[] = await dataSource.query(
    `WITH gone AS (
       DELETE FROM idempotency_keys
        WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys
                                WHERE created_at < now() - make_interval(hours => $1)
                                ORDER BY created_at LIMIT $2)
        RETURNING 1)
     SELECT count(*) AS n FROM gone`,
    [params.keepHours ?? IDEMPOTENCY_KEEP_HOURS, params.batch],
  );
  return Number(row?.n ?? 0);
}

export interface IdempotencyPurger {
  stop(): Promise<void>;
}

/**
 * Runs the purge every `everyMs`: one bounded batch after another while full batches come back, then waits for the
 * next tick. Several instances may purge at once; they only delete the same old rows.
 */
export function startIdempotencyPurge(deps: {
  dataSource: DataSource;
  logger: Logger;
  everyMs: number;
  batch: number;
}): IdempotencyPurger {
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = async () => {
    try {
      let purged = 0;
      for (;;) {
        if (stopped) break;
        const n = await purgeIdempotencyKeys(deps.dataSource, { batch: deps.batch });
        purged += n;
        if (n < deps.batch) break;
      }
      if (purged > 0) deps.logger.info('purged old idempotency keys', { purged });
    } catch (error) {
      deps.logger.warn('idempotency key purge failed; retrying on the next tick', { error });
    }
  };
  const timer = setInterval(() => {
    running ??= run().finally(() => (running = undefined));
  }, deps.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
