/**
 * In-process cluster members for tests that talk to the real broker directly (no OS processes): an instance in
 * cluster mode on a scratch database and a random topic prefix, plus a test producer and a topic reader.
 *
 * No test file here: jest only runs `*.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type IHeaders, type Producer } from 'kafkajs';
import { createScratchDatabase, startInstance } from '../support/test-instance';
import type { Instance } from '../../src/main';
import { deleteTopics, type ClusterEnv } from './harness';

export interface InProcessCluster {
  readonly prefix: string;
  readonly kafka: Kafka;
  readonly producer: Producer;
  /** Starts (or starts again, with the same INSTANCE_ID) member `id`. */
  start(id: string, env?: Record<string, string>): Promise<Instance>;
  /** Every message of `topic` so far, with its headers as strings (after `follow(topic)`). */
  read(topic: string): { value: string; headers: Record<string, string> }[];
  /** Reads `topic` from its beginning from now on, creating it when missing. */
  follow(topic: string): Promise<void>;
  close(): Promise<void>;
}

export async function inProcessCluster(env: ClusterEnv, name: string): Promise<InProcessCluster> {
  const prefix = `ip-${name}-${randomUUID().slice(0, 8)}`;
  const db = await createScratchDatabase();
  const kafka = new Kafka({ clientId: prefix, brokers: [...env.kafkaBrokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  const instances = new Set<Instance>();
  const seen = new Map<string, { value: string; headers: Record<string, string> }[]>();
  const consumers: { disconnect(): Promise<void> }[] = [];
  const text = (headers: IHeaders | undefined) =>
    Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    prefix,
    kafka,
    producer,
    async start(id, extra = {}) {
      const instance = await startInstance(
        { env: { DATABASE_URL: db.url }, cleanup: async () => undefined },
        {
          INSTANCE_ID: id,
          REDIS_URL: env.redisUrl,
          KAFKA_BROKERS: env.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: prefix,
          LEASE_TTL_MS: '3000',
          ...extra,
        },
      );
      instances.add(instance);
      const close = instance.close.bind(instance);
      (instance as { close: () => Promise<void> }).close = async () => {
        instances.delete(instance);
        await close();
      };
      return instance;
    },
    read: (topic) => seen.get(topic) ?? [],
    async follow(topic) {
      // A caller that is not a running instance has no replies topic yet: create it before subscribing.
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }] }).finally(() => admin.disconnect());
      const consumer = kafka.consumer({ groupId: `${prefix}.probe-${randomUUID().slice(0, 6)}`, maxWaitTimeInMs: 50 });
      consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      seen.set(topic, []);
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.get(topic)?.push({ value: message.value?.toString() ?? '', headers: text(message.headers) });
        },
      });
    },
    async close() {
      for (const c of consumers) await c.disconnect().catch(() => undefined);
      for (const i of [...instances]) await i.close().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await db.drop();
      await deleteTopics(env.kafkaBrokers, prefix).catch(() => undefined);
    },
  };
}
