import type { DataSource } from 'typeorm';
import { createLogger, createRequestScope } from '../../src/logger';
import { openDataSource } from '../../src/persistence/data-source';
import { purgeIdempotencyKeys, startIdempotencyPurge } from '../../src/persistence/idempotency-purge';
import { createTestStore, eventually, storages, type TestStore } from '../support/test-instance';
import { uid } from './helpers';

describe.each(storages())('the purge of idempotency keys on %s', (storage) => {
  let store: TestStore;
  let dataSource: DataSource;

  beforeAll(async () => {
    store = await createTestStore(storage);
    dataSource = await openDataSource({ url: store.env.DATABASE_URL });
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await store?.cleanup();
  });

  /** Inserts keys under a fresh scope, `hoursAgo` old, and answers the scope. */
  async function keys(count: number, hoursAgo: number, scope = uid('scope')): Promise<string> {
    for (let i = 0; i < count; i++) {
      await dataSource.query(
        `INSERT INTO idempotency_keys (scope, key, fingerprint, state, created_at)
         VALUES ($1, $2, 'f', 'done', now() - make_interval(hours => $3))`,
        [scope, `k${i}`, hoursAgo],
      );
    }
    return scope;
  }
  const left = async (scope: string) =>
    Number((await dataSource.query(`SELECT count(*) AS n FROM idempotency_keys WHERE scope = $1`, [scope]))[0].n);

  it('deletes keys older than 24 hours in bounded batches, oldest first, and keeps younger ones', async () => {
    await dataSource.query('DELETE FROM idempotency_keys');
    const old = await keys(5, 25);
    const young = await keys(3, 23);
    expect(await purgeIdempotencyKeys(dataSource, { batch: 2 })).toBe(2);
    expect(await left(old)).toBe(3);
    expect(await purgeIdempotencyKeys(dataSource, { batch: 2 })).toBe(2);
    expect(await purgeIdempotencyKeys(dataSource, { batch: 2 })).toBe(1);
    expect(await purgeIdempotencyKeys(dataSource, { batch: 2 })).toBe(0);
    expect(await left(old)).toBe(0);
    expect(await left(young)).toBe(3);
  });

  it('runs periodically until every old key is gone, batch after batch, and stops cleanly', async () => {
    const old = await keys(7, 48);
    const young = await keys(2, 1);
    const scope = createRequestScope();
    const logger = createLogger({ level: 'error', instanceId: 'purge-test', scope, silent: true });
    const purger = startIdempotencyPurge({ dataSource, logger, everyMs: 20, batch: 3 });
    try {
      await eventually(async () => (await left(old)) === 0);
    } finally {
      await purger.stop();
    }
    expect(await left(young)).toBe(2);
  });
});
