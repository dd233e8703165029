/**
 * The start-up scenario's comparator (bench/scenarios/s13-startup.ts): the least a Node service that answers
 * GET /health/live can do before its first answer. Plain `node bench/startup-comparator.cjs` (no tsx, no build step),
 * started the same way as the service's `node scripts/start.cjs`: load Express 5 from the project, listen on PORT,
 * answer 200; on SIGTERM close and exit 0.
 */
'use strict';
const express = require('express');

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/health/live', (_req, res) => {
  res.json({ status: 'ok' });
});

const server = app.listen(Number(process.env.PORT ?? 3200), '0.0.0.0');
const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
