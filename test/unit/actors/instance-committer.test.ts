import { GroupCommitter, type CommitFailure } from '../../../src/actors/group-committer';
import { InstanceCommitter } from '../../../src/actors/instance-committer';
import { initialState, type SessionEvent, type SessionState } from '../../../src/domain';
import { FencedWriteError } from '../../../src/errors';
import type { CommitBatch, CommitOutcome } from '../../../src/persistence/seat-state-store';

/**
 * Per-instance group commit: the batches of several sessions' group committers share one transaction, and fencing
 * stays per session: a session fenced out fails alone and stops, the others commit.
 */
const stateOf = (sessionId: string): SessionState =>
  initialState({ sessionId, movieName: 'M', startTime: '2030-01-01T00:00:00.000Z', roomNumber: '1', priceCents: 100, seatLabels: ['A1'] });

const change = (id: string): SessionEvent[] => [{ type: 'reservation.cancelled', reservationId: id, seatNumbers: [], at: 0 }];

/** A store whose shared transactions finish when the test says, each with the outcome it names per session. */
function gatedStore() {
  const transactions: { sessions: string[]; finish: (fenced?: string[]) => void; fail: (error: Error) => void }[] = [];
  const commitTogether = (batches: readonly CommitBatch[]) =>
    new Promise<readonly CommitOutcome[]>((resolve, reject) => {
      transactions.push({
        sessions: batches.map((b) => b.sessionId),
        finish: (fenced = []) =>
          resolve(batches.map((b) => (fenced.includes(b.sessionId) ? { ok: false, error: new FencedWriteError(b.sessionId, b.epoch) } : { ok: true }))),
        fail: reject,
      });
    });
  const sizes: number[] = [];
  const shared = new InstanceCommitter({ commitTogether, maxInFlight: 1, onTransaction: (n) => sizes.push(n) });
  return { shared, transactions, sizes };
}

/** One session's group committer on the shared transactions, recording what it was told. */
function session(shared: InstanceCommitter, sessionId: string) {
  const failures: Error[] = [];
  const committed: number[] = [];
  const committer = new GroupCommitter({
    sessionId,
    epoch: 1,
    commit: (batch) => shared.commit(batch),
    onCommitted: (_s, size) => committed.push(size),
    onFailed: (error) => failures.push(error),
  });
  const outcomes: (CommitFailure | 'durable')[] = [];
  const submit = (id: string) => committer.submit(change(id), stateOf(sessionId), (failure) => outcomes.push(failure ?? 'durable'));
  return { committer, failures, committed, outcomes, submit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('InstanceCommitter', () => {
  it('when two sessions hand over a batch in the same turn, then both go in one transaction', async () => {
    const { shared, transactions, sizes } = gatedStore();
    const a = session(shared, 's1');
    const b = session(shared, 's2');
    a.submit('r1');
    b.submit('r2');
    await settle();
    expect(transactions.map((t) => t.sessions)).toEqual([['s1', 's2']]);
    transactions[0].finish();
    await Promise.all([a.committer.idle(), b.committer.idle()]);
    expect([a.outcomes, b.outcomes]).toEqual([['durable'], ['durable']]);
    expect(sizes).toEqual([2]);
  });

  it('when batches arrive while a transaction is in flight, then they wait and go together in the next one', async () => {
    const { shared, transactions } = gatedStore();
    const a = session(shared, 's1');
    const b = session(shared, 's2');
    const c = session(shared, 's3');
    a.submit('r1');
    await settle();
    b.submit('r2');
    c.submit('r3');
    a.submit('r4');
    await settle();
    expect(transactions.map((t) => t.sessions)).toEqual([['s1']]);
    transactions[0].finish();
    await settle();
    await settle();
    expect(transactions.map((t) => t.sessions)).toEqual([['s1'], ['s2', 's3', 's1']]);
    transactions[1].finish();
    await Promise.all([a.committer.idle(), b.committer.idle(), c.committer.idle()]);
    expect(a.outcomes).toEqual(['durable', 'durable']);
  });

  it('when one session of a transaction is fenced out, then only it fails and stops; the others commit and go on', async () => {
    const { shared, transactions } = gatedStore();
    const a = session(shared, 's1');
    const fenced = session(shared, 's2');
    a.submit('r1');
    fenced.submit('r2');
    await settle();
    transactions[0].finish(['s2']);
    await Promise.all([a.committer.idle(), fenced.committer.idle()]);
    expect(a.outcomes).toEqual(['durable']);
    expect(a.committed).toEqual([1]);
    expect(fenced.outcomes).toEqual([{ error: expect.any(FencedWriteError), applied: 'unknown' }]);
    expect(fenced.failures).toEqual([expect.any(FencedWriteError)]);
    expect(fenced.committed).toEqual([]);

    a.submit('r3');
    fenced.submit('r4');
    await settle();
    expect(transactions.map((t) => t.sessions)).toEqual([['s1', 's2'], ['s1']]);
    expect(fenced.outcomes[1]).toEqual({ error: expect.any(FencedWriteError), applied: false });
    transactions[1].finish();
    await a.committer.idle();
    expect(a.outcomes).toEqual(['durable', 'durable']);
  });

  it('when the outcome of a whole transaction is unknown, then every session in it fails with that error', async () => {
    const { shared, transactions } = gatedStore();
    const a = session(shared, 's1');
    const b = session(shared, 's2');
    a.submit('r1');
    b.submit('r2');
    await settle();
    const lost = new Error('connection lost');
    transactions[0].fail(lost);
    await Promise.all([a.committer.idle(), b.committer.idle()]);
    expect([a.outcomes, b.outcomes]).toEqual([[{ error: lost, applied: 'unknown' }], [{ error: lost, applied: 'unknown' }]]);
    expect([a.failures, b.failures]).toEqual([[lost], [lost]]);
  });
});
