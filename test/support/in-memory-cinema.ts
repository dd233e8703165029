/**
 * The cinema use cases over in-memory ports: tables kept in Maps, and a session router that runs the real seat
 * rules (decide/evolve) one request at a time, like the session actor does, and writes each change to the tables at
 * once (as if every commit were durable immediately). An activation rebuilds a session's memory from the tables,
 * loading only its live reservations (pending and confirmed), as the Postgres store does.
 *
 *   const world = inMemoryCinema();
 *   const session = await world.service.createSession({ ... });
 *   world.clock.advance(TTL);
 *   await world.expireDue(session.id);
 */
import { randomUUID } from 'node:crypto';
import type { SessionReply, SessionRequest } from '../../src/actors/protocol';
import { reservationAfter } from '../../src/actors/session-actor';
import { createCinemaService } from '../../src/app/cinema';
import type { CinemaService } from '../../src/app/cinema-service';
import type { SessionRouter } from '../../src/app/ports';
import {
  availableSeatCount,
  decide,
  evolveAll,
  initialState,
  type SessionCommand,
  type SessionEvent,
  type SessionState,
} from '../../src/domain';
import { NotFoundError } from '../../src/errors';
import type { ReservationQueries, ReservationRecord } from '../../src/persistence/reservation-queries';
import type { SaleQueries, SaleRecord } from '../../src/persistence/sale-queries';
import { sessionInfo, type SessionRecord } from '../../src/persistence/session-record';
import type { SessionStore } from '../../src/persistence/session-store';

export const HOLD_TTL_MS = 30_000;
export const MAX_SEATS = 10;
/** MAX_SEATS_PER_USER_PER_SESSION, as the service's default. */
export const MAX_SEATS_PER_USER = 10;

class Tables {
  readonly sessions = new Map<string, SessionRecord>();
  readonly reservations = new Map<string, ReservationRecord>();
  readonly sales: SaleRecord[] = [];

  /** What a commit of `events` writes: new reservation rows, status changes, sales, the seat count. */
  write(session: SessionRecord, events: readonly SessionEvent[], after: SessionState): void {
    for (const e of events) {
      if (e.type === 'reservation.created') {
        this.reservations.set(e.reservationId, {
          id: e.reservationId,
          sessionId: session.id,
          userId: e.userId,
          seatNumbers: e.seatNumbers,
          status: 'PENDING',
          amountCents: e.amountCents,
          expiresAt: new Date(e.expiresAt),
          createdAt: new Date(e.createdAt),
        });
      } else if (e.type === 'reservation.extended') {
        const row = this.reservations.get(e.reservationId)!;
        this.reservations.set(row.id, { ...row, expiresAt: new Date(e.expiresAt) });
      } else if (e.type === 'sale.refunded') {
        const row = this.reservations.get(e.reservationId)!;
        this.reservations.set(row.id, { ...row, status: 'REFUNDED' });
        const sale = this.sales.findIndex((x) => x.id === e.saleId);
        this.sales[sale] = { ...this.sales[sale], refundedAt: new Date(e.at) };
      } else if (e.type === 'payment.confirmed' || e.type === 'reservation.expired' || e.type === 'reservation.cancelled') {
        const row = this.reservations.get(e.reservationId);
        if (!row) throw new Error(`no row for ${e.reservationId}`);
        const status = e.type === 'payment.confirmed' ? 'CONFIRMED' : e.type === 'reservation.expired' ? 'EXPIRED' : 'CANCELLED';
        this.reservations.set(row.id, { ...row, status });
        if (e.type === 'payment.confirmed') {
          for (const s of e.sales) {
            this.sales.push({
              id: s.id,
              reservationId: e.reservationId,
              sessionId: session.id,
              seatNumber: s.seatNumber,
              userId: e.userId,
              amountCents: s.amountCents,
              movieName: session.movieName,
              sessionStartTime: session.startTime,
              roomNumber: session.roomNumber,
              paidAt: new Date(e.paidAt),
            });
          }
        }
      }
    }
    const cancelled = after.cancelledAt === undefined ? {} : { cancelledAt: new Date(after.cancelledAt), isActive: false };
    this.sessions.set(session.id, { ...this.sessions.get(session.id)!, availableSeats: availableSeatCount(after), ...cancelled });
  }

