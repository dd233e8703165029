import { rmSync } from 'node:fs';
import type { EmbeddedPostgres } from '../../src/persistence/embedded-postgres';

/** Stops the embedded PostgreSQL of global-setup.ts and removes its directory. */
export default async function globalTeardown(): Promise<void> {
  const started = (globalThis as { cinemaTestServer?: { server: EmbeddedPostgres; dir: string } }).cinemaTestServer;
  if (!started) return;
  await started.server.stop();
  rmSync(started.dir, { recursive: true, force: true });
}
