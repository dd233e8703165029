import type { ExpiryScheduler } from '../app/ports';
import type { Logger } from '../logger';

/**
 * In-process expiry timers: one timer per session, set for its earliest pending hold. When it fires, `wake`
 * sends the session an ExpireDue request (activating it if it was passivated). A failed wake is retried.
 */
export function createLocalExpiryScheduler(params: {
  wake: (sessionId: string) => Promise<void>;
  logger: Logger;
  clock: () => number;
  retryMs?: number;
}): ExpiryScheduler {
  const timers = new Map<string, { dueAt: number; timer: NodeJS.Timeout }>();
  let closed = false;

  const schedule = (sessionId: string, dueAt: number): void => {
    if (closed) return;
    const current = timers.get(sessionId);
    if (current && current.dueAt <= dueAt) return;
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(() => {
      timers.delete(sessionId);
      params.wake(sessionId).catch((error: unknown) => {
        params.logger.warn('expiry wake-up failed; retrying', { sessionId, error });
        schedule(sessionId, params.clock() + (params.retryMs ?? 1000));
      });
    }, Math.max(0, dueAt - params.clock()));
    timers.set(sessionId, { dueAt, timer });
  };

  return {
    schedule,
    async close() {
      closed = true;
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
