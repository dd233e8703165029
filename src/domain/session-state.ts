import { PersistentMap } from './persistent-map';

/** The in-memory state of one cinema session's seats, as the decider sees it. */
import { seatingPlan, type SeatingSpec } from './seating';

export interface SessionInfo {
  readonly sessionId: string;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly priceCents: number;
  /** Every seat of the room in row-then-number order. */
  readonly seatLabels: readonly string[];
  /** Categories, blocked seats, wheelchair spaces, aisles (src/domain/seating.ts); none: one category at priceCents. */
  readonly seating?: SeatingSpec;
}

export type ReservationStatus = 'PENDING' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED';

export interface SaleLine {
  readonly id: string;
  readonly seatNumber: string;
  readonly amountCents: number;
}

export interface Reservation {
  readonly id: string;
  readonly userId: string;
  readonly seatNumbers: readonly string[];
  readonly status: ReservationStatus;
  readonly amountCents: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly paidAt?: number;
  readonly sales?: readonly SaleLine[];
  /** How many times the hold was extended (none when absent). */
  readonly extensions?: number;
}

export type TakenSeat = { readonly reservationId: string; readonly status: 'RESERVED' | 'SOLD' };

export interface SessionState {
  readonly info: SessionInfo;
  /** Only seats that are not available: held by a pending reservation or sold. */
  readonly taken: ReadonlyMap<string, TakenSeat>;
  /**
   * The live reservations: pending and confirmed. An expired or cancelled one is dropped from memory; its row in the
   * reservations table keeps its final status, and the shell answers for it from there.
   */
  readonly reservations: ReadonlyMap<string, Reservation>;
  /** Set once the screening is cancelled: no new holds, nothing available. */
  readonly cancelledAt?: number;
}

export function initialState(info: SessionInfo): SessionState {
  return { info, taken: PersistentMap.empty(), reservations: PersistentMap.empty() };
}

export function availableSeatCount(state: SessionState): number {
  if (state.cancelledAt !== undefined) return 0;
  return state.info.seatLabels.length - state.taken.size - blockedSeatCount(state.info);
}

/** Seats the seating plan keeps off sale (none without a plan). */
export function blockedSeatCount(info: SessionInfo): number {
  return info.seating?.blocked?.length ? seatingPlan(info).blockedCount : 0;
}

/** Pending reservations whose hold is due to expire at `now` or earlier, earliest due (then made) first. */
export function dueHolds(state: SessionState, now: number): Reservation[] {
  const due: Reservation[] = [];
  for (const r of state.reservations.values()) {
    if (r.status === 'PENDING' && r.expiresAt <= now) due.push(r);
  }
  return due.sort(
    (a, b) =>
      a.expiresAt - b.expiresAt ||
      a.createdAt - b.createdAt ||
      // Stryker disable next-line EqualityOperator: ids are unique in a session, so a.id <= b.id orders them as a.id < b.id does
      (a.id < b.id ? -1 : 1),
  );
}

/** The earliest `expiresAt` among pending reservations, or undefined when nothing is held. */
export function nextExpiry(state: SessionState): number | undefined {
  let next: number | undefined;
  for (const r of state.reservations.values()) {
    // Stryker disable next-line EqualityOperator: on equal expiresAt, keeping either gives the same next expiry (r.expiresAt <= next)
    if (r.status === 'PENDING' && (next === undefined || r.expiresAt < next)) next = r.expiresAt;
  }
  return next;
}
