import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { start as startActorSystem, stop as stopActor } from 'nact';
import type { Express } from 'express';
import { LRUCache } from 'lru-cache';
import type { DataSource } from 'typeorm';
import { SessionRegistry } from './actors/session-registry';
import { createCinemaService } from './app/cinema';
import type { HealthCheck } from './app/health';
import type { SeatMap, SessionRouter } from './app/ports';
import { createLocalEventBus, type LocalEventBus } from './cluster/local-event-bus';
import { createLocalExpiryScheduler } from './cluster/local-expiry-scheduler';
import type { createClusterPorts as CreateClusterPorts } from './cluster/cluster-ports';
import { createLocalLeaseManager } from './cluster/local-lease-manager';
import { ConfigError, isClusterMode, loadConfig, type Config } from './config';
import { installCrashHandlers } from './crash-handlers';
import { ServiceUnavailableError } from './errors';
import { createApp } from './http/app';
import { metricsApp } from './http/metrics-app';
import { createLogger, createRequestScope, type Logger } from './logger';
import { createMetrics } from './metrics';
import { createAppliedCommandLog } from './persistence/applied-command-log';
import { openDatabase } from './persistence/data-source';
import { createIdempotencyStore } from './persistence/idempotency-store';
import { startIdempotencyPurge } from './persistence/idempotency-purge';
import { startOutboxRelay } from './persistence/outbox-relay';
import { createReservationQueries } from './persistence/reservation-queries';
import { createSaleQueries } from './persistence/sale-queries';
import { createSeatStateStore } from './persistence/seat-state-store';
import { createSessionStore } from './persistence/session-store';
import { createAvailabilityReader } from './readside/availability-reader';
import { createReadModel, type ReadModel } from './readside/read-model';
import { createStreamSlots } from './http/stream-slots';

/** At most this many bytes of idle sessions' seat maps are kept on one instance (some 250 seat maps of 2,000 seats). */
const IDLE_SEAT_MAPS_BYTES = 64 * 1024 * 1024;

/**
 * The cluster adapters (kafkajs, ioredis, Redlock) are loaded only in cluster mode: loading them costs a single
 * instance a third of its start-up (README, "Run it").
 */
