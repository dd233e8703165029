import { randomUUID } from 'node:crypto';
import type { SessionEvent } from '../../../src/domain';
import { gatedCommitter, sessionState, watch } from './gated-group-commits';
import { nextTurn } from './shared-transactions';

/**
 * `idle()` means nothing is queued or in flight, also when it is asked, or a new change is handed over, from inside the
 * answer of a commit: the answers run after the commit is durable but before the changes queued behind it are written.
 */
const sessionId = randomUUID();
const state = sessionState(sessionId);

const change = (): SessionEvent[] => [{ type: 'reservation.cancelled', reservationId: randomUUID(), seatNumbers: [], at: 0 }];

/** A committer whose transactions become durable only when the test opens them, in order. */
const slowStore = () => gatedCommitter({ sessionId, epoch: 1 });

const settle = nextTurn;

describe('GroupCommitter: idle, asked from an answer', () => {
  it('when an answer of a commit asks whether it is idle while later changes are queued, then it waits for those too', async () => {
    const { committer, transactions } = slowStore();
    let idle: { resolved: boolean } | undefined;
    committer.submit(change(), state, () => (idle = watch(committer.idle())));
    committer.submit(change(), state, () => undefined);
    await settle();
    transactions[0].makeDurable();
    await settle();
    expect(idle).toEqual({ resolved: false });
    transactions[1].makeDurable();
    await settle();
    expect(idle).toEqual({ resolved: true });
  });

  it('when an answer of a commit hands over a new change, then a wait begun before lasts until that change is durable', async () => {
    const { committer, transactions } = slowStore();
    committer.submit(change(), state, () => committer.submit(change(), state, () => undefined));
    const idle = watch(committer.idle());
    await settle();
    transactions[0].makeDurable();
    await settle();
    expect(transactions).toHaveLength(2);
    expect(idle.resolved).toBe(false);
    transactions[1].makeDurable();
    await settle();
    expect(idle.resolved).toBe(true);
  });
});
