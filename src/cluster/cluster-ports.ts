import type { Store } from 'express-rate-limit';
import type { Kafka, Producer } from 'kafkajs';
import { RedisStore, type RedisReply } from 'rate-limit-redis';
import type Redis from 'ioredis';
import type { SessionRegistry } from '../actors/session-registry';
import type { EventPublisher } from '../app/event-publisher';
import type { HealthCheck } from '../app/health';
import type { ExpiryScheduler, LeaseManager, SessionRouter } from '../app/ports';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createClusterRouter } from './cluster-router';
import type { AppliedCommandLog } from '../persistence/applied-command-log';
import { createKafkaCommandTransport } from './command-transport';
import { createDeadLetters } from './dead-letters';
import { createKafka, ensureTopics, topicNames } from './kafka-client';
import { startKafkaLagSampler } from './kafka-lag';
import { createKafkaEventPublisher } from './kafka-event-publisher';
import { createKafkaExpiryScheduler } from './kafka-expiry-scheduler';
import { closeRedisClients, connectedRedisClients, createRedisClients, redisQuorumCheck } from './redis-clients';
import { createRedlockLeaseManager } from './redlock-lease-manager';

/** The adapters of cluster mode: Redlock leases, Kafka between instances, Redis-backed rate limits. */
export interface ClusterPorts {
  readonly leases: LeaseManager;
  readonly publisher: EventPublisher;
  readonly rateLimitStore: Store;
  readonly healthChecks: readonly HealthCheck[];
  /** Wraps the local scheduler so that timers also go to Kafka. */
  expiry(local: ExpiryScheduler): ExpiryScheduler;
  /** Starts consuming commands and timers; returns the router that forwards to session owners. */
  start(registry: SessionRegistry): Promise<SessionRouter>;
  close(): Promise<void>;
}

export async function createClusterPorts(params: {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  clock: () => number;
  appliedCommands: AppliedCommandLog;
}): Promise<ClusterPorts> {
  const { config, logger, metrics, clock } = params;
  const redis = createRedisClients(config.redisUrls, logger, config.redisCommandTimeoutMs);
  await connectedRedisClients(redis);
  const topics = topicNames(config.kafkaTopicPrefix);
  const kafka: Kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.instanceId, logger });
  await ensureTopics(kafka, topics);
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();

  const leases = createRedlockLeaseManager({
    clients: redis,
    instanceId: config.instanceId,
    ttlMs: config.leaseTtlMs,
    logger,
    onChange: (n) => metrics.leasesHeld.set(n),
  });
  const deadLetters = createDeadLetters({ producer, topic: topics.deadLetters, logger, metrics });
  const transport = createKafkaCommandTransport({
    appliedCommands: params.appliedCommands,
    deadLetters,
    clock,
    kafka,
    producer,
    topics,
    instanceId: config.instanceId,
    timeoutMs: config.commandTimeoutMs,
    logger,
    metrics,
  });
  let router: SessionRouter | undefined;
  let timers: ReturnType<typeof createKafkaExpiryScheduler> | undefined;
  const admin = kafka.admin();
  await admin.connect();
  const lag = startKafkaLagSampler({
    admin,
    groups: [
      { groupId: topics.timers, topic: topics.timers },
      { groupId: `${topics.commands}.${config.instanceId}`, topic: topics.commands },
    ],
    metrics,
    logger,
  });

  return {
    leases,
    publisher: createKafkaEventPublisher({ producer, topic: topics.events }),
    rateLimitStore: rateLimitStore(redis[0], config.kafkaTopicPrefix),
    healthChecks: [
      { name: 'redis', check: () => redisQuorumCheck(redis) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.events] })) },
    ],
    expiry(local) {
      timers = createKafkaExpiryScheduler({
        kafka,
        producer,
        topics,
        local,
        router: () => router as SessionRouter,
        clock,
        logger,
        deadLetters,
      });
      return timers;
    },
    async start(registry) {
      const clusterRouter = createClusterRouter({ registry, leases, transport, instanceId: config.instanceId });
      router = clusterRouter;
      await transport.start((sessionId, call, context) => clusterRouter.handle(sessionId, call, context));
      await timers?.start();
      return clusterRouter;
    },
    async close() {
      lag.stop();
      await transport.stop().catch(() => undefined);
      await leases.close();
      await admin.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await closeRedisClients(redis);
    },
  };
}

/** Rate-limit counters in Redis, shared by every instance. */
function rateLimitStore(client: Redis, prefix: string): Store {
  return new RedisStore({
    prefix: `${prefix}:rl:`,
    sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as Promise<RedisReply>,
  });
}
