import { GroupCommitter } from '../../../src/actors/group-committer';
import { initialState, type SessionState } from '../../../src/domain';
import type { CommitBatch } from '../../../src/persistence/seat-state-store';

/** Test helpers for one session's group commit: a GroupCommitter whose transactions end only when the test says so. */

/** A session of one room with the given seats, its state as loaded before any change. */
export const sessionState = (sessionId: string, seatLabels: readonly string[] = ['A1']): SessionState =>
  initialState({ sessionId, movieName: 'M', startTime: '2030-01-01T00:00:00.000Z', roomNumber: '1', priceCents: 100, seatLabels: [...seatLabels] });

export interface GatedTransaction {
  readonly batch: CommitBatch;
  /** Makes the transaction durable: its changes are answered. */
  readonly makeDurable: () => void;
}

/**
 * A GroupCommitter whose transactions become durable only when the test opens them, in order; `sizes` and `versions`
 * record what it reported of each durable batch. A failed commit is not expected: it throws.
 */
export function gatedCommitter(params: { readonly sessionId: string; readonly epoch: number; readonly version?: number }) {
  const transactions: GatedTransaction[] = [];
  const sizes: number[] = [];
  const versions: number[] = [];
  const committer = new GroupCommitter({
    ...params,
    commit: (batch) => new Promise<void>((resolve) => transactions.push({ batch, makeDurable: resolve })),
    onCommitted: (_state, size, _seconds, version) => {
      sizes.push(size);
      versions.push(version);
    },
    onFailed: (error) => {
      throw error;
    },
  });
  return { committer, transactions, sizes, versions };
}

/** Tracks whether a promise has resolved yet, without waiting for it. */
export function watch(promise: Promise<void>) {
  const seen = { resolved: false };
  void promise.then(() => {
    seen.resolved = true;
  });
  return seen;
}
