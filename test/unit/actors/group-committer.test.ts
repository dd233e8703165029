import { GroupCommitter, type CommitFailure } from '../../../src/actors/group-committer';
import { initialState, type SessionEvent, type SessionState } from '../../../src/domain';
import type { CommitBatch } from '../../../src/persistence/seat-state-store';

const state: SessionState = initialState({
  sessionId: 's1',
  movieName: 'M',
  startTime: '2026-01-01T00:00:00.000Z',
  roomNumber: '1',
  priceCents: 100,
  seatLabels: ['A1', 'A2', 'A3'],
});

const event = (id: string): SessionEvent => ({ type: 'reservation.cancelled', reservationId: id, seatNumbers: [], at: 0 });

/** A commit function whose transactions finish only when the test says so. */
function gatedCommits() {
  const batches: CommitBatch[] = [];
  const gates: { open: () => void; fail: (e: Error) => void }[] = [];
  const commit = (batch: CommitBatch) =>
    new Promise<void>((resolve, reject) => {
      batches.push(batch);
      gates.push({ open: resolve, fail: reject });
    });
  return { batches, gates, commit };
}

function committer(commit: (b: CommitBatch) => Promise<void>, onFailed: (e: Error) => void = () => undefined) {
  const committed: number[] = [];
  const c = new GroupCommitter({
    sessionId: 's1',
    epoch: 7,
    commit,
    onCommitted: (_s, size) => committed.push(size),
    onFailed,
  });
  return { c, committed };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('GroupCommitter', () => {
  it('when changes arrive while a commit is in flight, then they go together in the next transaction', async () => {
    const { batches, gates, commit } = gatedCommits();
    const { c, committed } = committer(commit);
    const done: string[] = [];
    c.submit([event('r1')], state, () => done.push('r1'));
    c.submit([event('r2')], state, () => done.push('r2'));
    c.submit([event('r3')], state, () => done.push('r3'));
    await flush();
    expect(batches.map((b) => b.events.length)).toEqual([1]);
    gates[0].open();
    await flush();
    expect(done).toEqual(['r1']);
    expect(batches.map((b) => b.events.length)).toEqual([1, 2]);
    expect(batches[1].epoch).toBe(7);
    gates[1].open();
    await c.idle();
    expect(done).toEqual(['r1', 'r2', 'r3']);
    expect(committed).toEqual([1, 2]);
  });

  it('when a refusal follows a pending change, then its answer waits for that change to be durable', async () => {
    const { gates, commit } = gatedCommits();
    const { c } = committer(commit);
    const order: string[] = [];
    c.submit([event('r1')], state, () => order.push('change'));
    c.afterPending(() => order.push('refusal'));
    await flush();
    expect(order).toEqual([]);
    gates[0].open();
    await c.idle();
    expect(order).toEqual(['change', 'refusal']);
  });

  it('when nothing is pending, then an answer without a change leaves at once', () => {
    const { commit } = gatedCommits();
    const { c } = committer(commit);
    const answered = jest.fn();
    c.afterPending(answered);
    expect(answered).toHaveBeenCalledWith();
  });

  it('when a commit fails, then only its changes are of unknown outcome; everything queued behind it was not applied', async () => {
    const { gates, commit } = gatedCommits();
    const failures: Error[] = [];
    const { c } = committer(commit, (e) => failures.push(e));
    const results: [string, unknown][] = [];
    const note = (name: string) => (f?: CommitFailure) => results.push([name, f && { error: f.error, applied: f.applied }]);
    c.submit([event('r1')], state, note('r1'));
    c.afterPending(note('refusal riding on r1'));
    await flush();
    c.submit([event('r2')], state, note('r2 queued'));
    c.afterPending(note('refusal queued'));
    const boom = new Error('disk full');
    gates[0].fail(boom);
    await c.idle();
    c.submit([event('r3')], state, note('r3 later'));
    c.afterPending(note('refusal later'));
    expect(results).toEqual([
      ['r1', { error: boom, applied: 'unknown' }],
      ['refusal riding on r1', { error: boom, applied: false }],
      ['r2 queued', { error: boom, applied: false }],
      ['refusal queued', { error: boom, applied: false }],
      ['r3 later', { error: boom, applied: false }],
      ['refusal later', { error: boom, applied: false }],
    ]);
    expect(failures).toEqual([boom]);
    expect(c.failed).toBe(boom);
  });
});
