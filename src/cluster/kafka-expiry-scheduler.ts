import type { Kafka, Producer } from 'kafkajs';
import type { ExpiryScheduler, SessionRouter } from '../app/ports';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { Topics } from './kafka-client';
import { startResilientConsumer, type ResilientConsumer } from './resilient-consumer';

interface TimerMessage {
  readonly sessionId: string;
  readonly dueAt: number;
}

/**
 * Durable expiry timers. Each new earliest expiry of a session is also published on the timers topic; the
 * instances share that topic in one consumer group, hold each timer until it falls due and then wake the
 * session (wherever it lives, activating it if nobody owns it). An offset is committed only after its wake-up
 * succeeded, so the timers of an instance that dies are picked up by the others. The local scheduler stays the
 * fast path on the owner; expiry is idempotent, so firing twice is harmless.
 */
export function createKafkaExpiryScheduler(params: {
  kafka: Kafka;
  producer: Producer;
  topics: Topics;
  local: ExpiryScheduler;
  router: () => SessionRouter;
  clock: () => number;
  logger: Logger;
}): ExpiryScheduler & { start(): Promise<void> } {
  const { kafka, producer, topics, local, clock, logger } = params;
  const published = new Map<string, number>();
  const stopping = new AbortController();
  let consumer: ResilientConsumer | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const wakeUp = () => {
        clearTimeout(t);
        stopping.signal.removeEventListener('abort', wakeUp);
        resolve();
      };
      const t = setTimeout(wakeUp, ms);
      stopping.signal.addEventListener('abort', wakeUp, { once: true });
    });

  /** Resolves true once the session was woken; false when stopping first (the offset then stays uncommitted). */
  const wake = async (timer: TimerMessage, heartbeat: () => Promise<void>): Promise<boolean> => {
    while (!stopping.signal.aborted && clock() < timer.dueAt) {
      await pause(Math.min(1_000, timer.dueAt - clock()));
      await heartbeat();
    }
    while (!stopping.signal.aborted) {
      try {
        const reply = await params.router().execute(timer.sessionId, { type: 'ExpireDue' });
        if (reply.ok || !('unavailable' in reply)) return true;
      } catch (error) {
        if (error instanceof NotFoundError) return true;
        logger.debug('expiry wake-up failed; retrying', { sessionId: timer.sessionId, error: String(error) });
      }
      await pause(500);
      await heartbeat();
    }
    return false;
  };

  return {
    schedule(sessionId, dueAt) {
      local.schedule(sessionId, dueAt);
      if (published.get(sessionId) === dueAt) return;
      published.set(sessionId, dueAt);
      if (published.size > 100_000) published.delete(published.keys().next().value as string);
      const value = JSON.stringify({ sessionId, dueAt, due: new Date(dueAt).toISOString() });
      producer
        .send({ topic: topics.timers, acks: -1, messages: [{ key: sessionId, value }] })
        .catch((error: unknown) => logger.warn('could not publish an expiry timer', { sessionId, error: String(error) }));
    },
    async start() {
      consumer = startResilientConsumer({
        kafka,
        logger,
        // A short session so that the timers of a dead instance move to a live one within seconds.
        config: { groupId: topics.timers, sessionTimeout: 6_000, heartbeatInterval: 1_000 },
        topics: [topics.timers],
        fromBeginning: true,
        autoCommit: false,
        partitionsConsumedConcurrently: 3,
        eachMessage: async ({ topic, partition, message, heartbeat }, c) => {
          if (!message.value) return;
          const woken = await wake(JSON.parse(message.value.toString()) as TimerMessage, heartbeat);
          if (woken) await c.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
      await consumer.joined;
    },
    async close() {
      stopping.abort();
      await local.close();
      await consumer?.stop();
    },
  };
}