async function loadClusterPorts(): Promise<typeof CreateClusterPorts> {
  return (await import('./cluster/cluster-ports')).createClusterPorts;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One running instance of the service: its HTTP app and everything behind it. */
export interface Instance {
  readonly config: Config;
  readonly app: Express;
  readonly logger: Logger;
  readonly dataSource: DataSource;
  readonly registry: SessionRegistry;
  readonly events: LocalEventBus;
  readonly readModel: ReadModel;
  /** Listens on `port` (default: the configured one; 0 picks a free port). */
  listen(port?: number): Promise<Server>;
  /** Graceful stop: refuse new requests, finish commits, release leases, relay the outbox, close. */
  close(): Promise<void>;
}

export interface InstanceOptions {
  readonly logger?: Logger;
  readonly clock?: () => number;
}

/** The composition root: builds every adapter from the config and wires them together. */
export async function createInstance(config: Config, options: InstanceOptions = {}): Promise<Instance> {
  const scope = createRequestScope();
  const logger = options.logger ?? createLogger({ level: config.logLevel, instanceId: config.instanceId, scope });
  const clock = options.clock ?? Date.now;
  const metrics = createMetrics();
  const database = await openDatabase(config.database, {
    log: (level, message, meta) => logger[level](message, meta),
    timeouts: config.databaseTimeouts,
  });
  const { dataSource } = database;

  const appliedCommands = createAppliedCommandLog(dataSource);
  const cluster = isClusterMode(config)
    ? await (await loadClusterPorts())({ config, logger, metrics, clock, appliedCommands })
    : undefined;

  const seatState = createSeatStateStore(dataSource);
  const events = createLocalEventBus({ logger });
  const relay = startOutboxRelay({ dataSource, publisher: cluster?.publisher ?? events, logger, metrics });
  // Idempotency keys older than 24 hours go, 1,000 at a time, every 10 minutes.
  const purge = startIdempotencyPurge({ dataSource, logger, everyMs: 10 * 60_000, batch: 1000 });
  const leases =
    cluster?.leases ??
    createLocalLeaseManager({ instanceId: config.instanceId, onChange: (n) => metrics.leasesHeld.set(n) });
  const system = startActorSystem();

  let router: SessionRouter | undefined;
  const localExpiry = createLocalExpiryScheduler({
    clock,
    logger,
    wake: async (sessionId) => {
      const reply = await (router as SessionRouter).execute(sessionId, { type: 'ExpireDue' });
      if (!reply.ok && 'unavailable' in reply) throw new ServiceUnavailableError(reply.unavailable);
    },
  });
  const expiry = cluster ? cluster.expiry(localExpiry) : localExpiry;
  const registry = new SessionRegistry({
    system,
    store: seatState,
    leases,
    expiry,
    metrics,
    logger,
    clock,
    newId: randomUUID,
    ttlMs: config.reservationTtlMs,
    maxSeats: config.maxSeatsPerReservation,
    extensionMs: config.reservationExtensionMs,
    maxExtensions: config.maxExtensions,
    maxSeatsPerUser: config.maxSeatsPerUserPerSession,
    salesCloseMs: config.salesCloseMs,
    idleMs: config.sessionIdleMs,
    commandTimeoutMs: config.commandTimeoutMs,
    // One instance is the only writer, so idle sessions' seat maps can be kept between reads (see SessionRegistry).
    idleSeatMaps: cluster ? undefined : new LRUCache<string, SeatMap>({ maxSize: IDLE_SEAT_MAPS_BYTES, sizeCalculation: (m) => m.body.length || 1 }),
    onCommitted: () => relay.nudge(),
  });
  router = cluster ? await cluster.start(registry) : registry;

  // Holds that were pending when the last process stopped expire on time (or at once if already due).
  for (const { sessionId, dueAt } of await seatState.pendingExpiries()) expiry.schedule(sessionId, dueAt);

  // The read side (README, "The read side"): every instance keeps the seat maps its clients ask about, from the
  // committed events; in the cluster it follows the events topic from the end it had before any session was loaded.
  let feedLagMs = () => 0;
  const readModel = createReadModel({
    committed: { load: (sessionId) => seatState.read(sessionId) },
    metrics,
    logger,
    clock,
    feedLagMs: () => feedLagMs(),
    maxLagMs: config.readSide.maxLagMs,
    maxSessions: config.readSide.maxSessions,
  });
  if (cluster) {
    const feed = await cluster.followEvents((payload) => readModel.apply(payload));
    feedLagMs = () => feed.lagMs();
  } else {
    events.subscribe((event) => readModel.apply(event.payload));
  }
  const streamSlots = createStreamSlots({ max: config.readSide.maxStreams, metrics });

  const service = createCinemaService({
    sessions: createSessionStore(dataSource),
    reservations: createReservationQueries(dataSource),
    sales: createSaleQueries(dataSource),
    router,
    seatMaps: createAvailabilityReader({ registry, readModel: cluster ? readModel : undefined }),
    clock,
    newId: randomUUID,
    othersReservations: config.auth.mode === 'jwt' ? 'not-found' : 'forbidden',
    salesCloseMs: config.salesCloseMs,
  });
  const healthChecks: HealthCheck[] = [
    { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
    ...(cluster?.healthChecks ?? []),
  ];
  let accepting = true;
  // jose is loaded only when tokens are verified (like the cluster adapters: start-up time in open mode).
  const verifier = config.auth.mode === 'jwt' ? (await import('./auth/jwt-verifier')).createJwtVerifier(config.auth, clock) : undefined;
  const app = createApp({
    service,
    idempotency: createIdempotencyStore(dataSource),
    healthChecks,
    metrics,
    logger,
    scope,
    config: { ...config, metricsOnApiPort: config.metricsPort === undefined },
    verifier,
    rateLimitRedis: cluster?.rateLimitRedis,
    rateLimitPrefix: config.kafkaTopicPrefix,
    isAccepting: () => accepting,
    seatMapStreams: { feed: readModel, slots: streamSlots, heartbeatMs: config.readSide.heartbeatMs },
  });
  if (config.auth.mode === 'open') {
    logger.warn('AUTH_MODE=open: requests are NOT authenticated; any client may act as any user', { auth: 'open' });
  }

  // Commands are re-delivered within seconds; a day of them is kept, then forgotten (like published outbox rows).
  const purgeCommands = setInterval(() => {
    appliedCommands.purge(DAY_MS).catch((error: unknown) => logger.warn('applied-command purge failed; will retry', { error }));
  }, HOUR_MS);
  purgeCommands.unref();

  let server: Server | undefined;
  let metricsServer: Server | undefined;
  let closing: Promise<void> | undefined;
  return {
    config,
    app,
    logger,
    dataSource,
    registry,
    events,
    readModel,
    async listen(port = config.port) {
      if (config.metricsPort !== undefined && !metricsServer) {
        // Prometheus scrapes this port without a token; the load balancer does not expose it.
        metricsServer = await listenOn(metricsApp(metrics), config.metricsPort);
      }
      server = await listenOn(app, port);
      return server;
    },
    close() {
      closing ??= (async () => {
        accepting = false;
        clearInterval(purgeCommands);
        const serverClosed = server
          ? new Promise<void>((resolve) => server?.close(() => resolve()))
          : Promise.resolve();
        server?.closeIdleConnections();
        streamSlots.closeAll(); // followers reconnect (Last-Event-ID) to another instance
        metricsServer?.close();
        metricsServer?.closeIdleConnections();
        await expiry.close();
        await registry.stopAll();
        await serverClosed;
        await relay.drain().catch((error: unknown) => logger.warn('outbox drain on shutdown failed', { error }));
        await relay.stop();
        await purge.stop();
        await leases.close();
        await cluster?.close();
        stopActor(system);
        await database.close();
      })();
      return closing;
    },
  };
}

function listenOn(handler: Express, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = handler.listen(port, '0.0.0.0', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(78);
  }
  const instance = await createInstance(config);
  const server = await instance.listen();
  const address = server.address();
  instance.logger.info('cinema seat service listening', {
    port: typeof address === 'object' && address ? address.port : config.port,
    database: config.database.kind,
    mode: isClusterMode(config) ? 'cluster' : 'single-instance',
    auth: config.auth.mode,
    metricsPort: config.metricsPort,
  });
  let stopping = false;
  const shutdown = (signal: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    instance.logger.info('shutting down', { signal });
    const force = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
    force.unref();
    instance.close().then(
      () => process.exit(exitCode),
      (error: unknown) => {
        instance.logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  installCrashHandlers(process, instance.logger, (reason) => shutdown(reason, 1));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`start-up failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
