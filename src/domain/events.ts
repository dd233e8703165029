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
    };

export type SessionEventType = SessionEvent['type'];
