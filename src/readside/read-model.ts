import { createAvailabilityCache } from '../actors/availability-document';
import type { AvailabilityReader, SeatChange, SeatMap, SeatMapFeed, SeatMapUpdate } from '../app/ports';
import { availableSeatCount, evolve, type SessionState } from '../domain';
import { NotFoundError, ServiceUnavailableError } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { CommittedSeatStates } from '../persistence/committed-seat-state';
import { decodeEventPayload, eventTime, seatsOf, type VersionedEvent } from '../persistence/event-decoder';

/**
 * The read model of one instance: for each session its clients asked about, the availability document kept up to
 * date from the committed events (the events topic in the cluster, the in-process bus on one instance). See README,
 * "The read side".
 */
export interface ReadModel extends AvailabilityReader, SeatMapFeed {
  /** Applies one event payload as relayed from the outbox; anything that is not a valid seat event is ignored. */
  apply(payload: unknown): void;
  readonly size: number;
}

export interface ReadModelParams {
  readonly committed: CommittedSeatStates;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: () => number;
  /** How long ago the event source was last known to have delivered everything published (0: in-process). */
  readonly feedLagMs: () => number;
  /** Past this lag, reads come from the committed rows in Postgres instead. */
  readonly maxLagMs: number;
  /** Sessions kept in memory; the least recently read without followers are dropped beyond it. */
  readonly maxSessions: number;
  /** Changes kept per session for followers that resume (Last-Event-ID). */
  readonly recentChanges?: number;
}

type Listener = (update: SeatMapUpdate) => void;

interface Entry {
  readonly sessionId: string;
  state: SessionState;
  version: number;
  /** The last changes, contiguous, the newest last (its version is `version`). */
  recent: SeatChange[];
  readonly listeners: Set<Listener>;
  readonly seatMap: (state: SessionState, version: number) => SeatMap;
  /** A reload from the committed rows in flight; events that arrive meanwhile wait in `held`. */
  reloading?: Promise<void>;
  readonly held: VersionedEvent[];
}

