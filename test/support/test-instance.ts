import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, type Config } from '../../src/config';
import { createLogger, createRequestScope } from '../../src/logger';
import { createInstance, type Instance } from '../../src/main';

export type Storage = 'pglite' | 'postgres';

/** PGlite always; Postgres too when DATABASE_URL points at a server (as in CI). */
export function storages(): Storage[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A database of its own for one test file on the shared Postgres server, dropped afterwards. */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('DATABASE_URL is not set');
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

/** A fresh, empty store: a temporary PGlite directory or a scratch Postgres database. */
export async function createTestStore(storage: Storage): Promise<TestStore> {
  if (storage === 'postgres') {
    const db = await createScratchDatabase();
    return { env: { DATABASE_URL: db.url }, cleanup: db.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'cinema-pglite-'));
  return { env: { DATA_DIR: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Builds an in-process instance (never listening unless asked) with quiet logs, a generous rate limit and, unless
 * `env` says otherwise, AUTH_MODE=open (the seed's unauthenticated API).
 */
export async function startInstance(store: TestStore, env: Record<string, string> = {}): Promise<Instance> {
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
  return createInstance(config, { logger });
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
