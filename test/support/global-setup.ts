import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/persistence/embedded-postgres';
import { EMBEDDED_TEST_SERVER_URL } from './embedded-test-server';

/**
 * Once per jest run: without DATABASE_URL, starts one embedded PostgreSQL (the service's own embedded default) in a
 * temporary directory for every test file's scratch databases, so `npm test` needs no database installed. The
 * workers inherit its URL through the environment; global-teardown.ts stops it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'cinema-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: dir, port: 0 });
  process.env[EMBEDDED_TEST_SERVER_URL] = server.adminUrl;
  (globalThis as { cinemaTestServer?: { server: EmbeddedPostgres; dir: string } }).cinemaTestServer = { server, dir };
}
