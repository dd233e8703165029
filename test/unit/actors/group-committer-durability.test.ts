import { GroupCommitter, type CommitFailure } from '../../../src/actors/group-committer';
import type { SessionEvent, SessionState } from '../../../src/domain';
import { gatedCommitter, sessionState, watch } from './gated-group-commits';
import { nextTurn } from './shared-transactions';

/**
 * What the session actor relies on: a reply never leaves before every write decided before it is durable, the lease
 * is released only when nothing is left to write, and only real changes are written and counted.
 */
const state = sessionState('s1', ['A1', 'A2', 'A3']);

const change = (id: string): SessionEvent[] => [{ type: 'reservation.cancelled', reservationId: id, seatNumbers: [], at: 0 }];

/** A store whose transactions become durable only when the test opens them, in order. */
const slowStore = () => gatedCommitter({ sessionId: 's1', epoch: 3 });

/** Lets every promise callback and I/O callback queued so far run. */
const settle = nextTurn;

describe('GroupCommitter: durability before replies', () => {
  it('when a refusal follows a change queued behind a commit in flight, then its answer waits for that queued change too', async () => {
    const { committer, transactions } = slowStore();
    const answered: string[] = [];
    committer.submit(change('r1'), state, () => answered.push('r1 written'));
    committer.submit(change('r2'), state, () => answered.push('r2 written'));
    committer.afterPending(() => answered.push('refusal'));
    await settle();
    transactions[0].makeDurable();
    await settle();
    expect(answered).toEqual(['r1 written']);
    transactions[1].makeDurable();
    await settle();
    expect(answered).toEqual(['r1 written', 'r2 written', 'refusal']);
  });

  it('when a refusal comes while only a commit is in flight, then its answer leaves with that commit, not before', async () => {
    const { committer, transactions } = slowStore();
    const answered: string[] = [];
    committer.submit(change('r1'), state, () => answered.push('r1 written'));
    committer.afterPending(() => answered.push('refusal'));
    await settle();
    expect(answered).toEqual([]);
    transactions[0].makeDurable();
    await settle();
    expect(answered).toEqual(['r1 written', 'refusal']);
    expect(transactions).toHaveLength(1);
  });
});

describe('GroupCommitter: idle', () => {
  it('when nothing was ever submitted, then it is idle at once', async () => {
    const { committer } = slowStore();
    await expect(committer.idle()).resolves.toBeUndefined();
  });

  it('when a commit is in flight and another is queued, then it is idle only once both are durable', async () => {
    const { committer, transactions } = slowStore();
    committer.submit(change('r1'), state, () => undefined);
    committer.submit(change('r2'), state, () => undefined);
    const idle = watch(committer.idle());
    await settle();
    expect(idle.resolved).toBe(false);
    transactions[0].makeDurable();
    await settle();
    expect(idle.resolved).toBe(false);
    transactions[1].makeDurable();
    await settle();
    expect(idle.resolved).toBe(true);
  });

  it('when it has gone idle and a new change arrives, then a new wait lasts until that change is durable', async () => {
    const { committer, transactions } = slowStore();
    committer.submit(change('r1'), state, () => undefined);
    await settle();
    transactions[0].makeDurable();
    await committer.idle();
    committer.submit(change('r2'), state, () => undefined);
    const idle = watch(committer.idle());
    await settle();
    expect(idle.resolved).toBe(false);
    transactions[1].makeDurable();
    await settle();
    expect(idle.resolved).toBe(true);
  });
});

