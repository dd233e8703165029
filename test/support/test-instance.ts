import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, createRequestScope } from '../../src/logger';
import { createInstance, type Instance } from '../../src/main';
import { EMBEDDED_TEST_SERVER_URL } from './embedded-test-server';

/** Where the tests' scratch databases live: the server at DATABASE_URL, or the run's embedded PostgreSQL. */
export type Storage = 'postgres' | 'embedded postgres';

/**
 * One storage per run, never both: the Postgres server at DATABASE_URL when it is set (as in CI), otherwise the
 * embedded PostgreSQL that `test/support/global-setup.ts` started for this jest run. Either way the service talks
 * to a real Postgres through the same driver and SQL.
 */
export function storages(): Storage[] {
  return [process.env.DATABASE_URL ? 'postgres' : 'embedded postgres'];
}

/** Admin URL of the server scratch databases are created on. */
export function testServerUrl(): string {
  const url = process.env.DATABASE_URL ?? process.env[EMBEDDED_TEST_SERVER_URL];
  if (!url) throw new Error('neither DATABASE_URL nor the jest run\'s embedded PostgreSQL (globalSetup) is available');
  return url;
}

/** A database of its own for one test file on the test server, dropped afterwards. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = testServerUrl();
  const name = `cinema_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestStore {
  /** Environment that points an instance at this store. */
  readonly env: Record<string, string>;
  readonly cleanup: () => Promise<void>;
}

/** A fresh, empty store: a scratch database on the test server (`storage` only names that server). */
export async function createTestStore(_storage: Storage = storages()[0]): Promise<TestStore> {
  const db = await createScratchDatabase();
  return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
}

/** A fresh, empty DATA_DIR for an instance that starts its own embedded PostgreSQL. */
export function createDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cinema-data-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds an in-process instance (never listening unless asked) with quiet logs, a generous rate limit and, unless
 * `env` says otherwise, AUTH_MODE=open (the seed's unauthenticated API).
 */
export async function startInstance(
  store: TestStore,
  env: Record<string, string> = {},
  options: { clock?: () => number } = {},
): Promise<Instance> {
  const config: Config = loadConfig({
    RATE_LIMIT_MAX: '1000000',
    AUTH_MODE: 'open',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    INSTANCE_ID: `test-${randomUUID().slice(0, 8)}`,
    ...store.env,
    ...env,
  });
  const scope = createRequestScope();
  const logger = createLogger({ level: config.logLevel, instanceId: config.instanceId, scope });
  return createInstance(config, { logger, clock: options.clock });
}

/** Polls `probe` until it returns a truthy value (never sleeps blindly); fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
