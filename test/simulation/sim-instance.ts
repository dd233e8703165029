import { start as startActorSystem, stop as stopActor } from 'nact';
import type { SessionReply, SessionRequest } from '../../src/actors/protocol';
import { SessionRegistry } from '../../src/actors/session-registry';
import type { SessionRouter } from '../../src/app/ports';
import { createClusterRouter } from '../../src/cluster/cluster-router';
import { createKafkaCommandTransport } from '../../src/cluster/command-transport';
import { createDeadLetters } from '../../src/cluster/dead-letters';
import { topicNames } from '../../src/cluster/kafka-client';
import { createLocalExpiryScheduler } from '../../src/cluster/local-expiry-scheduler';
import { ServiceUnavailableError } from '../../src/errors';
import type { Logger } from '../../src/logger';
import { createMetrics } from '../../src/metrics';
import { processGate, type ProcessGate } from './process-gate';
import type { Random } from './random';
import type { SimBus } from './sim-bus';
import type { SimLeaseStore } from './sim-leases';
import type { SimStore } from './sim-store';

/** The settings every simulated instance runs with (short, so that a few seconds see holds expire and leases move). */
export const SIM_CONFIG = {
  reservationTtlMs: 3_000,
  extensionMs: 1_000,
  maxExtensions: 2,
  maxSeats: 4,
  maxSeatsPerUser: 8,
  idleMs: 1_500,
  commandTimeoutMs: 1_000,
  leaseTtlMs: 1_500,
} as const;

const metrics = createMetrics({ collectDefaults: false });

/** A logger whose warnings and errors go to the run's trace (the real one writes JSON lines to stdout). */
function traceLogger(trace: (line: string) => void, context = ''): Logger {
  const line = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    trace(`${level} ${context}${message}${meta && 'error' in meta ? `: ${String((meta.error as Error)?.message ?? meta.error)}` : ''}`);
  const logger = {
    debug: () => logger,
    info: () => logger,
    warn: line('warn'),
    error: line('error'),
    child: (meta: { sessionId?: string; epoch?: number }) => traceLogger(trace, `${context}[epoch ${meta.epoch ?? '?'}] `),
  };
  return logger as unknown as Logger;
}

export interface SimWorld {
  readonly store: SimStore;
  readonly leases: SimLeaseStore;
  readonly bus: SimBus;
  readonly random: Random;
  readonly trace: (line: string) => void;
}

/** One life of an instance: from its start to its crash. A restart is a new incarnation with the same id. */
export interface Incarnation {
  readonly instanceId: string;
  readonly gate: ProcessGate;
  readonly registry: SessionRegistry;
  readonly skewMs: number;
  /** A client's request as the HTTP layer makes it; rejects with 'connection reset' if the process dies first. */
  request(sessionId: string, request: SessionRequest): Promise<SessionReply>;
  read(sessionId: string): Promise<Buffer>;
  crash(): void;
}

/**
 * Composes one instance as src/main.ts does in cluster mode (real registry, actors, group committer, cluster router,
 * command transport, dead letters, local expiry timers), on the simulated store, leases and bus.
 */
export async function startIncarnation(world: SimWorld, instanceId: string, skewMs: number): Promise<Incarnation> {
  const clock = () => Date.now() + skewMs;
  const gate = processGate();
  // A crashed process says nothing more: what its abandoned objects log is not part of the run's story.
  const logger = traceLogger((line) => gate.crashed || world.trace(`${instanceId}: ${line}`));
  const system = startActorSystem();
  const store = world.store.portFor(gate);
  const leases = world.leases.managerFor(instanceId, gate);
  const kafka = world.bus.clientFor(gate);
  const producer = kafka.producer();
  const topics = topicNames('sim');
  const ids = world.random.fork();
  let router: SessionRouter | undefined;
  const expiry = createLocalExpiryScheduler({
    clock,
    logger,
    wake: async (sessionId) => {
      const reply = await (router as SessionRouter).execute(sessionId, { type: 'ExpireDue' });
      if (!reply.ok && 'unavailable' in reply) throw new ServiceUnavailableError(reply.unavailable);
    },
  });
  const registry = new SessionRegistry({
    system,
    store,
    leases,
    expiry,
    metrics,
    logger,
    clock,
    newId: () => ids.uuid(),
    ttlMs: SIM_CONFIG.reservationTtlMs,
    maxSeats: SIM_CONFIG.maxSeats,
    extensionMs: SIM_CONFIG.extensionMs,
    maxExtensions: SIM_CONFIG.maxExtensions,
    maxSeatsPerUser: SIM_CONFIG.maxSeatsPerUser,
    idleMs: SIM_CONFIG.idleMs,
    commandTimeoutMs: SIM_CONFIG.commandTimeoutMs,
  });
  const transport = createKafkaCommandTransport({
    kafka,
    producer,
    topics,
    instanceId,
    timeoutMs: SIM_CONFIG.commandTimeoutMs,
    logger,
    metrics,
    appliedCommands: store,
    deadLetters: createDeadLetters({ producer, topic: topics.deadLetters, logger, metrics }),
    clock,
  });
  const clusterRouter = createClusterRouter({ registry, leases, transport, instanceId });
  router = clusterRouter;
  await transport.start((sessionId, call, context) => clusterRouter.handle(sessionId, call, context));
  for (const { sessionId, dueAt } of await store.pendingExpiries()) expiry.schedule(sessionId, dueAt);

  const reset = gate.died.then(() => Promise.reject(new ServiceUnavailableError('connection reset')));
  reset.catch(() => undefined);
  const serve = <T>(work: () => Promise<T>): Promise<T> => Promise.race([gate.through(work), reset]);
  return {
    instanceId,
    gate,
    registry,
    skewMs,
    request: (sessionId, request) => serve(() => clusterRouter.execute(sessionId, request)),
    read: (sessionId) => serve(() => clusterRouter.availability(sessionId)),
    crash() {
      gate.crash();
      void expiry.close();
      void leases.close();
      stopActor(system);
    },
  };
}
