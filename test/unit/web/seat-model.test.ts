import { accessibleName, applyChange, categoriesOf, isNewer, lookOf, rowsOf, takenFrom, type Perspective } from '../../../web/src/seat-model';
import { readStreamMessage } from '../../../web/src/stream-message';
import type { Availability, Seat } from '../../../web/src/types';

/** The seat picker's rules that need no browser: how a seat looks and reads, and how live changes apply. */

function doc(seats: Array<[string, string]>, extra: Partial<Availability> = {}): Availability {
  return {
    sessionId: 's1',
    movieName: 'M',
    startTime: '2031-01-01T20:00:00Z',
    roomNumber: 'R',
    ticketPrice: 12.5,
    totalSeats: seats.length,
    availableSeats: seats.filter(([, s]) => s === 'AVAILABLE').length,
    seats: seats.map(([seatNumber, status]) => ({ seatNumber, row: seatNumber.replace(/\d+$/, ''), status })),
    ...extra,
  };
}

const nobody: Perspective = { selected: new Set(), heldByMe: new Set(), boughtByMe: new Set() };
const seatOf = (label: string, status: string, more: Partial<Seat> = {}): Seat => ({ seatNumber: label, status, ...more });

describe('how a seat looks to this user', () => {
  it('tells my holds and my tickets from other people’s', () => {
    const me: Perspective = { selected: new Set(['A3']), heldByMe: new Set(['A1']), boughtByMe: new Set(['A2']) };
    expect(lookOf(seatOf('A1', 'RESERVED'), me)).toBe('mine');
    expect(lookOf(seatOf('A2', 'SOLD'), me)).toBe('owned');
    expect(lookOf(seatOf('A3', 'AVAILABLE'), me)).toBe('selected');
    expect(lookOf(seatOf('A4', 'RESERVED'), me)).toBe('held');
    expect(lookOf(seatOf('A5', 'SOLD'), me)).toBe('sold');
    expect(lookOf(seatOf('A6', 'BLOCKED'), me)).toBe('blocked');
  });

  it('names a seat by row, number and state, with its category and price when the session has several', () => {
    const d = doc([['C7', 'AVAILABLE']]);
    expect(accessibleName(seatOf('C7', 'AVAILABLE'), 'available', d)).toBe('Row C, seat 7, available');
    expect(accessibleName(seatOf('AB12', 'RESERVED', { row: 'AB' }), 'held', d)).toBe('Row AB, seat 12, held');
    const premium = seatOf('C7', 'AVAILABLE', { category: 'Premium', price: 18 });
    expect(accessibleName(premium, 'available', d, true)).toBe('Row C, seat 7, available, Premium, 18.00');
    expect(accessibleName(premium, 'available', d, false)).toBe('Row C, seat 7, available');
    const named = seatOf('C8', 'AVAILABLE', { category: { name: 'Standard' }, wheelchair: true });
    expect(accessibleName(named, 'available', d, true)).toBe('Row C, seat 8, available, wheelchair space, Standard, 12.50');
  });

  it('lists the categories with their prices, in order of appearance', () => {
    const d: Availability = {
      ...doc([]),
      seats: [seatOf('A1', 'AVAILABLE', { category: 'Premium', price: 18 }), seatOf('B1', 'SOLD', { category: 'Standard', price: 12.5 }), seatOf('A2', 'AVAILABLE', { category: 'Premium', price: 18 })],
    };
    expect(categoriesOf(d)).toEqual([{ name: 'Premium', price: 18 }, { name: 'Standard', price: 12.5 }]);
    expect(categoriesOf(doc([['A1', 'AVAILABLE']]))).toEqual([]);
  });

  it('groups seats by row in the document’s order', () => {
    const rows = rowsOf(doc([['A1', 'AVAILABLE'], ['A2', 'AVAILABLE'], ['B1', 'SOLD']]));
    expect(rows.map((r) => [r.row, r.seats.map((s) => s.seatNumber)])).toEqual([['A', ['A1', 'A2']], ['B', ['B1']]]);
  });
});

describe('live changes', () => {
  it('finds the selected seats that someone else took', () => {
    const d = doc([['A1', 'RESERVED'], ['A2', 'AVAILABLE'], ['A3', 'SOLD']]);
    expect(takenFrom(new Set(['A1', 'A2', 'A3']), d)).toEqual(['A1', 'A3']);
  });

  it('applies a change to the seats it names and recounts the free seats', () => {
    const d = doc([['A1', 'AVAILABLE'], ['A2', 'AVAILABLE']], { version: 4 });
    const next = applyChange(d, { version: 5, seats: [{ seatNumber: 'A2', status: 'SOLD' }, { seatNumber: 'Z9', status: 'SOLD' }] });
    expect(next.seats.map((s) => s.status)).toEqual(['AVAILABLE', 'SOLD']);
    expect(next.availableSeats).toBe(1);
    expect(next.version).toBe(5);
    expect(d.seats[1].status).toBe('AVAILABLE');
  });

  it('never goes back to an older version', () => {
    const d = doc([['A1', 'AVAILABLE']], { version: 7 });
    expect(isNewer(d, { version: 6 })).toBe(false);
    expect(isNewer(d, { version: 7 })).toBe(true);
    expect(isNewer(doc([]), { version: 1 })).toBe(true);
  });
});

describe('a stream message', () => {
  const whole = doc([['A1', 'AVAILABLE']], { version: 1 });

  it('is the whole document, bare or wrapped', () => {
    expect(readStreamMessage(JSON.stringify(whole))).toEqual({ kind: 'document', doc: whole });
    expect(readStreamMessage(JSON.stringify({ document: whole }))).toEqual({ kind: 'document', doc: whole });
  });

  it('is a change naming seats and a version; seats without a label are left out', () => {
    const text = JSON.stringify({ version: 2, seats: [{ seatNumber: 'A1', status: 'RESERVED' }, { status: 'SOLD' }, null] });
    expect(readStreamMessage(text)).toEqual({
      kind: 'change',
      change: { version: 2, availableSeats: undefined, seats: [{ seatNumber: 'A1', status: 'RESERVED' }] },
    });
  });

  it('is nothing when it is a heartbeat, not JSON or of another shape', () => {
    for (const text of ['', 'ping', '42', 'null', '{"hello":1}', '{"seats":"A1"}']) expect(readStreamMessage(text)).toBeUndefined();
  });
});
