import Redis from 'ioredis';
import type { Logger } from '../logger';

/**
 * One ioredis client per Redis node. A node that is down must cost a lease or an owner look-up nothing: commands
 * fail at once while a client is disconnected (no offline queue) and time out quickly otherwise.
 */
export function createRedisClients(urls: readonly string[], logger: Logger, commandTimeoutMs = 500): Redis[] {
  return urls.map((url) => {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: commandTimeoutMs,
      retryStrategy: (times) => Math.min(times * 200, 1_000),
    });
    let down = false;
    client.on('error', (error: Error) => {
      if (!down) logger.warn('redis node unreachable', { url, error: error.message });
      down = true;
    });
    client.on('ready', () => {
      if (down) logger.info('redis node back', { url });
      down = false;
    });
    return client;
  });
}

/** Resolves once every client is connected (the offline queue is off, so the first commands need a live link). */
export async function connectedRedisClients(clients: readonly Redis[], timeoutMs = 5_000): Promise<void> {
  const majority = Math.floor(clients.length / 2) + 1;
  const ready = clients.map(
    (c) =>
      new Promise<void>((resolve) => {
        if (c.status === 'ready') resolve();
        else c.once('ready', () => resolve());
      }),
  );
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fewer than ${majority} Redis nodes reachable`)), timeoutMs);
    for (const r of ready) {
      void r.then(() => {
        count += 1;
        if (count >= majority) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/** Healthy while a majority of the nodes answer: that is what Redlock needs. */
export async function redisQuorumCheck(clients: readonly Redis[]): Promise<void> {
  const answers = await Promise.allSettled(clients.map((c) => c.ping()));
  const up = answers.filter((a) => a.status === 'fulfilled').length;
  if (up < Math.floor(clients.length / 2) + 1) throw new Error(`${up} of ${clients.length} Redis nodes answer`);
}

export async function closeRedisClients(clients: readonly Redis[]): Promise<void> {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
}
