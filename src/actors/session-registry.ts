import { dispatch, query, spawn, stop, type ActorSystemRef, type Ref } from 'nact';
import type { ExpiryScheduler, Lease, LeaseManager, SeatMap } from '../app/ports';
import { nextExpiry, type SessionState } from '../domain';
import { NotFoundError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { SeatStateStore } from '../persistence/seat-state-store';
import { availabilityDocument, createAvailabilityCache } from './availability-document';
import { GroupCommitter } from './group-committer';
import { InstanceCommitter } from './instance-committer';
import type { Delivery, SessionMessage, SessionReply, SessionRequest } from './protocol';
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
  readonly extensionMs: number;
  readonly maxExtensions: number;
  /** MAX_SEATS_PER_USER_PER_SESSION, enforced by each session's decider. */
  readonly maxSeatsPerUser: number;
  /** Sales close this long before a session starts (SALES_CLOSE_MINUTES_BEFORE). */
  readonly salesCloseMs?: number;
  readonly idleMs: number;
  readonly commandTimeoutMs: number;
  /** Called after each successful commit (e.g. to nudge the outbox relay). */
  readonly onCommitted?: (sessionId: string) => void;
  /**
   * Seat maps of sessions not active here, kept between reads. Only where this instance is the only writer (one
   * instance): a session changes only through its actor here, and activating it drops its entry. In the cluster
   * another instance may own the session; its non-owners read the read model instead (README, "The read side").
   */
  readonly idleSeatMaps?: SeatMapCache;
}

/** Where idle sessions' seat maps are kept between reads (an LRU cache bounded by bytes, in src/main.ts). */
export interface SeatMapCache {
  get(sessionId: string): SeatMap | undefined;
  set(sessionId: string, seatMap: SeatMap): unknown;
  delete(sessionId: string): unknown;
}

/** A message sent to an actor and not yet taken by it, with where its answer goes. */
interface Unanswered {
  readonly delivery: Delivery;
  sender?: Ref<SessionReply>;
}

/** Options of one request: who forwarded it and until when its caller waits. */
export interface ExecuteOptions {
  /** Id of a forwarded command (recorded with its change, see the README's exactly-once section). */
  readonly commandId?: string;
  /** Epoch ms after which the caller no longer waits; the default is now + COMMAND_TIMEOUT_MS. */
  readonly deadline?: number;
}

interface ActiveSession {
  readonly ref: Ref<SessionMessage>;
  /** Messages sent and not yet taken: nact drops some of them on stop, so afterStop answers them itself. */
  readonly unanswered: Set<Unanswered>;
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
  /** The sessions' batches ready at the same time share one transaction, fenced per session. */
  private readonly transactions: InstanceCommitter;

  constructor(private readonly p: SessionRegistryParams) {
    this.transactions = new InstanceCommitter({
      commitTogether: (batches) => p.store.commitTogether(batches),
      onTransaction: (sessions) => p.metrics.commitSessions.observe(sessions),
    });
  }

  /**
   * Runs a request on this instance's actor for the session, activating it if needed. A request the actor answers
   * "not applied" (it stopped first, or a commit before it failed) runs again on the next activation, until the
   * deadline.
   */
  async execute(sessionId: string, request: SessionRequest, options: ExecuteOptions = {}): Promise<SessionReply> {
    const deadline = options.deadline ?? this.p.clock() + this.p.commandTimeoutMs;
    for (;;) {
      const session = await this.activate(sessionId);
      const left = deadline - this.p.clock();
      if (left <= 0) return { ok: false, unavailable: 'the request outlived its deadline', applied: false };
      const entry: Unanswered = { delivery: { taken: false, deadline, commandId: options.commandId } };
      session.unanswered.add(entry);
      let reply: SessionReply;
      try {
        reply = await query(
          session.ref,
          (sender: Ref<SessionReply>) => {
            entry.sender = sender;
            return { request, sender, delivery: entry.delivery };
          },
          left,
        );
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith(STOPPED))) {
          return { ok: false, unavailable: 'the session did not answer in time', applied: 'unknown' };
        }
        // Stopped between lookup and send: nothing was applied.
        reply = { ok: false, unavailable: 'the session actor stopped', applied: false };
      } finally {
        session.unanswered.delete(entry);
      }
      if (reply.ok || !('unavailable' in reply) || reply.applied !== false || this.p.clock() >= deadline) return reply;
      // Not applied: wait for this actor to let go (its stop is under way), then go again on a fresh activation.
      await session.stopped;
    }
  }

  /**
   * The availability document of the session's last committed state: from the actor's memory when it is active
   * here, otherwise read from the committed rows. A read never activates a session: it takes no lease and bumps no
   * epoch.
   */
  async availability(sessionId: string): Promise<Buffer> {
    return (await this.seatMap(sessionId)).body;
  }

  /**
   * The availability document and its version: from the actor's last committed state when the session is active
   * here, otherwise from the committed rows (no lease taken, no epoch bumped).
   */
  async seatMap(sessionId: string): Promise<SeatMap> {
    const session = await this.active.get(sessionId)?.catch(() => undefined);
    if (session) return session.json(session.committed, session.committedVersion);
    const cache = this.p.idleSeatMaps;
    const kept = cache?.get(sessionId);
    if (kept) return kept;
    const committed = await this.p.store.read(sessionId);
    if (!committed) throw new NotFoundError(`Session ${sessionId} not found`);
    const { state, version } = committed;
    const seatMap = { sessionId, version, body: Buffer.from(JSON.stringify(availabilityDocument(state, version))) };
    // Kept unless the session was activated while its rows were read (a change may follow) or a newer map is kept.
    if (cache && !this.active.has(sessionId) && (cache.get(sessionId)?.version ?? -1) < version) cache.set(sessionId, seatMap);
    return seatMap;
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
      this.p.idleSeatMaps?.delete(sessionId);
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
      commit: (batch) => this.transactions.commit(batch),
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

    const unanswered = new Set<Unanswered>();
    const afterStop = async () => {
      // nact hands afterStop its mailbox, but not the message whose handling it had scheduled (setImmediate) and
      // cancelled by stopping: so every message sent and never taken is answered here. None of them ran.
      for (const entry of unanswered) {
        if (entry.delivery.taken || !entry.sender) continue;
        dispatch(entry.sender, { ok: false, unavailable: 'the session actor stopped', applied: false } satisfies SessionReply);
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
      extensionMs: p.extensionMs,
      maxExtensions: p.maxExtensions,
      maxSeatsPerUser: p.maxSeatsPerUser,
      salesCloseMs: p.salesCloseMs,
    }), `session-${sessionId}`, { initialState: state, shutdownAfter: p.idleMs, afterStop });

    const session: ActiveSession = {
      ref,
      unanswered,
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
