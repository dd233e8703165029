import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { onCleanup } from './procs';

export const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDb {
  readonly name: string;
  readonly url: string;
  /** Runs one query on a short-lived connection. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** A `bench_<random>` database on the shared server, dropped at the end of the run (also on failure). */
export async function createScratchDb(label: string): Promise<ScratchDb> {
  const name = `bench_${label.replace(/[^a-z0-9]/g, '')}_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  const db: ScratchDb = {
    name,
    url: url.toString(),
    async query(sql, params) {
      const c = new Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      if (dropped) return;
      dropped = true;
      const c = new Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
  onCleanup(`drop ${name}`, () => db.drop());
  return db;
}

export async function serverVersion(): Promise<string> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    const rows = (await c.query(`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('fsync') AS f, current_setting('max_connections') AS mc`)).rows;
    const r = rows[0] as { v: string; sc: string; f: string; mc: string };
    return `PostgreSQL ${r.v} (synchronous_commit=${r.sc}, fsync=${r.f}, max_connections=${r.mc})`;
  } finally {
    await c.end();
  }
}
