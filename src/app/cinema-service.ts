import type { Refusal } from '../errors';
import type { SeatingSpec } from '../domain';
import type { SeatMap } from './ports';
import type { ReservationView, SaleView, SessionView, UserSalesView } from './views';

/** A page of a list: `limit` items after skipping `offset`. */
export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface NewSession {
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly ticketPrice: number;
  readonly numberOfSeats: number;
  readonly seatsPerRow: number;
  readonly layout?: NewSessionLayout;
}

/** The seating plan as the API takes it: like the domain's SeatingSpec, with prices in currency units. */
export type NewSessionLayout = Omit<SeatingSpec, 'categories'> & {
  readonly categories?: readonly { name: string; price: number; rows?: readonly string[]; seats?: readonly string[] }[];
};

/** A hold of the seats named, or best available: `quantity` adjacent seats (of `category` when given). */
export interface ReserveInput {
  readonly sessionId: string;
  readonly userId: string;
  readonly seatNumbers?: readonly string[];
  readonly quantity?: number;
  readonly category?: string;
}

/**
 * The use cases behind the REST API. The seat commands (reserve, confirm, cancel) return their expected refusals
 * (409, 410, 404, 403, 400) as `Refusal` values; everything else, and every outage (503), is thrown as an AppError.
 */
export interface CinemaService {
  createSession(input: NewSession): Promise<SessionView>;
  listSessions(page: Page): Promise<SessionView[]>;
  /** The session, or a 404 refusal (a value, like every expected outcome). */
  getSession(sessionId: string): Promise<SessionView | Refusal>;
  /** The availability document as UTF-8 JSON bytes with its version (serialized once per change of the session). */
  availability(sessionId: string): Promise<SeatMap>;
  reserve(input: ReserveInput): Promise<ReservationView | Refusal>;
  /** Adds the extension time to a pending hold of the user's (at most MAX_EXTENSIONS times). */
  extendReservation(input: { reservationId: string; userId: string }): Promise<ReservationView | Refusal>;
  /** Cancels the screening: holds released, sold seats refunded. Idempotent. */
  cancelSession(sessionId: string): Promise<SessionView | Refusal>;
  /** The reservation, or a 404 refusal. */
  getReservation(reservationId: string): Promise<ReservationView | Refusal>;
  listUserReservations(userId: string, page: Page): Promise<ReservationView[]>;
  confirmPayment(input: { reservationId: string; userId: string }): Promise<SaleView[] | Refusal>;
  /** Without `userId`, the box office cancels whoever's reservation it is (the caller checked the admin role). */
  cancelReservation(input: { reservationId: string; userId?: string }): Promise<ReservationView | Refusal>;
  listSales(page: Page): Promise<SaleView[]>;
  /** The page of purchases, with totals over all of the user's purchases. */
  userSales(userId: string, page: Page): Promise<UserSalesView>;
}
