import type { SessionState } from '../domain';

/** A session's last committed seat state and the version it is at. */
export interface CommittedSeatState {
  readonly state: SessionState;
  readonly version: number;
}

/**
 * The committed seat state, read without taking the session's lease; null for an unknown session. Implemented by
 * `SeatStateStore.read` (one statement, so the version and the rows belong to the same commit).
 */
export interface CommittedSeatStates {
  load(sessionId: string): Promise<CommittedSeatState | null>;
}
