/**
 * Diagnostic (not part of `npm run bench`): CPU cost of one reserve+cancel cycle in the pure decider as a live
 * session's history grows. Before commit "Ended reservations leave the session's memory" the state kept every
 * cancelled and expired reservation until passivation, and each cycle cost 80 µs fresh and 4.5 ms after 10,500 of
 * them (`evolve` copied, `decide` and `nextExpiry` scanned that map). Now ended reservations leave the live state,
 * so the first column stays 0 and the cost stays flat.
 *
 *   npx tsx bench/diag/actor-state-growth.ts
 */
import { randomUUID } from 'node:crypto';
import { decide, evolveAll, initialState, nextExpiry, seatLabels, type SessionState } from '../../src/domain';

const labels = seatLabels(2000, 20);
let state: SessionState = initialState({
  sessionId: randomUUID(),
  movieName: 'Diag',
  startTime: '2030-01-01T00:00:00.000Z',
  roomNumber: '1',
  priceCents: 2500,
  seatLabels: labels,
});

let now = Date.now();
function cycle(seat: string): void {
  const reservationId = randomUUID();
  const hold = decide({ type: 'HoldSeats', reservationId, userId: 'u', seatNumbers: [seat], now, ttlMs: 30_000, maxSeats: 10, maxSeatsPerUser: 1_000_000 }, state);
  if (!hold.ok) throw new Error(JSON.stringify(hold.error));
  state = evolveAll(state, hold.events);
  nextExpiry(state);
  const cancel = decide({ type: 'CancelReservation', reservationId, userId: 'u', now }, state);
  if (!cancel.ok) throw new Error(JSON.stringify(cancel.error));
  state = evolveAll(state, cancel.events);
  nextExpiry(state);
  now += 1;
}

const checkpoints = [0, 2_000, 5_000, 10_000];
let done = 0;
console.log('reservations kept in the live state | µs per reserve+cancel cycle (decide + evolve + nextExpiry) | V8 heap MiB');
for (const target of checkpoints) {
  while (done < target) cycle(labels[done++ % labels.length]);
  const n = 500;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) cycle(labels[(done + i) % labels.length]);
  const us = ((performance.now() - t0) * 1000) / n;
  done += n;
  console.log(`${String(state.reservations.size).padStart(8)} | ${us.toFixed(1).padStart(8)} | ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)}`);
}
