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
