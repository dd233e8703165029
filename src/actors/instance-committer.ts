import type { CommitBatch, CommitOutcome } from '../persistence/seat-state-store';

interface Waiting {
  readonly batch: CommitBatch;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export interface InstanceCommitterParams {
  /** Commits several sessions' batches in one transaction, fenced per session (SeatStateStore.commitTogether). */
  readonly commitTogether: (batches: readonly CommitBatch[]) => Promise<readonly CommitOutcome[]>;
  /** Transactions in flight at once (default 2): batches arriving while all are busy wait and go together. */
  readonly maxInFlight?: number;
  /** Sessions in one transaction at most (default 64). */
  readonly maxSessions?: number;
  /** Called with the number of sessions of each transaction. */
  readonly onTransaction?: (sessions: number) => void;
}

/**
 * Per-instance group commit (README, "Group commit"): each session's GroupCommitter hands its batch here, and the
 * batches of several sessions that are ready at the same time share one transaction. Batches handed over in the same
 * turn of the event loop go together; while `maxInFlight` transactions are in flight, the rest wait and go together in
 * the next one. Fencing stays per session: a session fenced out (or whose own rows fail) is rejected alone and the
 * other sessions of its transaction commit. When the outcome of the whole transaction is unknown, every batch in it
 * is rejected with that error.
 */
export class InstanceCommitter {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxInFlight: number;
  private readonly maxSessions: number;

  constructor(private readonly params: InstanceCommitterParams) {
    this.maxInFlight = params.maxInFlight ?? 2;
    this.maxSessions = params.maxSessions ?? 64;
  }

  /** Resolves when `batch` is durable; rejects with the reason it was not committed (or may not have been). */
  commit(batch: CommitBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ batch, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: never true (schedule() queues one flush at a time, only with a free slot and a batch waiting, and only a flush takes either), so weakening it is equivalent; this also hides its '<' and '!==' mutants, which the tests kill
    if (this.inFlight >= this.maxInFlight || this.waiting.length === 0) return;
    const taken = this.takeOnePerSession();
    this.inFlight += 1;
    this.params.onTransaction?.(taken.length);
    try {
      const outcomes = await this.params.commitTogether(taken.map((w) => w.batch));
      taken.forEach((w, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) w.resolve();
        else w.reject(outcome ? outcome.error : new Error('the shared commit gave no outcome for this session'));
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const w of taken) w.reject(failure);
    } finally {
      this.inFlight -= 1;
      this.schedule();
    }
  }

  /** The oldest waiting batches, at most one per session and `maxSessions` in all. */
  private takeOnePerSession(): Waiting[] {
    const taken: Waiting[] = [];
    const rest: Waiting[] = [];
    const sessions = new Set<string>();
    for (const w of this.waiting) {
      if (taken.length < this.maxSessions && !sessions.has(w.batch.sessionId)) {
        sessions.add(w.batch.sessionId);
        taken.push(w);
      } else {
        rest.push(w);
      }
    }
    this.waiting = rest;
    return taken;
  }
}
