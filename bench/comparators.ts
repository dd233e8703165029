/**
 * Comparators (a) and (b): the cheapest Express servers that answer like the service, so that a ratio against
 * them says how much of the machine the service's own work costs.
 *
 *   node --import tsx bench/comparators.ts constant      (a) any GET/POST -> a constant JSON (reservation-sized),
 *                                                          POST bodies parsed with express.json() like the service
 *   node --import tsx bench/comparators.ts availability  (b) GET /sessions/:id/availability -> one JSON string built
 *                                                          once and held in memory; PUT /__doc replaces it so the
 *                                                          bench can serve byte-for-byte the service's document
 *
 * Both use Express 5 from the project, with ETag generation off (the service turns it off too), so the
 * comparator is as fast as Express gets: a strict baseline.
 */
import express from 'express';
import { CONSTANT_RESERVATION } from './lib/constant-reservation';

const mode = process.argv[2];
const app = express();
app.disable('x-powered-by');
app.set('etag', false);

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

if (mode === 'constant') {
  const constant = CONSTANT_RESERVATION;
  app.use(express.json({ limit: '100kb' }));
  app.all('/{*any}', (_req, res) => {
    res.json(constant);
  });
} else if (mode === 'availability') {
  const rowName = (index: number): string => {
    let name = '';
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
  };
  const seats = [];
  for (let i = 0; i < 2000; i++) {
    const row = rowName(Math.floor(i / 20));
    seats.push({ seatNumber: `${row}${(i % 20) + 1}`, row, status: 'AVAILABLE', isAvailable: true });
  }
  let doc = JSON.stringify({
    sessionId: '5b0c7a52-2d7e-4d8b-8a8c-0b3a6f1e2d4c',
    movieName: 'Bench',
    startTime: '2030-01-01T20:00:00.000Z',
    roomNumber: '1',
    ticketPrice: 25,
    totalSeats: 2000,
    availableSeats: 2000,
    seats,
  });
  app.put('/__doc', express.text({ type: '*/*', limit: '10mb' }), (req, res) => {
    // Re-serialized so the string is built exactly like the service builds its own (JSON.stringify: one flat
    // one-byte string), byte for byte the same document.
    doc = JSON.stringify(JSON.parse(String(req.body)));
    res.json({ bytes: Buffer.byteLength(doc) });
  });
  app.get('/sessions/:id/availability', (_req, res) => {
    res.type('application/json').send(doc);
  });
} else {
  process.stderr.write('usage: comparators.ts constant|availability\n');
  process.exit(2);
}

const server = app.listen(Number(process.env.PORT ?? 3200), '127.0.0.1');
const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
