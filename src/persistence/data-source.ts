import { DataSource } from 'typeorm';
import type { DatabaseConfig, DatabaseTimeouts } from '../config';
import { startEmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
import { entities } from './entities';
import { InitialSchema1764374400000 } from './migrations/1764374400000-initial-schema';
import { AppliedCommands1764600000000 } from './migrations/1764600000000-applied-commands';
import { BoxOffice1764800000000 } from './migrations/1764800000000-box-office';

export const migrations = [InitialSchema1764374400000, AppliedCommands1764600000000, BoxOffice1764800000000];

/** The service's database: the typeorm data source and, in the embedded mode, the server it started. */
export interface Database {
  readonly dataSource: DataSource;
  /** Closes the pool, then stops the embedded server if there is one. */
  close(): Promise<void>;
}

/**
 * Opens the configured database: the Postgres server at `url`, or the embedded PostgreSQL under `dataDir` that this
 * process starts (and stops in `close`). Both are the same Postgres reached through the same driver and SQL.
 */
export async function openDatabase(
  config: DatabaseConfig,
  options: { poolSize?: number; log?: EmbeddedPostgresOptions['log']; timeouts?: DatabaseTimeouts } = {},
): Promise<Database> {
  if (config.kind === 'postgres') {
    const dataSource = await openDataSource(config, options);
    return { dataSource, close: () => dataSource.destroy() };
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.port, log: options.log });
  let dataSource: DataSource;
  try {
    dataSource = await openDataSource({ url: server.url }, options);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    dataSource,
    close: async () => {
      try {
        await dataSource.destroy();
      } finally {
        await server.stop();
      }
    },
  };
}

const DEFAULT_TIMEOUTS: DatabaseTimeouts = { statementMs: 5_000, lockMs: 2_000 };

/**
 * Connects to the Postgres server at `url` and brings its schema up to date with the migrations (never
 * `synchronize`). Every connection has a statement_timeout and a lock_timeout, and the client gives up on a query a
 * second after the statement timeout (a server or network that hangs): so an activation (two statements) and a
 * commit (one) have a deadline.
 */
export async function openDataSource(
  config: { readonly url: string },
  options: { poolSize?: number; timeouts?: DatabaseTimeouts } = {},
): Promise<DataSource> {
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const dataSource = new DataSource({
    type: 'postgres',
    url: config.url,
    poolSize: options.poolSize ?? 10,
    extra: {
      statement_timeout: timeouts.statementMs,
      lock_timeout: timeouts.lockMs,
      query_timeout: timeouts.statementMs + 1_000,
      idle_in_transaction_session_timeout: timeouts.statementMs * 2,
    },
    entities,
    migrations,
    migrationsRun: false,
    synchronize: false,
    logging: false,
  });
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/** Several instances may start at once: an advisory lock lets one migrate while the others wait. */
async function migrate(dataSource: DataSource): Promise<void> {
  const lockHolder = dataSource.createQueryRunner();
  try {
    // Waiting for another instance's migrations is not bounded by the statement timeout.
    await lockHolder.query('SET statement_timeout = 0');
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK])
      .then(() => lockHolder.query('RESET statement_timeout'))
      .finally(() => lockHolder.release());
  }
}

const MIGRATION_LOCK = 7_314_159;
