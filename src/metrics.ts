import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric the service exports, on a registry of its own (no global default registry: tests run several instances). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly holds: Counter;
  readonly holdsRejected: Counter;
  readonly sales: Counter;
  readonly expiries: Counter;
  readonly cancellations: Counter;
  readonly actorsAlive: Gauge;
  readonly leasesHeld: Gauge;
  readonly commitBatchSize: Histogram;
  readonly commitDuration: Histogram;
  readonly commitSessions: Histogram;
  readonly commitFailures: Counter;
  readonly forwardedCommands: Counter<'outcome'>;
  readonly kafkaLag: Gauge<'topic' | 'partition'>;
  readonly outboxPublished: Counter;
  readonly readModelLag: Gauge;
  readonly readModelStaleness: Histogram;
  readonly readModelFallbacks: Counter;
  readonly readModelSessions: Gauge;
  readonly streamsOpen: Gauge;
  readonly deadLetters: Counter<'topic' | 'reason'>;
  readonly commandsDropped: Counter<'reason'>;
}

export function createMetrics(params: { collectDefaults?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (params.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency, by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    holds: new Counter({ name: 'seat_holds_total', help: 'Reservations created (holds placed)', registers }),
    holdsRejected: new Counter({
      name: 'seat_holds_rejected_total',
      help: 'Reservations refused because a seat was not available',
      registers,
    }),
    sales: new Counter({ name: 'seat_sales_total', help: 'Seats sold', registers }),
    expiries: new Counter({ name: 'reservation_expiries_total', help: 'Reservations expired', registers }),
    cancellations: new Counter({ name: 'reservation_cancellations_total', help: 'Reservations cancelled', registers }),
    actorsAlive: new Gauge({ name: 'session_actors_alive', help: 'Session actors active in this instance', registers }),
    leasesHeld: new Gauge({ name: 'session_leases_held', help: 'Session leases held by this instance', registers }),
    commitBatchSize: new Histogram({
      name: 'commit_batch_size',
      help: 'Changes of one session committed together (its part of one transaction)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers,
    }),
    commitDuration: new Histogram({
      name: 'commit_duration_seconds',
      help: 'Duration of one group commit',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    }),
    commitSessions: new Histogram({
      name: 'commit_sessions_per_transaction',
      help: 'Sessions whose changes shared one transaction (per-instance group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    commitFailures: new Counter({ name: 'commit_failures_total', help: 'Group commits that failed (the actor stopped)', registers }),
    forwardedCommands: new Counter({
      name: 'forwarded_commands_total',
      help: 'Commands forwarded to the owning instance over Kafka, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    kafkaLag: new Gauge({
      name: 'kafka_consumer_lag',
      help: 'Messages behind the end of each partition this instance consumes',
      labelNames: ['topic', 'partition'],
      registers,
    }),
    outboxPublished: new Counter({ name: 'outbox_events_published_total', help: 'Domain events relayed from the outbox', registers }),
    readModelLag: new Gauge({
      name: 'read_model_lag_seconds',
      help: 'Time since the read model last had every event published on the events topic (0 on one instance)',
      registers,
    }),
    readModelStaleness: new Histogram({
      name: 'read_model_staleness_seconds',
      help: 'From the decision of a seat event to its application in this instance’s read model',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    readModelFallbacks: new Counter({
      name: 'read_model_fallbacks_total',
      help: 'Availability reads answered from the committed rows because the read model lagged past its bound',
      registers,
    }),
    readModelSessions: new Gauge({ name: 'read_model_sessions', help: 'Sessions kept in this instance’s read model', registers }),
    streamsOpen: new Gauge({ name: 'availability_streams_open', help: 'Open availability streams (SSE) on this instance', registers }),
    deadLetters: new Counter({
      name: 'kafka_dead_letters_total',
      help: 'Kafka messages moved to the dead-letters topic (unparseable, invalid, or unhandled after retries), by source topic',
      labelNames: ['topic', 'reason'],
      registers,
    }),
    commandsDropped: new Counter({
      name: 'forwarded_commands_dropped_total',
      help: 'Forwarded commands the owner did not run: past their caller\'s deadline, or already applied (answered again)',
      labelNames: ['reason'],
      registers,
    }),
  };
}
