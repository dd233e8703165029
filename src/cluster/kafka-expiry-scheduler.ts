import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { z } from 'zod';
import type { ExpiryScheduler, SessionRouter } from '../app/ports';
import { NotFoundError } from '../errors';
import type { Logger } from '../logger';
import type { DeadLetters } from './dead-letters';
import { parseEnvelope } from './envelopes';
import type { Topics } from './kafka-client';
import { startResilientConsumer, type ResilientConsumer } from './resilient-consumer';

const TimerSchema = z.object({ sessionId: z.uuid(), dueAt: z.number().int().nonnegative() });
type TimerMessage = z.infer<typeof TimerSchema>;

/** Wake-up attempts of one timer before it is dead-lettered, and the pause between them. */
const WAKE_ATTEMPTS = 5;
const WAKE_RETRY_MS = 500;
const MAX_DELAY_MS = 86_400_000;

/**
 * Durable expiry timers. Each new earliest expiry of a session is also published on the timers topic; the
 * instances share that topic in one consumer group. A timer read from it is armed locally at once and the partition
 * moves on (a timer due in an hour never holds up one due now); the partition's committed offset stays at its
 * oldest timer not yet fired, so the timers of an instance that dies are read again, and armed, by the one that
 * takes its partitions over (firing twice is harmless: expiry is idempotent). A timer that is not a valid message,
 * or whose session cannot be woken after bounded retries, goes to the dead letters. The local scheduler stays the
 * fast path on the owner.
 */
export function createKafkaExpiryScheduler(params: {
  kafka: Kafka;
  producer: Producer;
  topics: Topics;
  local: ExpiryScheduler;
  router: () => SessionRouter;
  clock: () => number;
  logger: Logger;
  deadLetters: DeadLetters;
}): ExpiryScheduler & { start(): Promise<void> } {
  const { kafka, producer, topics, local, clock, logger, deadLetters } = params;
  const published = new Map<string, number>();
  let closed = false;
  const armed = new Set<NodeJS.Timeout>();
  /** Per partition: offsets read and not yet done, and the next offset after the last one read. */
  const books = new Map<number, { outstanding: Set<bigint>; next: bigint }>();
  let consumer: ResilientConsumer | undefined;
  let current: Consumer | undefined;

  const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  /** True once the session was woken (or no longer exists); false after the bounded retries. */
  const wake = async (timer: TimerMessage): Promise<{ ok: boolean; detail: string }> => {
    let detail = '';
    for (let attempt = 1; attempt <= WAKE_ATTEMPTS && !closed; attempt++) {
      try {
        const reply = await params.router().execute(timer.sessionId, { type: 'ExpireDue' });
        if (reply.ok || !('unavailable' in reply)) return { ok: true, detail };
        detail = reply.unavailable;
      } catch (error) {
        if (error instanceof NotFoundError) return { ok: true, detail };
        detail = error instanceof Error ? error.message : String(error);
      }
      logger.debug('expiry wake-up failed; retrying', { sessionId: timer.sessionId, attempt, detail });
      await pause(WAKE_RETRY_MS * attempt);
    }
    return { ok: false, detail };
  };

  /** Commits the partition up to its oldest outstanding timer (or everything read, when none is). */
  const commit = async (partition: number) => {
    const book = books.get(partition);
    if (!book || !current || closed) return;
    let offset = book.next;
    for (const o of book.outstanding) if (o < offset) offset = o;
    await current
      .commitOffsets([{ topic: topics.timers, partition, offset: offset.toString() }])
      .catch((error: unknown) => logger.debug('timer offset commit failed (partition moved?)', { partition, error: String(error) }));
  };

  const done = (partition: number, offset: bigint) => {
    books.get(partition)?.outstanding.delete(offset);
    void commit(partition);
  };

  const arm = (partition: number, message: KafkaMessage, timer: TimerMessage): void => {
    const delay = timer.dueAt - clock();
    if (delay > MAX_DELAY_MS) {
      // Node fires longer timeouts at once: wait in steps.
      const step = setTimeout(() => {
        armed.delete(step);
        if (!closed) arm(partition, message, timer);
      }, MAX_DELAY_MS);
      armed.add(step);
      return;
    }
    const handle = setTimeout(() => {
      armed.delete(handle);
      void wake(timer).then(async ({ ok, detail }) => {
        if (closed) return;
        if (!ok) {
          await deadLetters
            .send({ topic: topics.timers, partition, message, reason: 'unhandled', detail })
            .catch((error: unknown) => logger.warn('could not dead-letter a timer', { error: String(error) }));
        }
        done(partition, BigInt(message.offset));
      });
    }, Math.max(0, delay));
    armed.add(handle);
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
        eachMessage: async ({ partition, message }, c) => {
          current = c;
          const offset = BigInt(message.offset);
          const book = books.get(partition) ?? { outstanding: new Set<bigint>(), next: 0n };
          books.set(partition, book);
          if (offset + 1n > book.next) book.next = offset + 1n;
          const parsed = parseEnvelope(TimerSchema, message.value);
          if (!parsed.ok) {
            await deadLetters.send({ topic: topics.timers, partition, message, reason: parsed.reason, detail: parsed.detail });
            await commit(partition);
            return;
          }
          book.outstanding.add(offset);
          arm(partition, message, parsed.envelope);
        },
      });
      await consumer.joined;
    },
    async close() {
      closed = true;
      for (const handle of armed) clearTimeout(handle);
      armed.clear();
      await local.close();
      await consumer?.stop();
    },
  };
}
