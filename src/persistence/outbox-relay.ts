import type { DataSource } from 'typeorm';
import type { EventPublisher, PublishedEvent } from '../app/event-publisher';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

export interface OutboxRelay {
  /** Ask for a relay pass soon (called after each commit). */
  nudge(): void;
  /** Relays everything committed so far; resolves with the number of events sent. */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const RELAY_LOCK = 7_314_160;
const BATCH = 500;
const PURGE_EVERY_MS = 3_600_000;

/**
 * Sends committed outbox events to the publisher and marks them published, at least once and in commit order.
 * One relay pass at a time across all instances (a transaction-scoped advisory lock), so order is kept.
 */
export function startOutboxRelay(params: {
  dataSource: DataSource;
  publisher: EventPublisher;
  logger: Logger;
  metrics: Metrics;
  intervalMs?: number;
}): OutboxRelay {
  const { dataSource, publisher, logger, metrics } = params;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const pass = async (): Promise<number> =>
    dataSource.transaction(async (em) => {
      // An instance paused while relaying must not hold the relay lock for the cluster: Postgres ends its session.
      await em.query(`SET LOCAL idle_in_transaction_session_timeout = '10s'`);
      const [lock]: { locked: boolean }[] = await em.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK]);
      if (!lock?.locked) return 0;
      const rows: { id: string; session_id: string; type: string; payload: Record<string, unknown> }[] = await em.query(
        `SELECT id, session_id, type, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1`,
        [BATCH],
      );
      if (rows.length === 0) return 0;
      const events: PublishedEvent[] = rows.map((r) => ({
        id: String(r.id),
        sessionId: r.session_id,
        type: r.type,
        payload: r.payload,
      }));
      await publisher.publish(events);
      await em.query(
        `UPDATE outbox SET published_at = now() WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)::bigint)`,
        [JSON.stringify(events.map((e) => e.id))],
      );
      metrics.outboxPublished.inc(events.length);
      return events.length;
    });

  const run = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        let sent: number;
        do {
          sent = await pass();
          total += sent;
        } while (sent === BATCH && !stopped);
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true; // the pass under way goes round once more; its failure is logged once, by its starter
      return;
    }
    run().catch((error: unknown) => logger.warn('outbox relay pass failed; will retry', { error }));
  };
  const timer = setInterval(tick, params.intervalMs ?? 500);
  timer.unref();
  // Published events live on in the events topic; the outbox keeps them one more day, then lets them go.
  const purge = setInterval(() => {
    dataSource
      .query(`DELETE FROM outbox WHERE published_at < now() - interval '24 hours'`)
      .catch((error: unknown) => logger.warn('outbox purge failed; will retry', { error }));
  }, PURGE_EVERY_MS);
  purge.unref();
  // Commits nudge the relay; nudges within a few milliseconds share one pass.
  let nudged: NodeJS.Timeout | undefined;
  const nudge = () => {
    nudged ??= setTimeout(() => {
      nudged = undefined;
      tick();
    }, 5);
  };

  return {
    nudge,
    drain: async () => {
      let total = 0;
      let sent: number;
      do {
        sent = await run();
        total += sent;
      } while (sent > 0);
      return total;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(purge);
      if (nudged) clearTimeout(nudged);
      await running?.catch(() => 0);
    },
  };
}
