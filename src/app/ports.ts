import type { SessionReply, SessionRequest } from '../actors/protocol';

/** Port: runs a request on the session's single actor, wherever it lives. */
export interface SessionRouter {
  execute(sessionId: string, request: SessionRequest): Promise<SessionReply>;
  /** The session's availability document, served from its actor's memory. */
  availability(sessionId: string): Promise<Buffer>;
}

/** Port: an exclusive, expiring right to run one session's actor. */
export interface Lease {
  /** Aborted when the lease is lost (an extension failed); the actor must stop at once. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export interface LeaseManager {
  /** The lease on `key`, or null when another instance holds it. */
  acquire(key: string): Promise<Lease | null>;
  /** The instance that holds `key` now, if known. */
  ownerOf(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** Port: wakes a session at `dueAt` (epoch ms) so that its due holds expire, even if the session was passivated. */
export interface ExpiryScheduler {
  schedule(sessionId: string, dueAt: number): void;
  close(): Promise<void>;
}

/** A session's availability document at one committed version, serialized once (UTF-8 JSON). */
export interface SeatMap {
  readonly sessionId: string;
  readonly version: number;
  readonly body: Buffer;
}

/** One committed seat event as the read side shows it: the seats it changed and the version it made. */
export interface SeatChange {
  readonly sessionId: string;
  readonly version: number;
  readonly type: string;
  readonly seats: readonly { readonly seatNumber: string; readonly status: 'AVAILABLE' | 'RESERVED' | 'SOLD' }[];
  readonly availableSeats: number;
}

/** What a follower of a seat map receives: the whole document, or one change on top of the last version. */
export type SeatMapUpdate = { readonly kind: 'snapshot'; readonly seatMap: SeatMap } | { readonly kind: 'change'; readonly change: SeatChange };

/** Port: a session's availability document, answered on this instance (from the owner's actor or the read model). */
export interface AvailabilityReader {
  read(sessionId: string): Promise<SeatMap>;
}

/** A live subscription to one session's seat map. */
export interface SeatMapFollower {
  /** The latest document this instance knows (for a follower that fell behind). */
  current(): SeatMap;
  close(): void;
}

/** Port: follows a session's seat map live (the read model of this instance). */
export interface SeatMapFeed {
  /**
   * Calls `listener` first with what the follower misses (the changes after `since` when they are all still known,
   * else the whole document; nothing when `since` is the latest version), then with every change in version order.
   * Rejects with NotFoundError for an unknown session.
   */
  follow(sessionId: string, since: number | undefined, listener: (update: SeatMapUpdate) => void): Promise<SeatMapFollower>;
}
