import type { DomainError, Reservation } from '../domain';

/** What a caller asks of a session; the actor adds the time and fresh ids. Plain JSON: it also travels over Kafka. */
export type SessionRequest =
  | { readonly type: 'HoldSeats'; readonly reservationId: string; readonly userId: string; readonly seatNumbers: readonly string[] }
  | { readonly type: 'ConfirmPayment'; readonly reservationId: string; readonly userId: string }
  | { readonly type: 'CancelReservation'; readonly reservationId: string; readonly userId: string }
  | { readonly type: 'ExpireDue' }
  // the box office's rules
  | {
      readonly type: 'HoldBestAvailable';
      readonly reservationId: string;
      readonly userId: string;
      readonly quantity: number;
      readonly category?: string;
    }
  | { readonly type: 'ExtendHold'; readonly reservationId: string; readonly userId: string }
  | { readonly type: 'CancelSession' };

/** The session facts a reply carries so that callers can render receipts without a database read. */
export interface SessionFacts {
  readonly sessionId: string;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
}

/** The answer to a request, sent once the commit holding its change (and every change before it) is durable. */
export type SessionReply =
  | { readonly ok: true; readonly session: SessionFacts; readonly reservation?: Reservation }
  | { readonly ok: false; readonly error: DomainError }
  /** The session could not serve it; `applied: false` means it was surely not applied, so resending is safe. */
  | { readonly ok: false; readonly unavailable: string; readonly applied: false | 'unknown' };

/**
 * How one request travels to the actor. The actor marks it `taken` as it starts handling it: nact may stop an actor
 * between accepting a message and handling it, and the registry answers every message never taken "not applied"
 * (see `SessionRegistry`).
 */
export interface Delivery {
  taken: boolean;
  /** Epoch ms after which nobody waits for the answer: the actor drops the request unapplied. */
  readonly deadline?: number;
  /** Id of a forwarded command: recorded with its change in the same commit (exactly-once effect). */
  readonly commandId?: string;
}

/** The nact message: a request plus where its reply goes. */
export interface SessionMessage {
  readonly request: SessionRequest;
  readonly sender: unknown;
  readonly delivery: Delivery;
}
