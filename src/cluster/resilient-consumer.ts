import type { Consumer, ConsumerConfig, EachMessagePayload, Kafka } from 'kafkajs';
import type { Logger } from '../logger';

export interface ResilientConsumer {
  /** Resolves when the consumer first joined its group. */
  readonly joined: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A kafkajs consumer that comes back by itself. kafkajs restarts after retriable errors, but a crash it calls
 * non-retriable (e.g. "Failed to find group coordinator" after a broker restart) ends the consumer for good;
 * here a fresh consumer replaces it after `restartDelayMs`.
 */
export function startResilientConsumer(params: {
  kafka: Kafka;
  config: ConsumerConfig;
  topics: readonly string[];
  fromBeginning: boolean;
  autoCommit?: boolean;
  partitionsConsumedConcurrently?: number;
  eachMessage: (payload: EachMessagePayload, consumer: Consumer) => Promise<void>;
  logger: Logger;
  restartDelayMs?: number;
  /** Called with each consumer launched (the first and every replacement), e.g. to listen to its instrumentation. */
  instrument?: (consumer: Consumer) => void;
}): ResilientConsumer {
  const { kafka, logger } = params;
  let current: Consumer | undefined;
  let stopped = false;
  let restartTimer: NodeJS.Timeout | undefined;
  let markJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => (markJoined = resolve));

  const launch = async (): Promise<void> => {
    const consumer = kafka.consumer(params.config);
    current = consumer;
    params.instrument?.(consumer);
    consumer.on(consumer.events.GROUP_JOIN, () => markJoined());
    consumer.on(consumer.events.CRASH, (event) => {
      if (event.payload.restart || stopped) return;
      logger.warn('kafka consumer crashed; replacing it', { groupId: params.config.groupId, error: String(event.payload.error) });
      scheduleRestart();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...params.topics], fromBeginning: params.fromBeginning });
    await consumer.run({
      autoCommit: params.autoCommit ?? true,
      partitionsConsumedConcurrently: params.partitionsConsumedConcurrently ?? 1,
      eachMessage: (payload) => params.eachMessage(payload, consumer),
    });
  };

  const scheduleRestart = () => {
    if (stopped || restartTimer) return;
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      const old = current;
      void (old ? old.disconnect().catch(() => undefined) : Promise.resolve())
        .then(launch)
        .catch((error: unknown) => {
          logger.warn('kafka consumer could not start; retrying', { groupId: params.config.groupId, error: String(error) });
          scheduleRestart();
        });
    }, params.restartDelayMs ?? 1_000);
  };

  launch().catch((error: unknown) => {
    logger.warn('kafka consumer could not start; retrying', { groupId: params.config.groupId, error: String(error) });
    scheduleRestart();
  });

  return {
    joined,
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await current?.disconnect().catch(() => undefined);
    },
  };
}
