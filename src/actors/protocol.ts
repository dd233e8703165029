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

/** The nact message: a request plus where its reply goes. */
export interface SessionMessage {
  readonly request: SessionRequest;
  readonly sender: unknown;
}
