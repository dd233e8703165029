import { randomUUID } from 'node:crypto';
import { InstanceCommitter, type InstanceCommitterParams } from '../../../src/actors/instance-committer';
import type { SessionEvent } from '../../../src/domain';
import type { CommitBatch, CommitOutcome } from '../../../src/persistence/seat-state-store';
import { sessionState } from './gated-group-commits';

/** Test helpers for the per-instance group commit: batches handed straight to an InstanceCommitter over a gated store. */

/** A one-event batch of `sessionId`, told apart from the session's other batches by its version. */
export function batchOf(sessionId: string, version = 1): CommitBatch {
  const events: SessionEvent[] = [{ type: 'reservation.cancelled', reservationId: randomUUID(), seatNumbers: [], at: 0 }];
  return { sessionId, epoch: 1, events, state: sessionState(sessionId), version };
}

/** A new session id. */
export const newSession = (): string => randomUUID();

export interface SharedTransaction {
  readonly batches: readonly CommitBatch[];
  /** The sessions of the transaction, in the order their batches were handed over. */
  readonly sessions: readonly string[];
  /** Ends the transaction with the outcomes given (every batch committed if none are given). */
  readonly finish: (outcomes?: readonly CommitOutcome[]) => void;
}

/** An InstanceCommitter whose shared transactions end only when the test says so. */
export function sharedTransactions(params: Omit<InstanceCommitterParams, 'commitTogether'> = {}) {
  const transactions: SharedTransaction[] = [];
  const committer = new InstanceCommitter({
    ...params,
    commitTogether: (batches) =>
      new Promise<readonly CommitOutcome[]>((resolve) => {
        transactions.push({
          batches,
          sessions: batches.map((b) => b.sessionId),
          finish: (outcomes = batches.map(() => ({ ok: true }) as const)) => resolve(outcomes),
        });
      }),
  });
  return { committer, transactions };
}

/** What became of each batch handed over, by name: pending until the shared commit ends. */
export function outcomes() {
  const seen: Record<string, string> = {};
  const track = (name: string, commit: Promise<void>) => {
    seen[name] = 'pending';
    commit.then(
      () => (seen[name] = 'durable'),
      (error: Error) => (seen[name] = `failed: ${error.message}`),
    );
  };
  return { seen, track };
}

/** Lets the callbacks queued so far run: one turn of the event loop. */
export const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Runs `handOver` in a callback of the next turn of the event loop, queued behind the callbacks queued so far. */
export const inNextTurn = (handOver: () => void) => setImmediate(handOver);

/** Waits, turn by turn, until `condition` holds (at most `turns` turns, then fails). */
export async function until(condition: () => boolean, turns = 50): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await nextTurn();
  if (!condition()) throw new Error(`condition still false after ${turns} turns of the event loop`);
}
