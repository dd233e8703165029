import { randomUUID } from 'node:crypto';
import type { SessionEvent } from '../../../src/domain';
import { gatedCommitter, sessionState } from './gated-group-commits';
import { nextTurn } from './shared-transactions';

/**
 * What a batch carries besides its events: the session's version after it (README, "The read side": each event counts
 * one) and the forwarded commands whose changes it holds, recorded in the same commit (applied-command-log.ts).
 */
const sessionId = randomUUID();
const state = sessionState(sessionId, ['A1', 'A2']);

const changes = (count: number): SessionEvent[] =>
  Array.from({ length: count }, () => ({ type: 'reservation.cancelled', reservationId: randomUUID(), seatNumbers: [], at: 0 }));

/** A committer starting from `version`, whose transactions become durable only when the test opens them. */
const committerFrom = (version: number) => gatedCommitter({ sessionId, epoch: 2, version });

const settle = nextTurn;

describe('GroupCommitter: the version a batch carries', () => {
  it('when batches are committed, then each carries the version after its events, counted on from the one it started from', async () => {
    const { committer, transactions, versions } = committerFrom(5);
    committer.submit(changes(2), state, () => undefined);
    committer.submit(changes(1), state, () => undefined);
    committer.submit(changes(3), state, () => undefined);
    await settle();
    expect(transactions.map((t) => t.batch.version)).toEqual([7]);
    expect(committer.committedVersion).toBe(5);
    transactions[0].makeDurable();
    await settle();
    expect(committer.committedVersion).toBe(7);
    expect(transactions.map((t) => t.batch.version)).toEqual([7, 11]);
    transactions[1].makeDurable();
    await committer.idle();
    expect(committer.committedVersion).toBe(11);
    expect(versions).toEqual([7, 11]);
  });
});

describe('GroupCommitter: the commands a batch carries', () => {
  it('when changes of a batch came from forwarded commands, then the batch records those commands and their answers only', async () => {
    const { committer, transactions } = committerFrom(0);
    const hold = { commandId: randomUUID(), reply: { ok: true, held: 'A1' } };
    const confirm = { commandId: randomUUID(), reply: { ok: true, confirmed: true } };
    committer.submit(changes(1), state, () => undefined);
    committer.submit(changes(1), state, () => undefined, hold);
    committer.submit(changes(1), state, () => undefined);
    committer.submit(changes(1), state, () => undefined, confirm);
    await settle();
    expect(transactions[0].batch.commands).toEqual([]);
    transactions[0].makeDurable();
    await settle();
    expect(transactions[1].batch.commands).toEqual([hold, confirm]);
    transactions[1].makeDurable();
    await committer.idle();
  });
});
