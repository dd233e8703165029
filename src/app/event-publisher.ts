/** A committed domain event on its way to operators (the events topic) and in-process subscribers. */
export interface PublishedEvent {
  /** Position in the outbox: increasing in commit order. */
  readonly id: string;
  readonly sessionId: string;
  readonly type: string;
  readonly payload: Record<string, unknown>;
}

/** Port: where the outbox relay sends committed events. At least once; in commit order per session. */
export interface EventPublisher {
  publish(events: readonly PublishedEvent[]): Promise<void>;
}
