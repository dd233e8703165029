import type { Reservation, SessionInfo, SessionState, TakenSeat } from '../domain';

/**
 * The JSON form of a session's seat state. It keeps what recovery needs: pending holds (to re-arm their expiry)
 * and confirmed reservations (sold seats, and the answer to a repeated confirmation). Expired and cancelled
 * reservations are left out; their rows stay in the reservations table.
 */
export interface SnapshotJson {
  readonly v: 1;
  readonly reservations: readonly Reservation[];
}

export function encodeSnapshot(state: SessionState): SnapshotJson {
  const kept: Reservation[] = [];
  for (const r of state.reservations.values()) {
    if (r.status === 'PENDING' || r.status === 'CONFIRMED') kept.push(r);
  }
  return { v: 1, reservations: kept };
}

export function decodeSnapshot(info: SessionInfo, json: unknown): SessionState {
  const snapshot = json as Partial<SnapshotJson> | null;
  if (!snapshot || snapshot.v !== 1 || !Array.isArray(snapshot.reservations)) {
    throw new Error(`Unreadable snapshot for session ${info.sessionId}`);
  }
  const taken = new Map<string, TakenSeat>();
  const reservations = new Map<string, Reservation>();
  for (const r of snapshot.reservations) {
    reservations.set(r.id, r);
    const seat: TakenSeat = { reservationId: r.id, status: r.status === 'CONFIRMED' ? 'SOLD' : 'RESERVED' };
    for (const s of r.seatNumbers) taken.set(s, seat);
  }
  return { info, taken, reservations };
}
