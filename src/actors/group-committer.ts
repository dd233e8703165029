import type { SessionEvent, SessionState } from '../domain';
import type { CommitBatch } from '../persistence/seat-state-store';

/**
 * Why a change was not committed. `applied: 'unknown'` only for the changes of the batch whose commit failed (the
 * database may or may not have kept it); every other change was decided on top of state that was never saved, so it
 * surely was not applied and its request may be run again once the session is reactivated.
 */
export interface CommitFailure {
  readonly error: Error;
  readonly applied: false | 'unknown';
}

export type Done = (failure?: CommitFailure) => void;

/** A forwarded command and the answer it gets once its change is durable: recorded in the same commit. */
export interface CommandRecord {
  readonly commandId: string;
  readonly reply: unknown;
}

interface Entry {
  readonly events: readonly SessionEvent[];
  readonly state: SessionState;
  readonly done: Done;
  readonly command?: CommandRecord;
}

/**
 * Group commit for one session. The actor decides in memory and hands each change here without waiting;
 * changes queued while a commit is in flight are committed together in the next transaction, and each one's
 * `done` runs when the transaction holding it is durable. After a failed commit the changes of that batch fail as
 * `applied: 'unknown'`; every answer queued behind it, every change queued after it and every later one fails as
 * `applied: false` (decided on a state that was never saved): the actor must stop, and the next activation recovers
 * from the last commit.
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
  submit(events: readonly SessionEvent[], state: SessionState, done: Done, command?: CommandRecord): void {
    if (this.failure) return done({ error: this.failure, applied: false });
    this.queue.push({ events, state, done, command });
    if (!this.inFlight) void this.flush();
  }

  /** Runs `done` once every change submitted so far is committed: replies never overtake the writes before them. */
  afterPending(done: Done): void {
    if (this.failure) return done({ error: this.failure, applied: false });
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
    for (const entry of pending) entry.done({ error, applied: false });
    // Stryker disable next-line BooleanLiteral,ConditionalExpression: with nothing in flight, idle waiters exist only while a flush hands out answers, and that flush settles them before it yields
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
            commands: batch.flatMap((e) => (e.command ? [e.command] : [])),
          });
        }
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        this.inFlight = undefined;
        // Answers that rode on this batch (refusals, no-ops) were decided on its unsaved state: not applied.
        for (const entry of batch) entry.done({ error: failure, applied: entry.events.length > 0 ? 'unknown' : false });
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
