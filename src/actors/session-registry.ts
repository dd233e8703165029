import { dispatch, query, spawn, stop, type ActorSystemRef, type Ref } from 'nact';
import type { ExpiryScheduler, Lease, LeaseManager, SeatMap } from '../app/ports';
import { nextExpiry, type SessionState } from '../domain';
import { NotFoundError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { SeatStateStore } from '../persistence/seat-state-store';
import { createAvailabilityCache } from './availability-document';
import { GroupCommitter } from './group-committer';
import type { SessionMessage, SessionReply, SessionRequest } from './protocol';
import { sessionActorBehaviour } from './session-actor';

/** Another instance holds the session's lease. */
export class SessionOwnedElsewhereError extends ServiceUnavailableError {
  constructor(readonly sessionId: string) {
    super(`Session ${sessionId} is owned by another instance`);
  }
}

export interface SessionRegistryParams {
  readonly system: ActorSystemRef;
  readonly store: SeatStateStore;
  readonly leases: LeaseManager;
  readonly expiry: ExpiryScheduler;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly newId: () => string;
  readonly ttlMs: number;
  readonly maxSeats: number;
  /** MAX_SEATS_PER_USER_PER_SESSION, enforced by each session's decider. */
  readonly maxSeatsPerUser: number;
  /** Sales close this long before a session starts (SALES_CLOSE_MINUTES_BEFORE). */
  readonly salesCloseMs?: number;
  readonly idleMs: number;
  readonly commandTimeoutMs: number;
  /** Called after each successful commit (e.g. to nudge the outbox relay). */
  readonly onCommitted?: (sessionId: string) => void;
}

interface ActiveSession {
  readonly ref: Ref<SessionMessage>;
  readonly committer: GroupCommitter;
  readonly lease: Lease;
  readonly stopped: Promise<void>;
  committed: SessionState;
  committedVersion: number;
  readonly json: (state: SessionState, version: number) => SeatMap;
}

const STOPPED = 'Actor stopped or never existed';

/**
 * The session actors of this instance: activates a session on first use (lease, new epoch, last snapshot),
 * routes requests to its actor, and lets it go when idle, when its lease is lost or when a commit fails.
 */
export class SessionRegistry {
  private readonly active = new Map<string, Promise<ActiveSession>>();
  private closing = false;

  constructor(private readonly p: SessionRegistryParams) {}

  /** Runs a request on this instance's actor for the session, activating it if needed. */
  async execute(sessionId: string, request: SessionRequest): Promise<SessionReply> {
    for (let attempt = 0; ; attempt++) {
      const session = await this.activate(sessionId);
      let reply: SessionReply;
      try {
        reply = await query(session.ref, (sender: Ref<SessionReply>) => ({ request, sender }), this.p.commandTimeoutMs);
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith(STOPPED))) {
          return { ok: false, unavailable: 'the session did not answer in time', applied: 'unknown' };
        }
        // Passivated between lookup and send: nothing was applied; wait for it to let go, then go again.
        await session.stopped;
        reply = { ok: false, unavailable: 'the session actor stopped', applied: false };
      }
      if (reply.ok || !('unavailable' in reply) || reply.applied !== false || attempt >= 2) return reply;
    }
  }

  /** The availability document from the actor's last committed state. */
  async availability(sessionId: string): Promise<Buffer> {
    return (await this.seatMap(sessionId)).body;
  }

  /** The availability document and its version, from the actor's last committed state. */
  async seatMap(sessionId: string): Promise<SeatMap> {
    const session = await this.activate(sessionId);
    return session.json(session.committed, session.committedVersion);
  }

  isActive(sessionId: string): boolean {
    return this.active.has(sessionId);
  }

  get size(): number {
    return this.active.size;
  }

  /** Stops one session's actor (after its pending commits) and releases its lease. */
  async passivate(sessionId: string): Promise<void> {
    const entry = this.active.get(sessionId);
    if (!entry) return;
    const session = await entry.catch(() => undefined);
    if (!session) return;
    stop(session.ref);
    await session.stopped;
  }

  /**
   * Stops every actor after its last commit and releases every lease, and takes no new session: used on shutdown
   * to hand sessions over to the other instances.
   */
  async stopAll(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.active.keys()].map((id) => this.passivate(id)));
  }

  private activate(sessionId: string): Promise<ActiveSession> {
    let entry = this.active.get(sessionId);
    if (!entry) {
      entry = this.start(sessionId);
      this.active.set(sessionId, entry);
      entry.catch(() => {
        if (this.active.get(sessionId) === entry) this.active.delete(sessionId);
      });
    }
    return entry;
  }

  private async start(sessionId: string): Promise<ActiveSession> {
    const { p } = this;
    if (this.closing) throw new SessionOwnedElsewhereError(sessionId); // shutting down: let another instance have it
    const lease = await p.leases.acquire(`session:${sessionId}`);
    if (!lease) throw new SessionOwnedElsewhereError(sessionId);
    let activation;
    try {
      activation = await p.store.activate(sessionId);
    } catch (error) {
      await lease.release();
      throw new ServiceUnavailableError('Could not load the session', error);
    }
    if (!activation) {
      await lease.release();
      throw new NotFoundError(`Session ${sessionId} not found`);
    }
    const { epoch, state, version } = activation;
    const log = p.logger.child({ sessionId, epoch });
    let ref: Ref<SessionMessage> | undefined;
    let markStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (markStopped = resolve));

    const committer = new GroupCommitter({
      sessionId,
      epoch,
      version,
      commit: (batch) => p.store.commit(batch),
      onCommitted: (committed, size, seconds, committedVersion) => {
        session.committed = committed;
        session.committedVersion = committedVersion;
        p.metrics.commitBatchSize.observe(size);
        p.metrics.commitDuration.observe(seconds);
        p.onCommitted?.(sessionId);
      },
      onFailed: (error) => {
        p.metrics.commitFailures.inc();
        log.error('commit failed; stopping the session actor', { error });
        if (ref) stop(ref);
      },
    });

    const afterStop = async (_: SessionState, ctx: { mailbox: unknown[] }) => {
      // nact hands over what was still queued ({ message, sender } pairs): none of it ran, so it may be resent.
      for (const queued of ctx.mailbox as { message: SessionMessage }[]) {
        const r: SessionReply = { ok: false, unavailable: 'the session actor stopped', applied: false };
        dispatch(queued.message.sender as Ref<SessionReply>, r);
      }
      await committer.idle();
      try {
        await lease.release();
      } catch (error) {
        log.warn('lease release failed; it will lapse by itself', { error });
      }
      if (this.active.get(sessionId) === entryPromise) this.active.delete(sessionId);
      p.metrics.actorsAlive.dec();
      log.debug('session actor stopped');
      markStopped();
    };

    ref = spawn(p.system, sessionActorBehaviour({
      committer,
      expiry: p.expiry,
      metrics: p.metrics,
      logger: log,
      clock: p.clock,
      newId: p.newId,
      ttlMs: p.ttlMs,
      maxSeats: p.maxSeats,
      maxSeatsPerUser: p.maxSeatsPerUser,
      salesCloseMs: p.salesCloseMs,
    }), `session-${sessionId}`, { initialState: state, shutdownAfter: p.idleMs, afterStop });

    const session: ActiveSession = {
      ref,
      committer,
      lease,
      stopped,
      committed: state,
      committedVersion: version,
      json: createAvailabilityCache(),
    };
    const entryPromise = this.active.get(sessionId);
    lease.signal.addEventListener('abort', () => {
      log.warn('lease lost; stopping the session actor at once');
      committer.abort(new ServiceUnavailableError(`Lease on session ${sessionId} lost`));
      stop(session.ref);
    }, { once: true });
    p.metrics.actorsAlive.inc();
    const due = nextExpiry(state);
    if (due !== undefined) p.expiry.schedule(sessionId, due);
    log.debug('session actor started');
    return session;
  }
}
