import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import express from 'express';
import type { Response } from 'express';
import type { SeatChange, SeatMap } from '../../../src/app/ports';
import { openSeatMapStream, type SeatMapStream } from '../../../src/http/seat-map-stream';

const sessionId = '6c1e3f9a-8a5e-4d8b-9d0b-2a1f4b7c9e10';
const seatMap = (version: number): SeatMap => ({ sessionId, version, body: Buffer.from(JSON.stringify({ sessionId, version, seats: [] })) });
/** A change as large as a big hold, so that a client that does not read fills the socket quickly. */
const change = (version: number): SeatChange => ({
  sessionId,
  version,
  type: 'reservation.created',
  seats: Array.from({ length: 400 }, (_, k) => ({ seatNumber: `A${k + 1}`, status: 'RESERVED' as const })),
  availableSeats: 0,
});

/** Frames `event id` in arrival order from a raw HTTP response. */
const frames = (raw: string) => [...raw.matchAll(/id: (\d+)\nevent: (\w+)\n/g)].map((m) => `${m[2]} ${m[1]}`);

describe('a seat map stream to a client that stops reading', () => {
  let server: Server;
  let stream: SeatMapStream;
  let res: Response;
  let latest = 0;
  beforeAll(async () => {
    const app = express();
    app.get('/stream', (_req, response) => {
      res = response;
      stream = openSeatMapStream(response, { since: undefined, heartbeatMs: 60_000 });
      stream.push({ kind: 'snapshot', seatMap: seatMap(0) });
      stream.start({ current: () => seatMap(latest), close: () => undefined });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  afterAll(async () => {
    stream?.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('queues nothing beyond the socket once it is full, and catches the client up with the latest whole document', async () => {
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    socket.pause(); // the slow client: reads nothing while the changes pour in
    while (!res) await tick();
    let bufferedMax = 0;
    for (latest = 1; latest <= 3000; latest++) {
      stream.push({ kind: 'change', change: change(latest) });
      bufferedMax = Math.max(bufferedMax, res.writableLength);
      if (latest % 25 === 0) await tick();
    }
    latest = 3000;
    // ~30 MB of changes were pushed; what waits in the process for this client is at most one frame over the mark.
    expect(bufferedMax).toBeLessThan(res.writableHighWaterMark + 64 * 1024);

    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.resume();
    const deadline = Date.now() + 20_000;
    while (!/id: 3000\n/.test(raw) && Date.now() < deadline) await tick();
    socket.destroy();

    const got = frames(raw);
    expect(got[0]).toBe('snapshot 0');
    expect(got[got.length - 1]).toMatch(/ 3000$/);
    // A change always sits on the version before it; a whole document (the catch-up) only ever moves forward.
    let version = 0;
    const broken: string[] = [];
    for (const f of got.slice(1)) {
      const [kind, v] = [f.split(' ')[0], Number(f.split(' ')[1])];
      if (kind === 'change' ? v !== version + 1 : v <= version) broken.push(`${f} after ${version}`);
      version = v;
    }
    expect(broken).toEqual([]);
    // The client was caught up by whole documents instead of receiving every change it had no room for.
    expect(got.filter((f) => f.startsWith('snapshot')).length).toBeGreaterThan(1);
    expect(got.filter((f) => f.startsWith('change')).length).toBeLessThan(3000);
  }, 60_000);
});
