import type { Admin } from 'kafkajs';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/**
 * Samples consumer lag (end offset − committed offset, per partition) of the given consumer groups into the
 * kafka_consumer_lag gauge every `everyMs`.
 */
export function startKafkaLagSampler(params: {
  admin: Admin;
  groups: readonly { groupId: string; topic: string }[];
  metrics: Metrics;
  logger: Logger;
  everyMs?: number;
}): { stop(): void } {
  const sample = async () => {
    for (const { groupId, topic } of params.groups) {
      const [ends, [committed]] = await Promise.all([
        params.admin.fetchTopicOffsets(topic),
        params.admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      for (const end of ends) {
        const done = committed?.partitions.find((p) => p.partition === end.partition);
        const at = done && Number(done.offset) >= 0 ? Number(done.offset) : Number(end.low);
        params.metrics.kafkaLag.set({ topic, partition: String(end.partition) }, Math.max(0, Number(end.high) - at));
      }
    }
  };
  const timer = setInterval(() => {
    sample().catch((error: unknown) => params.logger.debug('kafka lag sample failed', { error: String(error) }));
  }, params.everyMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