describe('GroupCommitter: only real changes are written and counted', () => {
  it('when only answers without changes are queued, then nothing is written or counted and each answer still leaves', async () => {
    const { committer, transactions, sizes } = slowStore();
    const answered: (Error | undefined)[] = [];
    committer.submit([], state, (failure) => answered.push(failure?.error));
    committer.submit([], state, (failure) => answered.push(failure?.error));
    await committer.idle();
    expect(answered).toEqual([undefined, undefined]);
    expect(transactions).toHaveLength(0);
    expect(sizes).toEqual([]);
  });

  it('when a batch mixes changes and answers without changes, then the batch size counts the changes only', async () => {
    const { committer, transactions, sizes } = slowStore();
    committer.submit(change('r1'), state, () => undefined);
    committer.afterPending(() => undefined);
    committer.submit(change('r2'), state, () => undefined);
    committer.afterPending(() => undefined);
    committer.submit([], state, () => undefined);
    committer.submit(change('r3'), state, () => undefined);
    await settle();
    transactions[0].makeDurable();
    await settle();
    transactions[1].makeDurable();
    await committer.idle();
    expect(transactions.map((t) => t.batch.events.map((e) => ('reservationId' in e ? e.reservationId : e.type)))).toEqual([['r1'], ['r2', 'r3']]);
    expect(sizes).toEqual([1, 2]);
  });

  it('when a batch is written, then it carries the session, the epoch and the newest state of the batch', async () => {
    const { committer, transactions } = slowStore();
    const newer: SessionState = { ...state, taken: new Map([['A1', { reservationId: 'r3', status: 'RESERVED' as const }]]) };
    committer.submit(change('r1'), state, () => undefined);
    committer.submit(change('r2'), state, () => undefined);
    committer.submit(change('r3'), newer, () => undefined);
    await settle();
    transactions[0].makeDurable();
    await settle();
    expect(transactions[1].batch).toMatchObject({ sessionId: 's1', epoch: 3 });
    expect(transactions[1].batch.state).toBe(newer);
    transactions[1].makeDurable();
    await committer.idle();
  });
});

describe('GroupCommitter: what it reports of a commit', () => {
  it('when a batch is durable, then the time it took is reported in seconds, within the time the test saw pass', async () => {
    const seconds: number[] = [];
    let makeDurable = () => undefined as void;
    const committer = new GroupCommitter({
      sessionId: 's1',
      epoch: 1,
      commit: () => new Promise<void>((resolve) => (makeDurable = resolve)),
      onCommitted: (_state, _size, took) => seconds.push(took),
      onFailed: (error) => {
        throw error;
      },
    });
    const before = performance.now();
    committer.submit(change('r1'), state, () => undefined);
    await settle();
    makeDurable();
    await committer.idle();
    const elapsedSeconds = (performance.now() - before) / 1000;
    expect(seconds).toHaveLength(1);
    expect(seconds[0]).toBeGreaterThanOrEqual(0);
    expect(seconds[0]).toBeLessThanOrEqual(elapsedSeconds);
  });
});

describe('GroupCommitter: abort', () => {
  it('when aborted while a commit is in flight, then queued changes fail at once, later ones too, and idle waits for the commit in flight', async () => {
    const { committer, transactions } = slowStore();
    const outcome: Record<string, string> = {};
    const record = (id: string) => (failure?: CommitFailure) => (outcome[id] = failure ? failure.error.message : 'written');
    committer.submit(change('r1'), state, record('r1'));
    committer.submit(change('r2'), state, record('r2'));
    await settle();
    committer.abort(new Error('lease lost'));
    committer.submit(change('r3'), state, record('r3'));
    expect(outcome).toEqual({ r2: 'lease lost', r3: 'lease lost' });
    const idle = watch(committer.idle());
    await settle();
    expect(idle.resolved).toBe(false);
    transactions[0].makeDurable();
    await settle();
    expect(idle.resolved).toBe(true);
    expect(transactions).toHaveLength(1);
    expect(committer.failed?.message).toBe('lease lost');
  });

  it('when aborted twice, then the first reason stands', () => {
    const { committer } = slowStore();
    committer.abort(new Error('lease lost'));
    committer.abort(new Error('shutting down'));
    const answers: (string | undefined)[] = [];
    committer.submit(change('r1'), state, (failure) => answers.push(failure?.error.message));
    committer.afterPending((failure) => answers.push(failure?.error.message));
    expect(answers).toEqual(['lease lost', 'lease lost']);
  });
});
