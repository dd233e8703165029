import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** The events topic as this instance's read model follows it. */
export interface EventFeed {
  /** Milliseconds since this instance last had every message published on the topic (Infinity before the first time). */
  lagMs(): number;
  stop(): Promise<void>;
}

/**
 * Reads every partition of the events topic from the end it had at start-up and hands each payload to `onEvent`.
 * Positions are kept here, not in Kafka: the consumer group (one per instance, for the broker's fetch protocol) never
 * commits an offset; a consumer that kafkajs gives up on is
 * replaced and resumes from the same positions, so no message is skipped. The lag is sampled against the topic's end
 * offsets every `sampleEveryMs`.
 */
export async function startKafkaEventFeed(params: {
  kafka: Kafka;
  admin: Admin;
  topic: string;
  instanceId: string;
  onEvent: (payload: unknown) => void;
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
  sampleEveryMs?: number;
}): Promise<EventFeed> {
  const { kafka, admin, topic, logger, metrics, clock } = params;
  const positions = new Map<number, number>();
  // A topic another instance has just created may not have its leaders yet: retry for a while.
  for (let attempt = 0; ; attempt++) {
    try {
      for (const end of await admin.fetchTopicOffsets(topic)) positions.set(end.partition, Number(end.high));
      break;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  let caughtUpAt: number | undefined;
  let stopped = false;
  let current: Consumer | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  // One group per instance, named after its stable INSTANCE_ID: a restart rejoins it rather than leaving one behind.
  const groupId = `${topic}.view.${params.instanceId}`;

  const launch = async (): Promise<void> => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
    current = consumer;
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || stopped) return;
      logger.warn('events consumer crashed; replacing it', { error: String(event.payload.error) });
      scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        positions.set(partition, Number(message.offset) + 1);
        if (!message.value) return;
        let payload: unknown;
        try {
          payload = JSON.parse(message.value.toString('utf8'));
        } catch {
          logger.warn('events topic: a message that is not JSON was skipped', { partition, offset: message.offset });
          return;
        }
        params.onEvent(payload);
      },
    });
    for (const [partition, offset] of positions) consumer.seek({ topic, partition, offset: String(offset) });
  };

  const scheduleRestart = () => {
    if (stopped || restartTimer) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      const old = current;
      void (old ? old.disconnect().catch(() => undefined) : Promise.resolve()).then(launch).catch((error: unknown) => {
        logger.warn('events consumer could not start; retrying', { error: String(error) });
        scheduleRestart();
      });
    }, 1_000);
  };

  const sample = async () => {
    const startedAt = clock();
    const ends = await admin.fetchTopicOffsets(topic);
    let behind = 0;
    for (const end of ends) {
      const lag = Math.max(0, Number(end.high) - (positions.get(end.partition) ?? Number(end.high)));
      metrics.kafkaLag.set({ topic, partition: String(end.partition) }, lag);
      behind += lag;
    }
    if (behind === 0) caughtUpAt = startedAt;
    metrics.readModelLag.set(caughtUpAt === undefined ? -1 : (clock() - caughtUpAt) / 1000);
  };
  const sampler = setInterval(() => {
    sample().catch((error: unknown) => logger.debug('events lag sample failed', { error: String(error) }));
  }, params.sampleEveryMs ?? 250);
  sampler.unref();

  // Not awaited: joining can take seconds on a busy broker, and until the feed has caught up reads fall back anyway.
  launch().catch((error: unknown) => {
    logger.warn('events consumer could not start; retrying', { error: String(error) });
    scheduleRestart();
  });

  return {
    lagMs: () => (caughtUpAt === undefined ? Number.POSITIVE_INFINITY : clock() - caughtUpAt),
    async stop() {
      stopped = true;
      clearInterval(sampler);
      if (restartTimer) clearTimeout(restartTimer);
      await current?.disconnect().catch(() => undefined);
    },
  };
}
