import { FencedWriteError } from '../../../src/errors';
import { batchOf, newSession, outcomes, sharedTransactions, until } from './shared-transactions';

/**
 * What one shared transaction holds (README, "Group commit"): at most one batch per session, in the order they were
 * handed over, at most `maxSessions` of them; and what each session is told when the store's answer leaves it out.
 */
describe('InstanceCommitter: what one transaction holds', () => {
  it('when one session hands over two batches in one turn, then they go in two transactions, the older first', async () => {
    const { committer, transactions } = sharedTransactions({ maxInFlight: 2 });
    const [s1, s2] = [newSession(), newSession()];
    const { seen, track } = outcomes();
    track('s1 first', committer.commit(batchOf(s1, 1)));
    track('s1 second', committer.commit(batchOf(s1, 2)));
    track('s2', committer.commit(batchOf(s2, 1)));
    await until(() => transactions.length === 1);
    expect(transactions[0].batches.map((b) => [b.sessionId, b.version])).toEqual([[s1, 1], [s2, 1]]);

    transactions[0].finish();
    await until(() => transactions.length === 2);
    expect(transactions[1].batches.map((b) => [b.sessionId, b.version])).toEqual([[s1, 2]]);
    expect(seen).toEqual({ 's1 first': 'durable', 's1 second': 'pending', s2: 'durable' });

    transactions[1].finish();
    await until(() => seen['s1 second'] !== 'pending');
    expect(seen['s1 second']).toBe('durable');
  });

  it('when more sessions are ready than one transaction may hold, then the oldest go first and the rest in the next', async () => {
    const sizes: number[] = [];
    const { committer, transactions } = sharedTransactions({ maxInFlight: 1, maxSessions: 2, onTransaction: (n) => sizes.push(n) });
    const sessions = [newSession(), newSession(), newSession()];
    const { seen, track } = outcomes();
    for (const s of sessions) track(s, committer.commit(batchOf(s)));
    await until(() => transactions.length === 1);
    expect(transactions[0].sessions).toEqual(sessions.slice(0, 2));

    transactions[0].finish();
    await until(() => transactions.length === 2);
    expect(transactions[1].sessions).toEqual(sessions.slice(2));
    transactions[1].finish();
    await until(() => Object.values(seen).every((o) => o !== 'pending'));
    expect(Object.values(seen)).toEqual(['durable', 'durable', 'durable']);
    expect(sizes).toEqual([2, 1]);
  });

  it('when one session of a transaction is fenced out, then it alone fails with the store\'s error', async () => {
    const { committer, transactions } = sharedTransactions();
    const [s1, s2] = [newSession(), newSession()];
    const fenced = new FencedWriteError(s2, 1);
    const { seen, track } = outcomes();
    track('s1', committer.commit(batchOf(s1)));
    track('s2', committer.commit(batchOf(s2)));
    await until(() => transactions.length === 1);
    transactions[0].finish([{ ok: true }, { ok: false, error: fenced }]);
    await until(() => seen.s2 !== 'pending');
    expect(seen).toEqual({ s1: 'durable', s2: `failed: ${fenced.message}` });
  });

  it('when the store gives no outcome for a session, then that session fails saying so and the others commit', async () => {
    const { committer, transactions } = sharedTransactions();
    const [s1, s2] = [newSession(), newSession()];
    const { seen, track } = outcomes();
    track('s1', committer.commit(batchOf(s1)));
    track('s2', committer.commit(batchOf(s2)));
    await until(() => transactions.length === 1);
    transactions[0].finish([{ ok: true }]);
    await until(() => seen.s2 !== 'pending');
    expect(seen).toEqual({ s1: 'durable', s2: 'failed: the shared commit gave no outcome for this session' });
  });
});
