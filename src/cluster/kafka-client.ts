import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../logger';

/** Topic names, all under one prefix so that several deployments (or test runs) can share a broker. */
export interface Topics {
  /** Commands forwarded to the instance `instanceId`, read by it alone (key = session id). */
  commandsFor(instanceId: string): string;
  /** Replies to the forwarded commands of the instance `instanceId`, read by it alone. */
  repliesFor(instanceId: string): string;
  /** Domain events for operators, relayed from the outbox (key = session id). */
  readonly events: string;
  /** Expiry timers (key = session id): consumed by whichever instance is alive when they fall due. */
  readonly timers: string;
  /** Messages of the other topics that could not be parsed or handled, with the reason in a header. */
  readonly deadLetters: string;
}

export function topicNames(prefix: string): Topics {
  return {
    commandsFor: (instanceId) => `${prefix}.commands.${instanceId}`,
    repliesFor: (instanceId) => `${prefix}.replies.${instanceId}`,
    events: `${prefix}.events`,
    timers: `${prefix}.timers`,
    deadLetters: `${prefix}.dead-letters`,
  };
}

/** A kafkajs client whose own log lines go through winston. */
export function createKafka(params: { brokers: readonly string[]; clientId: string; logger: Logger }): Kafka {
  const levels: Record<number, string> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  const kafkaLogger = params.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: params.clientId,
    brokers: [...params.brokers],
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...rest } = log;
        kafkaLogger.log(levels[level] ?? 'info', message, rest);
      },
  });
}

/**
 * Creates the shared topics and this instance's own commands and replies topics if they are missing (3 partitions
 * each; one replica on a single broker), and waits until every partition of them has a leader. Instances starting
 * together race to create the shared topics, and a topic just created may not yet be in the metadata: each attempt
 * lists again, creates what is still missing and checks the leaders, for up to `attempts` × 200 ms.
 */
export async function ensureTopics(kafka: Kafka, topics: Topics, instanceId: string, replicationFactor = 1, attempts = 50): Promise<void> {
  const wanted = [topics.events, topics.timers, topics.deadLetters, topics.commandsFor(instanceId), topics.repliesFor(instanceId)];
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 3, replicationFactor })) });
        }
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
        if (metadata.length === wanted.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (error) {
        if (attempt >= attempts) throw error;
      }
      if (attempt >= attempts) throw new Error(`Kafka topics without a leader after ${attempts} attempts: ${wanted.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
