import type { KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';

/** Why a message left its topic for the dead letters (the `reason` header; also a label of the metric). */
export type DeadLetterReason = 'unparseable' | 'invalid' | 'unhandled';

export interface DeadLetters {
  /**
   * Copies `message` to `<prefix>.dead-letters` with where it came from and why in headers, and counts it. Resolves
   * once the copy is stored, so the caller can then let its partition move on; rejects if it could not be.
   */
  send(params: { topic: string; partition: number; message: KafkaMessage; reason: DeadLetterReason; detail: string }): Promise<void>;
}

export function createDeadLetters(params: { producer: Producer; topic: string; logger: Logger; metrics: Metrics }): DeadLetters {
  const { producer, topic, logger, metrics } = params;
  return {
    async send({ topic: source, partition, message, reason, detail }) {
      await producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: message.key,
            value: message.value,
            headers: {
              reason,
              detail: detail.slice(0, 500),
              'source-topic': source,
              'source-partition': String(partition),
              'source-offset': message.offset,
            },
          },
        ],
      });
      metrics.deadLetters.inc({ topic: source, reason });
      logger.warn('kafka message moved to the dead letters', { topic: source, partition, offset: message.offset, reason, detail: detail.slice(0, 200) });
    },
  };
}
