import { batchOf, inNextTurn, newSession, nextTurn, sharedTransactions, until } from './shared-transactions';

/**
 * When a shared transaction starts (README, "Group commit"): in the turn of the event loop after the first batch is
 * handed over, or after a transaction in flight ends, and it takes every batch handed over before it starts. So
 * batches that arrive together go together, even when they come from separate callbacks, and no transaction starts
 * early with only some of them.
 */
describe('InstanceCommitter: when a transaction starts', () => {
  it('when batches are handed over from separate callbacks of one turn while another transaction starts, then they go together', async () => {
    const { committer, transactions } = sharedTransactions({ maxInFlight: 2 });
    const [a, b, c, d] = [newSession(), newSession(), newSession(), newSession()];
    void committer.commit(batchOf(a));
    inNextTurn(() => void committer.commit(batchOf(b)));
    void committer.commit(batchOf(c));
    inNextTurn(() => void committer.commit(batchOf(d)));
    await until(() => transactions.length === 2);
    expect(transactions.map((t) => t.sessions)).toEqual([[a, c], [b, d]]);
  });

  it('when a transaction ends while batches wait, then the batches handed over before the next one starts join it', async () => {
    const { committer, transactions } = sharedTransactions({ maxInFlight: 1 });
    const [a, b, c] = [newSession(), newSession(), newSession()];
    void committer.commit(batchOf(a));
    await until(() => transactions.length === 1);
    void committer.commit(batchOf(b));
    inNextTurn(() => void committer.commit(batchOf(c)));
    transactions[0].finish();
    await until(() => transactions.length === 2);
    expect(transactions[1].sessions).toEqual([b, c]);
  });

  it('when a transaction ends with nothing waiting, then the batches handed over before the next one starts go together', async () => {
    const { committer, transactions } = sharedTransactions({ maxInFlight: 1 });
    const [a, b, c] = [newSession(), newSession(), newSession()];
    void committer.commit(batchOf(a));
    await until(() => transactions.length === 1);
    transactions[0].finish();
    await nextTurn();
    inNextTurn(() => void committer.commit(batchOf(c)));
    void committer.commit(batchOf(b));
    await until(() => transactions.length === 2);
    expect(transactions[1].sessions).toEqual([b, c]);
  });

  it('when every transaction is in flight, then no other starts until one ends', async () => {
    const { committer, transactions } = sharedTransactions({ maxInFlight: 2 });
    const [a, b, c] = [newSession(), newSession(), newSession()];
    void committer.commit(batchOf(a));
    await until(() => transactions.length === 1);
    void committer.commit(batchOf(b));
    await until(() => transactions.length === 2);
    void committer.commit(batchOf(c));
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(transactions).toHaveLength(2);
    transactions[1].finish();
    await until(() => transactions.length === 3);
    expect(transactions[2].sessions).toEqual([c]);
  });
});
