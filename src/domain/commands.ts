/** What can be asked of one session. `now` and new ids are passed in: the decider has no clock and no randomness. */
export type SessionCommand =
  | {
      readonly type: 'HoldSeats';
      readonly reservationId: string;
      readonly userId: string;
      readonly seatNumbers: readonly string[];
      readonly now: number;
      readonly ttlMs: number;
      readonly maxSeats: number;
      /** Seats one user may hold or have bought in this session (MAX_SEATS_PER_USER_PER_SESSION). */
      readonly maxSeatsPerUser: number;
      /** Sales close this long before the session starts (0, the default: at its start). */
      readonly salesCloseMs?: number;
    }
  | {
      readonly type: 'ConfirmPayment';
      readonly reservationId: string;
      readonly userId: string;
      readonly now: number;
      /** One new id per seat of the reservation, used for its sales. */
      readonly saleIds: readonly string[];
      /** As on HoldSeats. */
      readonly salesCloseMs?: number;
    }
  | { readonly type: 'CancelReservation'; readonly reservationId: string; readonly userId: string; readonly now: number }
  | { readonly type: 'ExpireDue'; readonly now: number }
  | BoxOfficeCommand;

export type SessionCommandType = SessionCommand['type'];

/** The box office's commands (src/domain/box-office.ts). */
export type BoxOfficeCommand =
  | {
      readonly type: 'HoldBestAvailable';
      readonly reservationId: string;
      readonly userId: string;
      readonly quantity: number;
      readonly category?: string;
      readonly now: number;
      readonly ttlMs: number;
      readonly maxSeats: number;
      /** Seats one user may hold or have bought in this session (MAX_SEATS_PER_USER_PER_SESSION). */
      readonly maxSeatsPerUser: number;
      /** Sales close this long before the session starts (SALES_CLOSE_MINUTES_BEFORE); 0 when absent. */
      readonly salesCloseMs?: number;
    }
  | {
      readonly type: 'ExtendHold';
      readonly reservationId: string;
      readonly userId: string;
      readonly now: number;
      readonly extensionMs: number;
      readonly maxExtensions: number;
    }
  | { readonly type: 'CancelSession'; readonly now: number };
