import { LRUCache } from 'lru-cache';
import type { SessionReply } from '../actors/protocol';
import { fromCents, resolveSeating, seatLabels, toCents, type SeatingSpec } from '../domain';
import { NotFoundError, Refusal, refusals, ServiceUnavailableError, ValidationError } from '../errors';
import type { ReservationQueries, ReservationRecord } from '../persistence/reservation-queries';
import type { SaleQueries } from '../persistence/sale-queries';
import type { SessionRecord } from '../persistence/session-record';
import type { SessionStore } from '../persistence/session-store';
import type { CinemaService, NewSession } from './cinema-service';
import { domainRefusal } from './domain-errors';
import type { AvailabilityReader, SessionRouter } from './ports';
import { reservationRecordView, reservationView, salesOfReservation, saleView, sessionView } from './view-mappers';

export interface CinemaDeps {
  readonly sessions: SessionStore;
  readonly reservations: ReservationQueries;
  readonly sales: SaleQueries;
  readonly router: SessionRouter;
  /** Availability is answered on this instance (the owner's actor or the read model). */
  readonly seatMaps: AvailabilityReader;
  readonly clock: () => number;
  readonly newId: () => string;
  /**
   * How to answer for another user's reservation: `forbidden` (403, open mode, where the body names the user) or
   * `not-found` (404, with authentication: never a hint that someone else's reservation exists).
   */
  readonly othersReservations?: 'forbidden' | 'not-found';
  /** SALES_CLOSE_MINUTES_BEFORE in ms: sessions read inactive from then on. */
  readonly salesCloseMs?: number;
}

type Accepted = Extract<SessionReply, { ok: true }>;

/** An accepted reply, or the refusal (a value) the seat rules answered; an outage is thrown (503). */
function accepted(reply: SessionReply): Accepted | Refusal {
  if (reply.ok) return reply;
  if ('error' in reply) return domainRefusal(reply.error);
  throw new ServiceUnavailableError(`Session unavailable: ${reply.unavailable}`);
}

/** Cancelling a hold that had already expired: 409, its seats were released by the expiry (README, API). */
function expiredBeforeCancel(): Refusal {
  return refusals.conflict('The reservation expired before it was cancelled; its seats were already released', 'Reservation expired');
}

/** Where a reservation lives and whose it is: both fixed at creation, so they can be remembered. */
interface ReservationOwner {
  readonly sessionId: string;
  readonly userId: string;
}

const REMEMBERED_RESERVATIONS = 100_000;

