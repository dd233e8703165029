import type { SaleLine } from './session-state';

/** Facts about one session's seats. Times are epoch milliseconds. */
export type SessionEvent =
  | {
      readonly type: 'reservation.created';
      readonly reservationId: string;
      readonly userId: string;
      readonly seatNumbers: readonly string[];
      readonly amountCents: number;
      readonly createdAt: number;
      readonly expiresAt: number;
    }
  | { readonly type: 'reservation.expired'; readonly reservationId: string; readonly seatNumbers: readonly string[]; readonly at: number }
  | { readonly type: 'reservation.cancelled'; readonly reservationId: string; readonly seatNumbers: readonly string[]; readonly at: number }
  | {
      readonly type: 'payment.confirmed';
      readonly reservationId: string;
      readonly userId: string;
      readonly sales: readonly SaleLine[];
      readonly paidAt: number;
    }
  | BoxOfficeEvent;

/** Facts of the box office's rules (src/domain/box-office.ts). */
export type BoxOfficeEvent =
  | {
      readonly type: 'reservation.extended';
      readonly reservationId: string;
      readonly userId: string;
      readonly expiresAt: number;
      /** Extensions so far, this one included. */
      readonly extensions: number;
      readonly at: number;
    }
  | { readonly type: 'session.cancelled'; readonly at: number }
  | {
      readonly type: 'sale.refunded';
      readonly saleId: string;
      readonly reservationId: string;
      readonly userId: string;
      readonly seatNumber: string;
      readonly amountCents: number;
      readonly at: number;
    };

export type SessionEventType = SessionEvent['type'];
