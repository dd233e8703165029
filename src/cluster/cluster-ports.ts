import type { Kafka, Producer } from 'kafkajs';
import Redis from 'ioredis';
import type { SessionRegistry } from '../actors/session-registry';
import type { EventPublisher } from '../app/event-publisher';
import type { HealthCheck } from '../app/health';
import type { ExpiryScheduler, LeaseManager, SessionRouter } from '../app/ports';
import type { Config } from '../config';
import { rateLimitRedisOptions } from '../http/rate-limit';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { createClusterRouter } from './cluster-router';
import type { AppliedCommandLog } from '../persistence/applied-command-log';
import { commandGroup, createKafkaCommandTransport } from './command-transport';
import { createDeadLetters } from './dead-letters';
import { createKafka, ensureTopics, topicNames } from './kafka-client';
import { startKafkaLagSampler } from './kafka-lag';
import { startKafkaEventFeed, type EventFeed } from './kafka-event-feed';
import { createKafkaEventPublisher } from './kafka-event-publisher';
import { createKafkaExpiryScheduler } from './kafka-expiry-scheduler';
import { closeRedisClients, connectedRedisClients, createRedisClients, redisQuorumCheck } from './redis-clients';
import { createRedlockLeaseManager } from './redlock-lease-manager';

/** The adapters of cluster mode: Redlock leases, Kafka between instances, Redis-backed rate limits. */
export interface ClusterPorts {
  readonly leases: LeaseManager;
  readonly publisher: EventPublisher;
  /** A client of its own for the rate-limit counters, with a short command timeout (RATE_LIMIT_REDIS_TIMEOUT_MS). */
  readonly rateLimitRedis: Redis;
  readonly healthChecks: readonly HealthCheck[];
  /** Wraps the local scheduler so that timers also go to Kafka. */
  expiry(local: ExpiryScheduler): ExpiryScheduler;
  /** Follows the events topic from its current end for the read model (every instance reads every partition). */
  followEvents(onEvent: (payload: unknown) => void): Promise<EventFeed>;
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
  const rateLimitRedis = new Redis(config.redisUrls[0], rateLimitRedisOptions(config.rateLimit.redisTimeoutMs));
  rateLimitRedis.on('error', () => undefined); // the limiter falls back to local counting; the lease clients log outages
  const topics = topicNames(config.kafkaTopicPrefix);
  const kafka: Kafka = createKafka({ brokers: config.kafkaBrokers, clientId: config.instanceId, logger });
  await ensureTopics(kafka, topics, config.instanceId);
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
  let events: EventFeed | undefined;
  const admin = kafka.admin();
  await admin.connect();
  const lag = startKafkaLagSampler({
    admin,
    groups: [
      { groupId: topics.timers, topic: topics.timers },
      { groupId: commandGroup(topics, config.instanceId), topic: topics.commandsFor(config.instanceId) },
    ],
    metrics,
    logger,
  });

  return {
    leases,
    publisher: createKafkaEventPublisher({ producer, topic: topics.events }),
    rateLimitRedis,
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
    async followEvents(onEvent) {
      events = await startKafkaEventFeed({
        kafka,
        admin,
        topic: topics.events,
        instanceId: config.instanceId,
        onEvent,
        logger,
        metrics,
        clock,
      });
      return events;
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
      await events?.stop();
      await transport.stop().catch(() => undefined);
      await leases.close();
      await admin.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await closeRedisClients([...redis, rateLimitRedis]);
    },
  };
}
