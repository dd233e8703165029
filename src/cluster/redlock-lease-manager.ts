import { Redlock, type Lock } from '@sesamecare-oss/redlock';
import type Redis from 'ioredis';
import type { Lease, LeaseManager } from '../app/ports';
import type { Logger } from '../logger';

const RELEASE_OWNER = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Session leases on Redlock (one Redis node or a quorum of several). A lease is extended every third of its TTL;
 * the first extension that fails aborts its signal at once, so the actor stops before another instance can take
 * over. Beside the lock, `owner:<key>` names the holding instance so that others can forward to it.
 */
export function createRedlockLeaseManager(params: {
  clients: readonly Redis[];
  instanceId: string;
  ttlMs: number;
  logger: Logger;
  onChange?: (held: number) => void;
}): LeaseManager {
  const { clients, instanceId, ttlMs, logger } = params;
  const redlock = new Redlock(clients, { retryCount: 0, driftFactor: 0.01 });
  redlock.on('error', () => undefined); // failures surface through acquire/extend results
  const held = new Map<string, { lock: Lock; timer: NodeJS.Timeout; controller: AbortController }>();
  const ownerKey = (key: string) => `owner:${key}`;

  /** Resolves once a majority of the nodes settled: a hung node costs nothing while the others answer. */
  const majority = (operations: Promise<unknown>[]) =>
    new Promise<void>((resolve) => {
      let settled = 0;
      for (const op of operations) {
        void op.catch(() => undefined).then(() => {
          settled += 1;
          if (settled >= Math.floor(operations.length / 2) + 1) resolve();
        });
      }
    });
  const announce = (key: string) => majority(clients.map((c) => c.set(ownerKey(key), instanceId, 'PX', ttlMs)));
  const forget = async (key: string) => {
    await Promise.allSettled(clients.map((c) => c.eval(RELEASE_OWNER, 1, ownerKey(key), instanceId)));
  };

  const drop = (key: string) => {
    const entry = held.get(key);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    held.delete(key);
    params.onChange?.(held.size);
    return entry;
  };

  /**
   * Extensions run every third of the TTL counted from when the previous one started, so a slow node cannot push
   * the next extension past the lock's expiry.
   */
  const scheduleExtension = (key: string, startedAt: number) => {
    const entry = held.get(key);
    if (!entry) return;
    entry.timer = setTimeout(async () => {
      const current = held.get(key);
      if (!current) return;
      const started = Date.now();
      try {
        current.lock = await redlock.extend(current.lock, ttlMs, { retryCount: 2, retryDelay: 100 });
        void announce(key);
        scheduleExtension(key, started);
      } catch (error) {
        logger.warn('lease extension failed; giving the session up', { key, error: String(error) });
        drop(key);
        current.controller.abort(new Error(`lease ${key} lost`));
      }
    }, Math.max(50, startedAt + Math.floor(ttlMs / 3) - Date.now()));
  };

  return {
    async acquire(key) {
      if (held.has(key)) return null;
      let lock: Lock;
      const started = Date.now();
      try {
        lock = await redlock.acquire([key], ttlMs);
      } catch {
        return null;
      }
      const controller = new AbortController();
      held.set(key, { lock, controller, timer: setTimeout(() => undefined, 0) });
      params.onChange?.(held.size);
      scheduleExtension(key, started);
      await announce(key);
      const lease: Lease = {
        signal: controller.signal,
        async release() {
          const entry = held.get(key);
          if (!entry || entry.controller !== controller) return;
          drop(key);
          await forget(key);
          await entry.lock.release().catch((error: unknown) =>
            logger.warn('lease release failed; it will lapse', { key, error: String(error) }),
          );
        },
      };
      return lease;
    },
    async ownerOf(key) {
      if (held.has(key)) return instanceId;
      // The first node that names an owner answers; nobody owns it once a majority said so (the owner writes its
      // name to every node it reaches, a majority at least). A node that is down or hung does not hold the others up.
      return new Promise<string | null>((resolve) => {
        let without = 0;
        const quorum = Math.floor(clients.length / 2) + 1;
        for (const c of clients) {
          c.get(ownerKey(key)).then(
            (owner) => (owner ? resolve(owner) : ++without >= quorum && resolve(null)),
            () => ++without >= quorum && resolve(null),
          );
        }
      });
    },
    async close() {
      for (const key of [...held.keys()]) {
        const entry = drop(key);
        entry?.controller.abort(new Error('shutting down'));
        await forget(key);
        await entry?.lock.release().catch(() => undefined);
      }
    },
  };
}
