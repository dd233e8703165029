import { createAvailabilityCache, availabilityDocument } from '../../../src/actors/availability-document';
import { evolveAll, initialState, type SessionInfo, type SessionState } from '../../../src/domain';
import { created, paid } from '../domain/builders';

/** The availability document (src/actors/availability-document.ts): what GET /sessions/{id}/seats answers. */
const info: SessionInfo = {
  sessionId: 'session-1',
  movieName: 'Dune: Part Two',
  startTime: '2030-01-01T20:00:00.000Z',
  roomNumber: '7',
  priceCents: 2500,
  seatLabels: ['A1', 'A2', 'A3', 'B1', 'B2', 'B3'],
  seating: {
    categories: [
      { name: 'STANDARD', priceCents: 2500, rows: ['A'] },
      { name: 'PREMIUM', priceCents: 3250, rows: ['B'] },
    ],
    blocked: ['A3'],
    wheelchair: ['B3'],
  },
};

/** A1 held by r1, B1 sold to r2. */
function stateWithAHoldAndASale(): SessionState {
  return evolveAll(initialState(info), [created('r1', ['A1']), created('r2', ['B1']), paid('r2', ['B1'], { priceCents: 3250 })]);
}

const statusOf = (state: SessionState) => Object.fromEntries(availabilityDocument(state, 1).seats.map((s) => [s.seatNumber, s.status]));

describe('the availability document of a session', () => {
  it('given a hold, a sale and a blocked seat, then each seat has its status, row, category, price and wheelchair flag', () => {
    const doc = availabilityDocument(stateWithAHoldAndASale(), 3);
    expect(doc).toEqual({
      sessionId: 'session-1',
      version: 3,
      movieName: 'Dune: Part Two',
      startTime: '2030-01-01T20:00:00.000Z',
      roomNumber: '7',
      ticketPrice: 25,
      totalSeats: 6,
      availableSeats: 3,
      status: 'ON_SALE',
      categories: [
        { name: 'STANDARD', price: 25 },
        { name: 'PREMIUM', price: 32.5 },
      ],
      seats: [
        { seatNumber: 'A1', row: 'A', status: 'RESERVED', isAvailable: false, category: 'STANDARD', price: 25, wheelchair: false },
        { seatNumber: 'A2', row: 'A', status: 'AVAILABLE', isAvailable: true, category: 'STANDARD', price: 25, wheelchair: false },
        { seatNumber: 'A3', row: 'A', status: 'BLOCKED', isAvailable: false, category: 'STANDARD', price: 25, wheelchair: false },
        { seatNumber: 'B1', row: 'B', status: 'SOLD', isAvailable: false, category: 'PREMIUM', price: 32.5, wheelchair: false },
        { seatNumber: 'B2', row: 'B', status: 'AVAILABLE', isAvailable: true, category: 'PREMIUM', price: 32.5, wheelchair: false },
        { seatNumber: 'B3', row: 'B', status: 'AVAILABLE', isAvailable: true, category: 'PREMIUM', price: 32.5, wheelchair: true },
      ],
    });
  });

  it('given a cancelled screening, then the session and every seat read CANCELLED and nothing is available', () => {
    const state = { ...stateWithAHoldAndASale(), cancelledAt: Date.UTC(2030, 0, 1) };
    const doc = availabilityDocument(state, 4);
    expect(doc.status).toBe('CANCELLED');
    expect(new Set(Object.values(statusOf(state)))).toEqual(new Set(['CANCELLED']));
    expect(doc.seats.some((s) => s.isAvailable)).toBe(false);
  });
});

describe('the cached availability bytes', () => {
  const decode = (body: Buffer) => JSON.parse(body.toString('utf8'));

  it('when the same state and version are read twice, then the same bytes are answered without encoding again', () => {
    const cache = createAvailabilityCache();
    const state = stateWithAHoldAndASale();
    const first = cache(state, 1);
    expect(cache(state, 1)).toBe(first);
    expect(first.sessionId).toBe('session-1');
    expect(first.version).toBe(1);
    expect(decode(first.body)).toEqual(availabilityDocument(state, 1));
  });

  it('when the version moves on with the same state, then the document is encoded again with the new version', () => {
    const cache = createAvailabilityCache();
    const state = stateWithAHoldAndASale();
    cache(state, 1);
    const next = cache(state, 2);
    expect(next.version).toBe(2);
    expect(decode(next.body).version).toBe(2);
  });

  it('when the state changes under the same version, then the document follows the state', () => {
    const cache = createAvailabilityCache();
    const before = initialState(info);
    cache(before, 1);
    const after = stateWithAHoldAndASale();
    expect(decode(cache(after, 1).body)).toEqual(availabilityDocument(after, 1));
  });
});