  /** The live state of a session as an activation loads it: pending and confirmed reservations, with their sales. */
  load(session: SessionRecord): SessionState {
    const facts: SessionEvent[] = [];
    for (const r of this.reservations.values()) {
      if (r.sessionId !== session.id || (r.status !== 'PENDING' && r.status !== 'CONFIRMED')) continue;
      const { id: reservationId, userId, seatNumbers, amountCents } = r;
      facts.push({ type: 'reservation.created', reservationId, userId, seatNumbers, amountCents, createdAt: +r.createdAt, expiresAt: +r.expiresAt });
      const sales = this.sales.filter((s) => s.reservationId === r.id);
      if (r.status === 'CONFIRMED') {
        const lines = sales.map((s) => ({ id: s.id, seatNumber: s.seatNumber, amountCents: s.amountCents }));
        facts.push({ type: 'payment.confirmed', reservationId, userId, sales: lines, paidAt: +sales[0].paidAt });
      }
    }
    return evolveAll(initialState(sessionInfo(session)), facts);
  }
}

const newestFirst = (a: SaleRecord, b: SaleRecord) => +b.paidAt - +a.paidAt || a.id.localeCompare(b.id);

/** `othersReservations` and `salesCloseMs` as the service is configured (src/app/cinema.ts, CinemaDeps). */
export function inMemoryCinema(options: { start?: number; othersReservations?: 'forbidden' | 'not-found'; salesCloseMs?: number } = {}) {
  const tables = new Tables();
  let now = options.start ?? Date.UTC(2030, 0, 1, 19, 0, 0);
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const memory = new Map<string, SessionState>();
  let outage: string | undefined;

  const sessions: SessionStore = {
    async create(s) {
      const record: SessionRecord = { ...s, availableSeats: s.totalSeats, isActive: true };
      tables.sessions.set(record.id, record);
      return record;
    },
    list: async (limit, offset) =>
      [...tables.sessions.values()].sort((a, b) => +a.startTime - +b.startTime || a.id.localeCompare(b.id)).slice(offset, offset + limit),
    get: async (id) => tables.sessions.get(id) ?? null,
  };
  const reservations: ReservationQueries = {
    byId: async (id) => tables.reservations.get(id) ?? null,
    byUser: async (userId, limit, offset) =>
      [...tables.reservations.values()]
        .filter((r) => r.userId === userId)
        .sort((a, b) => +b.createdAt - +a.createdAt || a.id.localeCompare(b.id))
        .slice(offset, offset + limit),
  };
  const sales: SaleQueries = {
    page: async (limit, offset) => [...tables.sales].sort(newestFirst).slice(offset, offset + limit),
    byUser: async (userId, limit, offset) =>
      tables.sales.filter((s) => s.userId === userId).sort(newestFirst).slice(offset, offset + limit),
    userTotals: async (userId) => {
      const mine = tables.sales.filter((s) => s.userId === userId);
      return { count: mine.length, totalCents: mine.reduce((sum, s) => sum + s.amountCents, 0) };
    },
    byReservation: async (id) =>
      tables.sales.filter((s) => s.reservationId === id).sort((a, b) => a.seatNumber.localeCompare(b.seatNumber)),
  };

  /** The request completed with the actor's clock and fresh ids, as the session actor does. */
  function toCommand(request: SessionRequest, state: SessionState): SessionCommand {
    switch (request.type) {
      case 'HoldSeats':
        return { ...request, now, ttlMs: HOLD_TTL_MS, maxSeats: MAX_SEATS, maxSeatsPerUser: MAX_SEATS_PER_USER };
      case 'ConfirmPayment': {
        const seats = state.reservations.get(request.reservationId)?.seatNumbers.length ?? 0;
        return { ...request, now, saleIds: Array.from({ length: seats }, () => randomUUID()) };
      }
      case 'CancelReservation':
        return { ...request, now };
      case 'ExpireDue':
        return { type: 'ExpireDue', now };
      case 'HoldBestAvailable':
        return { ...request, now, ttlMs: HOLD_TTL_MS, maxSeats: MAX_SEATS, maxSeatsPerUser: MAX_SEATS_PER_USER };
      case 'ExtendHold':
        return { ...request, now, extensionMs: 60_000, maxExtensions: 1 };
      case 'CancelSession':
        return { type: 'CancelSession', now };
    }
  }

  function activate(sessionId: string): { record: SessionRecord; state: SessionState } {
    const record = tables.sessions.get(sessionId);
    if (!record) throw new NotFoundError(`Session ${sessionId} not found`);
    const state = memory.get(sessionId) ?? tables.load(record);
    memory.set(sessionId, state);
    return { record, state };
  }

  const router: SessionRouter = {
    async execute(sessionId, request): Promise<SessionReply> {
      if (outage) return { ok: false, unavailable: outage, applied: false };
      const { record, state } = activate(sessionId);
      const decision = decide(toCommand(request, state), state);
      if (!decision.ok) return { ok: false, error: decision.error };
      const next = evolveAll(state, decision.events);
      tables.write(record, decision.events, next);
      memory.set(sessionId, next);
      const { movieName, startTime, roomNumber } = next.info;
      const facts = { sessionId, movieName, startTime, roomNumber };
      if (!('reservationId' in request)) return { ok: true, session: facts };
      return { ok: true, session: facts, reservation: reservationAfter(state, next, decision.events, request.reservationId) };
    },
    async availability(sessionId) {
      const { state } = activate(sessionId);
      return Buffer.from(JSON.stringify({ sessionId, availableSeats: availableSeatCount(state) }));
    },
  };

  /** Availability as the owner answers it; these in-memory tables do not count events, so the version stays 0. */
  const seatMaps = {
    read: async (sessionId: string) => ({ sessionId, version: 0, body: await router.availability(sessionId) }),
  };
  const { othersReservations, salesCloseMs } = options;
  const deps = { sessions, reservations, sales, router, seatMaps, clock: clock.now, newId: () => randomUUID(), othersReservations, salesCloseMs };
  return {
    service: createCinemaService(deps) as CinemaService,
    /** The same use cases on another instance: same tables and sessions, but nothing remembered from this one. */
    otherInstance: (): CinemaService => createCinemaService(deps),
    /** The use cases over the same tables with the session router as `wrap` changes it (a faulty owner, say). */
    withRouter: (wrap: (router: SessionRouter) => SessionRouter): CinemaService => createCinemaService({ ...deps, router: wrap(router) }),
    clock,
    /** Runs the expiry timer of a session now. */
    expireDue: (sessionId: string) => router.execute(sessionId, { type: 'ExpireDue' }),
    /** The session's actor lets go of its memory; the next request activates it again from the tables. */
    passivate: (sessionId: string) => void memory.delete(sessionId),
    /** The actor's memory no longer holds this reservation while its row stays (a lagging or rebuilt memory). */
    actorForgets(sessionId: string, reservationId: string) {
      const state = memory.get(sessionId);
      if (!state) throw new Error(`session ${sessionId} is not active`);
      const kept = new Map(state.reservations);
      kept.delete(reservationId);
      memory.set(sessionId, { ...state, reservations: kept });
    },
    /** Every session answers that it cannot serve requests, until `outage` is set back to undefined. */
    setOutage: (reason: string | undefined) => void (outage = reason),
  };
}
