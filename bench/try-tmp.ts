import { startEmbeddedPostgres } from '../src/persistence/embedded-postgres';
(async () => {
  const t = Date.now();
  const s = await startEmbeddedPostgres({ dataDir: process.argv[2], port: 0, log: (l, m) => console.log(Date.now() - t, l, m) });
  console.log('started', Date.now() - t);
  await s.stop();
  console.log('stopped', Date.now() - t);
})();
