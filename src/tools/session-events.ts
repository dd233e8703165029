/**
 * `npm run events -- --session <id> [--follow]`: one session's history from the events topic, one readable line per
 * event (see README, "Following a session"). Reads with a throwaway consumer group that never commits an offset.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { ConfigError, loadEventsToolConfig } from '../config';
import { topicNames } from '../cluster/kafka-client';
import { eventLine } from './event-line';

const USAGE = 'usage: npm run events -- --session <session id> [--follow]   (env: KAFKA_BROKERS, KAFKA_TOPIC_PREFIX)';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { session: { type: 'string' }, follow: { type: 'boolean', default: false } } });
  const sessionId = values.session;
  if (!sessionId || !/^[0-9a-f-]{36}$/i.test(sessionId)) throw new ConfigError([`--session: a session id is required. ${USAGE}`]);
  const config = loadEventsToolConfig();
  const topic = topicNames(config.kafkaTopicPrefix).events;
  const kafka = new Kafka({ clientId: 'cinema-events-tool', brokers: [...config.kafkaBrokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  /** Partitions still to be read up to the end they had when we started (unless following). */
  const remaining = new Map(ends.filter((e) => Number(e.high) > Number(e.low)).map((e) => [e.partition, Number(e.high)]));
  const consumer = kafka.consumer({ groupId: `${topic}.tool.${randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let shown = 0;
  const finish = async () => {
    await consumer.disconnect();
    if (!values.follow) process.stderr.write(`${shown} event(s) for session ${sessionId} on ${topic}\n`);
    process.exit(0);
  };
  process.once('SIGINT', () => void finish());
  if (!values.follow && remaining.size === 0) return finish();
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      if (message.key?.toString() === sessionId && message.value) {
        let payload: unknown;
        try {
          payload = JSON.parse(message.value.toString('utf8'));
        } catch {
          payload = message.value.toString('utf8');
        }
        process.stdout.write(`${eventLine(payload, { partition, offset: message.offset, timestamp: message.timestamp })}\n`);
        shown++;
      }
      const end = remaining.get(partition);
      if (end !== undefined && Number(message.offset) + 1 >= end) remaining.delete(partition);
      // Not awaited: disconnecting waits for this handler to return.
      if (!values.follow && remaining.size === 0) setImmediate(() => void finish());
    },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 64 : 1);
});
