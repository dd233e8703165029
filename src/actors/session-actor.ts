import { dispatch, type Ref } from 'nact';
import type { ExpiryScheduler } from '../app/ports';
import {
  decide,
  evolveAll,
  nextExpiry,
  type Reservation,
  type SessionCommand,
  type SessionEvent,
  type SessionState,
} from '../domain';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { CommitFailure, GroupCommitter } from './group-committer';
import type { SessionFacts, SessionMessage, SessionReply, SessionRequest } from './protocol';

export interface SessionActorDeps {
  readonly committer: GroupCommitter;
  readonly expiry: ExpiryScheduler;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly newId: () => string;
  readonly ttlMs: number;
  readonly maxSeats: number;
  readonly extensionMs: number;
  readonly maxExtensions: number;
  readonly maxSeatsPerUser: number;
  /** SALES_CLOSE_MINUTES_BEFORE in ms (0 when absent). */
  readonly salesCloseMs?: number;
}

export function sessionFacts(state: SessionState): SessionFacts {
  const { sessionId, movieName, startTime, roomNumber } = state.info;
  return { sessionId, movieName, startTime, roomNumber };
}

/** Completes a request with the actor's clock and fresh ids: the decider itself has neither. */
function toCommand(request: SessionRequest, state: SessionState, deps: SessionActorDeps): SessionCommand {
  const now = deps.clock();
  switch (request.type) {
    case 'HoldSeats':
      return { ...request, now, ttlMs: deps.ttlMs, maxSeats: deps.maxSeats, maxSeatsPerUser: deps.maxSeatsPerUser, salesCloseMs: deps.salesCloseMs };
    case 'ConfirmPayment': {
      const seats = state.reservations.get(request.reservationId)?.seatNumbers.length ?? 0;
      return { ...request, now, saleIds: Array.from({ length: seats }, deps.newId), salesCloseMs: deps.salesCloseMs };
    }
    case 'CancelReservation':
      return { ...request, now };
    case 'ExpireDue':
      return { type: 'ExpireDue', now };
    case 'HoldBestAvailable':
      return { ...request, now, ttlMs: deps.ttlMs, maxSeats: deps.maxSeats, maxSeatsPerUser: deps.maxSeatsPerUser, salesCloseMs: deps.salesCloseMs };
    case 'ExtendHold':
      return { ...request, now, extensionMs: deps.extensionMs, maxExtensions: deps.maxExtensions };
    case 'CancelSession':
      return { type: 'CancelSession', now };
  }
}

/** The reservation as the request left it: live in the new state, or as it ended (ended ones leave memory). */
export function reservationAfter(
  before: SessionState,
  after: SessionState,
  events: readonly SessionEvent[],
  id: string,
): Reservation | undefined {
  const live = after.reservations.get(id);
  if (live) return live;
  const ending = events.find(
    (e) => (e.type === 'reservation.expired' || e.type === 'reservation.cancelled') && e.reservationId === id,
  );
  const previous = before.reservations.get(id);
  if (!ending || !previous) return undefined;
  return { ...previous, status: ending.type === 'reservation.expired' ? 'EXPIRED' : 'CANCELLED' };
}

function count(metrics: Metrics, events: readonly SessionEvent[]): void {
  for (const e of events) {
    if (e.type === 'reservation.created') metrics.holds.inc();
    else if (e.type === 'reservation.expired') metrics.expiries.inc();
    else if (e.type === 'reservation.cancelled') metrics.cancellations.inc();
    else if (e.type === 'payment.confirmed') metrics.sales.inc(e.sales.length);
  }
}

/**
 * The behaviour of one session's actor: one message at a time, decided in memory against the current state.
 * The change goes to the group committer and the actor moves on; the reply leaves when the change is durable.
 */
export function sessionActorBehaviour(deps: SessionActorDeps) {
  return (state: SessionState, message: SessionMessage): SessionState => {
    const reply = (r: SessionReply) => dispatch(message.sender as Ref<SessionReply>, r);
    const { request, delivery } = message;
    delivery.taken = true;
    if (delivery.deadline !== undefined && deps.clock() > delivery.deadline) {
      // Its caller has given up: running it now would be an effect nobody was told about.
      reply({ ok: false, unavailable: 'the request outlived its deadline', applied: false });
      return state;
    }
    const notApplied = (failure: CommitFailure): SessionReply => ({
      ok: false,
      unavailable: `the session could not commit: ${failure.error.message}`,
      applied: failure.applied,
    });
    let decision;
    try {
      decision = decide(toCommand(request, state, deps), state);
    } catch (error) {
      deps.logger.error('session decider failed', { sessionId: state.info.sessionId, request: request.type, error });
      reply({ ok: false, unavailable: 'internal error in the session actor', applied: false });
      return state;
    }
    if (!decision.ok) {
      if (decision.error.code === 'SEATS_UNAVAILABLE') deps.metrics.holdsRejected.inc();
      // A refusal decided on a state that then failed to commit is no answer at all: not applied, ask again.
      deps.committer.afterPending((failure) => reply(failure ? notApplied(failure) : { ok: false, error: decision.error }));
      return state;
    }
    const next = decision.events.length > 0 ? evolveAll(state, decision.events) : state;
    const reservationId = 'reservationId' in request ? request.reservationId : undefined;
    const reservation = reservationId ? reservationAfter(state, next, decision.events, reservationId) : undefined;
    const accepted: SessionReply = { ok: true, session: sessionFacts(next), reservation };
    const answer = (failure?: CommitFailure): void => reply(failure ? notApplied(failure) : accepted);
    if (decision.events.length === 0) {
      deps.committer.afterPending(answer);
    } else {
      // Counted once durable: a change lost with a failed commit never happened.
      deps.committer.submit(decision.events, next, (failure) => {
        if (!failure) count(deps.metrics, decision.events);
        answer(failure);
      }, delivery.commandId ? { commandId: delivery.commandId, reply: accepted } : undefined);
    }
    const due = nextExpiry(next);
    if (due !== undefined) deps.expiry.schedule(next.info.sessionId, due);
    return next;
  };
}