/** The use cases: writes go to the session's actor, reads of history come from Postgres. */
export function createCinemaService(deps: CinemaDeps): CinemaService {
  const { sessions, reservations, sales, router, clock, newId } = deps;
  const view = (record: SessionRecord) => sessionView(record, clock(), deps.salesCloseMs);
  // Confirm and cancel need the reservation's session; reservations made here skip the database read.
  const owners = new LRUCache<string, ReservationOwner>({ max: REMEMBERED_RESERVATIONS });

  /** The reservation's session; 404 when unknown, 403 (or 404) when it is someone else's; anyone's without userId. */
  async function ownReservation(reservationId: string, userId: string | undefined): Promise<ReservationOwner | Refusal> {
    let owner = owners.get(reservationId);
    // Stryker disable next-line ConditionalExpression: a cache; the stored row, written before the hold was answered, names the same owner
    if (!owner) {
      const record = await reservations.byId(reservationId);
      if (!record) return refusals.notFound(`Reservation ${reservationId} not found`);
      owner = { sessionId: record.sessionId, userId: record.userId };
      owners.set(reservationId, owner);
    }
    if (userId !== undefined && owner.userId !== userId) {
      if (deps.othersReservations === 'not-found') return refusals.notFound(`Reservation ${reservationId} not found`);
      return refusals.forbidden('This reservation belongs to another user');
    }
    return owner;
  }

  /** The session's actor no longer holds this reservation in memory: it ended before the last activation. */
  async function endedReservation(reservationId: string): Promise<ReservationRecord> {
    const record = await reservations.byId(reservationId);
    if (!record || record.status === 'PENDING') throw new ServiceUnavailableError('Reservation state is settling; retry');
    return record;
  }

  return {
    async createSession(input) {
      if (Date.parse(input.startTime) <= clock()) {
        throw new ValidationError('A session cannot start in the past.', [{ path: 'body.startTime', message: 'must be in the future' }]);
      }
      const seating = seatingOf(input);
      const record = await sessions.create({
        id: newId(),
        movieName: input.movieName,
        startTime: new Date(input.startTime),
        roomNumber: input.roomNumber,
        priceCents: toCents(input.ticketPrice),
        totalSeats: input.numberOfSeats,
        seatsPerRow: input.seatsPerRow,
        createdAt: new Date(clock()),
        ...(seating ? { seating } : {}),
      });
      return view(record);
    },
    async listSessions({ limit, offset }) {
      return (await sessions.list(limit, offset)).map(view);
    },
    async getSession(sessionId) {
      const record = await sessions.get(sessionId);
      if (!record) return refusals.notFound(`Session ${sessionId} not found`);
      return view(record);
    },
    availability: (sessionId) => deps.seatMaps.read(sessionId),

    async reserve({ sessionId, seatNumbers, userId, quantity, category }) {
      const reservationId = newId();
      const request = seatNumbers
        ? ({ type: 'HoldSeats', reservationId, userId, seatNumbers } as const)
        : ({ type: 'HoldBestAvailable', reservationId, userId, quantity: quantity ?? 0, ...(category ? { category } : {}) } as const);
      const reply = accepted(await router.execute(sessionId, request));
      if (reply instanceof Refusal) return reply;
      if (!reply.reservation) throw new ServiceUnavailableError('The session did not return the reservation');
      owners.set(reservationId, { sessionId, userId });
      return reservationView(sessionId, reply.reservation);
    },
    async getReservation(reservationId) {
      const record = await reservations.byId(reservationId);
      if (!record) return refusals.notFound(`Reservation ${reservationId} not found`);
      return reservationRecordView(record, clock());
    },
    async listUserReservations(userId, { limit, offset }) {
      const now = clock();
      return (await reservations.byUser(userId, limit, offset)).map((r) => reservationRecordView(r, now));
    },

    async confirmPayment({ reservationId, userId }) {
      const record = await ownReservation(reservationId, userId);
      if (record instanceof Refusal) return record;
      const reply = await router.execute(record.sessionId, { type: 'ConfirmPayment', reservationId, userId });
      if (!reply.ok && 'error' in reply && reply.error.code === 'RESERVATION_NOT_FOUND') {
        const ended = await endedReservation(reservationId);
        if (ended.status === 'CONFIRMED') return (await sales.byReservation(reservationId)).map(saleView);
        if (ended.status === 'EXPIRED') return refusals.gone('The reservation expired; its seats were released');
        return refusals.conflict('The reservation was cancelled', 'Reservation cancelled');
      }
      const ok = accepted(reply);
      if (ok instanceof Refusal) return ok;
      if (!ok.reservation) throw new ServiceUnavailableError('The session did not return the reservation');
      return salesOfReservation(ok.session, ok.reservation);
    },
    async cancelReservation({ reservationId, userId }) {
      const record = await ownReservation(reservationId, userId);
      if (record instanceof Refusal) return record;
      const reply = await router.execute(record.sessionId, { type: 'CancelReservation', reservationId, userId: record.userId });
      if (!reply.ok && 'error' in reply && reply.error.code === 'RESERVATION_NOT_FOUND') {
        const ended = await endedReservation(reservationId);
        if (ended.status === 'CONFIRMED') return refusals.conflict('The reservation is already paid', 'Reservation confirmed');
        if (ended.status === 'EXPIRED') return expiredBeforeCancel();
        return reservationRecordView(ended, clock());
      }
      const ok = accepted(reply);
      if (ok instanceof Refusal) return ok;
      if (!ok.reservation) throw new ServiceUnavailableError('The session did not return the reservation');
      // The hold was past its time: the actor released it as expired, not cancelled.
      if (ok.reservation.status === 'EXPIRED') return expiredBeforeCancel();
      return reservationView(record.sessionId, ok.reservation);
    },

    async extendReservation({ reservationId, userId }) {
      const record = await ownReservation(reservationId, userId);
      if (record instanceof Refusal) return record;
      const reply = await router.execute(record.sessionId, { type: 'ExtendHold', reservationId, userId });
      if (!reply.ok && 'error' in reply && reply.error.code === 'RESERVATION_NOT_FOUND') {
        const ended = await endedReservation(reservationId);
        if (ended.status === 'EXPIRED') return refusals.gone('The reservation expired; its seats were released');
        if (ended.status === 'CONFIRMED') return refusals.conflict('The reservation is already paid', 'Reservation confirmed');
        return refusals.conflict('The reservation was cancelled', 'Reservation cancelled');
      }
      const ok = accepted(reply);
      if (ok instanceof Refusal) return ok;
      if (!ok.reservation) throw new ServiceUnavailableError('The session did not return the reservation');
      return reservationView(record.sessionId, ok.reservation);
    },
    async cancelSession(sessionId) {
      const ok = accepted(await router.execute(sessionId, { type: 'CancelSession' }));
      if (ok instanceof Refusal) return ok;
      const record = await sessions.get(sessionId);
      if (!record) throw new NotFoundError(`Session ${sessionId} not found`);
      return view(record);
    },

    async listSales({ limit, offset }) {
      return (await sales.page(limit, offset)).map(saleView);
    },
    async userSales(userId, { limit, offset }) {
      const [page, totals] = await Promise.all([sales.byUser(userId, limit, offset), sales.userTotals(userId)]);
      return { userId, totalPurchases: totals.count, totalAmount: fromCents(totals.totalCents), purchases: page.map(saleView) };
    },
  };
}

/** The session's seating plan in cents, or a 400 naming each problem (overlap, a seat without category, …). */
function seatingOf(input: NewSession): SeatingSpec | undefined {
  if (!input.layout) return undefined;
  const { categories, ...rest } = input.layout;
  const spec: SeatingSpec = {
    ...rest,
    ...(categories ? { categories: categories.map(({ price, ...c }) => ({ ...c, priceCents: toCents(price) })) } : {}),
  };
  const resolved = resolveSeating(spec, seatLabels(input.numberOfSeats, input.seatsPerRow), toCents(input.ticketPrice));
  if (!resolved.ok) {
    throw new ValidationError(
      `The layout does not fit the room: ${resolved.problems.map((p) => p.message).join('; ')}`,
      resolved.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })),
    );
  }
  return spec;
}
