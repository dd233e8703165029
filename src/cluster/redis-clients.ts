import Redis from 'ioredis';

/** One ioredis client per Redis node; they fail fast instead of queueing commands while a node is down. */
export function createRedisClients(urls: readonly string[]): Redis[] {
  return urls.map(
    (url) =>
      new Redis(url, {
        lazyConnect: false,
        enableOfflineQueue: true,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        commandTimeout: 2_000,
        retryStrategy: (times) => Math.min(times * 200, 2_000),
      }),
  );
}

export async function closeRedisClients(clients: readonly Redis[]): Promise<void> {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
}
