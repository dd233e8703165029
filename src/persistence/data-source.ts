import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config';
import { entities } from './entities';
import { InitialSchema1764374400000 } from './migrations/1764374400000-initial-schema';
import { pgliteDriver } from './pglite-pool';

export const migrations = [InitialSchema1764374400000];

/**
 * Opens the database and brings its schema up to date with the migrations (never `synchronize`).
 * Postgres when a URL is configured; otherwise PGlite, real Postgres in-process, kept under `dataDir`.
 */
export async function openDataSource(config: DatabaseConfig, options: { poolSize?: number } = {}): Promise<DataSource> {
  const common = { entities, migrations, migrationsRun: false, synchronize: false, logging: false } as const;
  let dataSource: DataSource;
  if (config.kind === 'postgres') {
    dataSource = new DataSource({ type: 'postgres', url: config.url, poolSize: options.poolSize ?? 10, ...common });
  } else {
    const dir = resolve(config.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    const db = await PGlite.create(dir);
    dataSource = new DataSource({ type: 'postgres', driver: pgliteDriver(db), ...common });
  }
  await dataSource.initialize();
  try {
    await migrate(dataSource, config.kind === 'postgres');
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** Several instances may start at once: on Postgres an advisory lock lets one migrate while the others wait. */
async function migrate(dataSource: DataSource, shared: boolean): Promise<void> {
  if (!shared) {
    await dataSource.runMigrations({ transaction: 'all' });
    return;
  }
  const lockHolder = dataSource.createQueryRunner();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).finally(() => lockHolder.release());
  }
}

const MIGRATION_LOCK = 7_314_159;
