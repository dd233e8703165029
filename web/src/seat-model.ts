import type { Availability, Seat } from './types.js';

/**
 * The seat map's rules, free of the DOM: how a seat is shown to this user, what its accessible name is, how a
 * change from the live stream applies to the document, and which selected seats someone else has taken.
 */
export type SeatLook = 'available' | 'selected' | 'mine' | 'owned' | 'held' | 'sold' | 'blocked';

/** What the seat is for this user: `mine` is held by this user, `owned` bought by this user. */
export interface Perspective {
  readonly selected: ReadonlySet<string>;
  readonly heldByMe: ReadonlySet<string>;
  readonly boughtByMe: ReadonlySet<string>;
}

export function lookOf(seat: Seat, me: Perspective): SeatLook {
  const label = seat.seatNumber;
  if (seat.status === 'SOLD') return me.boughtByMe.has(label) ? 'owned' : 'sold';
  if (me.heldByMe.has(label)) return 'mine';
  if (seat.status === 'RESERVED') return 'held';
  if (seat.status !== 'AVAILABLE') return 'blocked'; // BLOCKED, or every seat of a CANCELLED screening
  return me.selected.has(label) ? 'selected' : 'available';
}

const WORDS: Record<SeatLook, string> = {
  available: 'available',
  selected: 'available',
  mine: 'held by you',
  owned: 'your ticket',
  held: 'held',
  sold: 'sold',
  blocked: 'not for sale',
};

export function rowOf(seat: Seat): string {
  return seat.row ?? seat.seatNumber.replace(/\d+$/, '');
}

export function numberOf(seat: Seat): string {
  return seat.seatNumber.slice(rowOf(seat).length);
}

export function categoryName(seat: Seat): string | undefined {
  const c = seat.category;
  if (typeof c === 'string') return c;
  return c?.name;
}

export function priceOf(seat: Seat, doc: Availability): number {
  const c = seat.category;
  if (typeof seat.price === 'number') return seat.price;
  if (typeof c === 'object' && typeof c?.price === 'number') return c.price;
  return doc.ticketPrice;
}

/** The session's seat categories in order of appearance; one (or none) means a single price for every seat. */
export function categoriesOf(doc: Availability): Array<{ name: string; price: number }> {
  const seen = new Map<string, number>();
  for (const seat of doc.seats) {
    const name = categoryName(seat);
    if (name !== undefined && !seen.has(name)) seen.set(name, priceOf(seat, doc));
  }
  return [...seen].map(([name, price]) => ({ name, price }));
}

/** "Row C, seat 7, available", then the category and price when the session has several categories. */
export function accessibleName(seat: Seat, look: SeatLook, doc: Availability, withCategory = false): string {
  const parts = [`Row ${rowOf(seat)}`, `seat ${numberOf(seat)}`, WORDS[look]];
  if (seat.wheelchair) parts.push('wheelchair space');
  const category = categoryName(seat);
  if (withCategory && category) parts.push(`${category}, ${priceOf(seat, doc).toFixed(2)}`);
  return parts.join(', ');
}

/** The seats grouped by row, in the document's order. */
export function rowsOf(doc: Availability): Array<{ row: string; seats: Seat[] }> {
  const rows: Array<{ row: string; seats: Seat[] }> = [];
  const index = new Map<string, Seat[]>();
  for (const seat of doc.seats) {
    const row = rowOf(seat);
    let seats = index.get(row);
    if (!seats) {
      seats = [];
      index.set(row, seats);
      rows.push({ row, seats });
    }
    seats.push(seat);
  }
  return rows;
}

/** Selected seats the document no longer shows as available: someone else took them. */
export function takenFrom(selected: ReadonlySet<string>, doc: Availability): string[] {
  const status = new Map(doc.seats.map((s) => [s.seatNumber, s.status]));
  return [...selected].filter((label) => status.get(label) !== 'AVAILABLE');
}

/** A live change: the seats that changed (each with its new status) and, when the service counts them, the version. */
export interface SeatChange {
  readonly version?: number;
  readonly availableSeats?: number;
  readonly seats: ReadonlyArray<Partial<Seat> & { readonly seatNumber: string }>;
}

/** The document after a change; seats the document does not have are ignored. */
export function applyChange(doc: Availability, change: SeatChange): Availability {
  const changed = new Map(change.seats.map((s) => [s.seatNumber, s]));
  const seats = doc.seats.map((seat) => {
    const next = changed.get(seat.seatNumber);
    return next ? { ...seat, ...next } : seat;
  });
  const availableSeats = change.availableSeats ?? seats.filter((s) => s.status === 'AVAILABLE').length;
  return { ...doc, seats, availableSeats, version: change.version ?? doc.version };
}

/** True when `next` is not older than `current` (documents without versions are always taken). */
export function isNewer(current: Availability | undefined, next: { version?: number }): boolean {
  if (!current || current.version === undefined || next.version === undefined) return true;
  return next.version >= current.version;
}