export function createReadModel(params: ReadModelParams): ReadModel {
  const { committed, metrics, logger } = params;
  const keep = params.recentChanges ?? 512;
  const entries = new Map<string, Entry>();
  /** Sessions being loaded, with the events that arrived while their rows were read. */
  const loading = new Map<string, { promise: Promise<Entry | null>; held: VersionedEvent[] }>();

  const seatMapOf = (e: Entry) => e.seatMap(e.state, e.version);
  const notify = (e: Entry, update: SeatMapUpdate) => {
    for (const listener of e.listeners) listener(update);
  };

  /** Takes the committed rows when they are newer; followers then get the whole document. */
  const adopt = (e: Entry, loaded: { state: SessionState; version: number } | null) => {
    if (!loaded || loaded.version <= e.version) return;
    e.state = loaded.state;
    e.version = loaded.version;
    e.recent = [];
    notify(e, { kind: 'snapshot', seatMap: seatMapOf(e) });
  };

  const reload = (e: Entry): Promise<void> => {
    if (e.reloading) return e.reloading;
    const reloading = committed
      .load(e.sessionId)
      .then((loaded) => adopt(e, loaded))
      .catch((error: unknown) => {
        logger.warn('read model reload failed', { sessionId: e.sessionId, error });
      })
      .finally(() => {
        e.reloading = undefined;
        for (const held of e.held.splice(0)) applyTo(e, held);
      });
    e.reloading = reloading;
    return reloading;
  };

  function applyTo(e: Entry, v: VersionedEvent): void {
    if (e.reloading) {
      e.held.push(v);
      return;
    }
    if (v.version <= e.version) return; // already applied (a re-delivery, or the rows were newer)
    if (v.version > e.version + 1) {
      // A change is missing: the rows know the answer.
      e.held.push(v);
      void reload(e);
      return;
    }
    const next = evolve(e.state, v.event);
    e.state = next;
    e.version = v.version;
    metrics.readModelStaleness.observe(Math.max(0, params.clock() - eventTime(v.event)) / 1000);
    if (next.cancelledAt !== undefined) {
      // A cancelled screening changes every seat (all CANCELLED): followers get the whole document, and a resume
      // across the cancellation gets it too (no recent changes to replay).
      e.recent = [];
      notify(e, { kind: 'snapshot', seatMap: seatMapOf(e) });
      return;
    }
    const change: SeatChange = {
      sessionId: e.sessionId,
      version: v.version,
      type: v.event.type,
      seats: seatsOf(v.event).map((seatNumber) => ({ seatNumber, status: next.taken.get(seatNumber)?.status ?? 'AVAILABLE' })),
      availableSeats: availableSeatCount(next),
    };
    e.recent.push(change);
    if (e.recent.length > keep) e.recent.splice(0, e.recent.length - keep);
    notify(e, { kind: 'change', change });
  }

  const evict = () => {
    metrics.readModelSessions.set(entries.size);
    if (entries.size <= params.maxSessions) return;
    for (const [id, e] of entries) {
      if (entries.size <= params.maxSessions) break;
      if (e.listeners.size === 0 && !e.reloading) entries.delete(id);
    }
  };

  /** The session's entry, loaded from the committed rows on first use. */
  const ensure = async (sessionId: string): Promise<Entry> => {
    const known = entries.get(sessionId);
    if (known) {
      entries.delete(sessionId); // most recently used last
      entries.set(sessionId, known);
      return known;
    }
    let pending = loading.get(sessionId);
    if (!pending) {
      const held: VersionedEvent[] = [];
      const promise = committed.load(sessionId).then(
        (loaded) => {
          loading.delete(sessionId);
          if (!loaded) return null;
          const e: Entry = {
            sessionId,
            state: loaded.state,
            version: loaded.version,
            recent: [],
            listeners: new Set(),
            seatMap: createAvailabilityCache(),
            held: [],
          };
          entries.set(sessionId, e);
          evict();
          for (const v of held) applyTo(e, v);
          return e;
        },
        (error: unknown) => {
          loading.delete(sessionId);
          throw error;
        },
      );
      pending = { promise, held };
      loading.set(sessionId, pending);
    }
    const e = await pending.promise;
    if (!e) throw new NotFoundError(`Session ${sessionId} not found`);
    return e;
  };

  return {
    apply(payload) {
      const v = decodeEventPayload(payload);
      if (!v) return;
      const e = entries.get(v.sessionId);
      if (e) applyTo(e, v);
      else loading.get(v.sessionId)?.held.push(v);
    },

    async read(sessionId) {
      const e = await ensure(sessionId);
      if (params.feedLagMs() > params.maxLagMs) {
        // Too far behind to answer from memory: the committed rows, never an older document.
        metrics.readModelFallbacks.inc();
        let loaded;
        try {
          loaded = await committed.load(sessionId);
        } catch (error) {
          throw new ServiceUnavailableError('The seat map is neither current in memory nor readable from the database', error);
        }
        adopt(e, loaded);
      }
      return seatMapOf(e);
    },

    async follow(sessionId, since, listener) {
      const e = await ensure(sessionId);
      // A follower that saw a newer version elsewhere (another instance) is served once this one has it too.
      if (since !== undefined && since > e.version) await reload(e);
      if (since === undefined || since > e.version) {
        listener({ kind: 'snapshot', seatMap: seatMapOf(e) });
      } else if (since < e.version) {
        const missed = e.recent.filter((c) => c.version > since);
        if (missed.length === e.version - since) for (const change of missed) listener({ kind: 'change', change });
        else listener({ kind: 'snapshot', seatMap: seatMapOf(e) });
      }
      e.listeners.add(listener);
      return { current: () => seatMapOf(e), close: () => void e.listeners.delete(listener) };
    },

    get size() {
      return entries.size;
    },
  };
}
