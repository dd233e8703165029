import type { Producer } from 'kafkajs';
import type { EventPublisher } from '../app/event-publisher';

/**
 * Publishes outbox events to the events topic as readable JSON, keyed by session id so that one session's
 * history stays in order on one partition. Waits for every in-sync replica (acks = -1) before the outbox
 * marks them published.
 */
export function createKafkaEventPublisher(params: { producer: Producer; topic: string }): EventPublisher {
  return {
    async publish(events) {
      if (events.length === 0) return;
      await params.producer.send({
        topic: params.topic,
        acks: -1,
        messages: events.map((e) => ({
          key: e.sessionId,
          value: JSON.stringify(e.payload),
          headers: { type: e.type, 'outbox-id': e.id },
        })),
      });
    },
  };
}
