import type { SessionEvent, SessionState } from '../domain';
import type { CommitBatch } from '../persistence/seat-state-store';

type Done = (error?: Error) => void;

interface Entry {
  readonly events: readonly SessionEvent[];
  readonly state: SessionState;
  readonly done: Done;
}

/**
 * Group commit for one session. The actor decides in memory and hands each change here without waiting;
 * changes queued while a commit is in flight are committed together in the next transaction, and each one's
 * `done` runs when the transaction holding it is durable. After a failed commit every pending and later change
 * fails with the same error: the actor must stop and the next activation recovers from the last commit.
 */
export class GroupCommitter {
  private queue: Entry[] = [];
  private inFlight: Entry[] | undefined;
  private failure: Error | undefined;
  private idleWaiters: (() => void)[] = [];
  /** The session's version: the number of events committed so far (see README, "The read side"). */
  private version: number;

  constructor(
    private readonly params: {
      readonly sessionId: string;
      readonly epoch: number;
      /** The committed version this owner starts from (0 for a new session). */
      readonly version?: number;
      readonly commit: (batch: CommitBatch) => Promise<void>;
      readonly onCommitted: (state: SessionState, batchSize: number, seconds: number, version: number) => void;
      readonly onFailed: (error: Error) => void;
    },
  ) {
    this.version = params.version ?? 0;
  }

  /** The version of the last committed state. */
  get committedVersion(): number {
    return this.version;
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues a change; `done` runs once it is committed (or with the error that stopped the session). */
  submit(events: readonly SessionEvent[], state: SessionState, done: Done): void {
    if (this.failure) return done(this.failure);
    this.queue.push({ events, state, done });
    if (!this.inFlight) void this.flush();
  }

  /** Runs `done` once every change submitted so far is committed: replies never overtake the writes before them. */
  afterPending(done: Done): void {
    if (this.failure) return done(this.failure);
    const last = this.queue[this.queue.length - 1];
    if (last) {
      this.queue.push({ events: [], state: last.state, done });
    } else if (this.inFlight) {
      const tail = this.inFlight[this.inFlight.length - 1];
      this.inFlight.push({ events: [], state: tail.state, done });
    } else {
      done();
    }
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Fails everything pending with `error` and refuses further changes. */
  abort(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const pending = this.queue.splice(0);
    for (const entry of pending) entry.done(error);
    if (!this.inFlight) this.settleIdle();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0 && !this.failure) {
      const batch = this.queue.splice(0);
      this.inFlight = batch;
      const events = batch.flatMap((e) => e.events);
      const started = performance.now();
      const version = this.version + events.length;
      try {
        if (events.length > 0) {
          await this.params.commit({
            sessionId: this.params.sessionId,
            epoch: this.params.epoch,
            events,
            state: batch[batch.length - 1].state,
            version,
          });
        }
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.inFlight = undefined;
        for (const entry of batch) entry.done(failure);
        this.abort(failure);
        this.params.onFailed(failure);
        this.settleIdle();
        return;
      }
      this.inFlight = undefined;
      this.version = version;
      // `batch` may have grown while in flight (afterPending); those entries ride on this commit.
      const changes = batch.filter((e) => e.events.length > 0).length;
      if (changes > 0) {
        this.params.onCommitted(batch[batch.length - 1].state, changes, (performance.now() - started) / 1000, version);
      }
      for (const entry of batch) entry.done();
    }
    this.settleIdle();
  }

  private settleIdle(): void {
    if (this.inFlight || this.queue.length > 0) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}
