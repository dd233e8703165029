/**
 * The shapes the page reads from the REST API (README "API"). Fields marked optional are read when the service
 * sends them (a document version, seat categories and prices) and ignored otherwise.
 */
export interface Session {
  readonly id: string;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly ticketPrice: number;
  readonly isActive?: boolean;
  readonly status?: string;
  readonly totalSeats: number;
  readonly availableSeats: number;
}

export interface Seat {
  readonly seatNumber: string;
  readonly row?: string;
  /** AVAILABLE, RESERVED or SOLD; any other value is shown as not for sale. */
  readonly status: string;
  readonly category?: string | { readonly name?: string; readonly price?: number };
  readonly price?: number;
  readonly wheelchair?: boolean;
}

export interface Availability {
  readonly sessionId: string;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly ticketPrice: number;
  readonly totalSeats: number;
  readonly availableSeats: number;
  readonly version?: number;
  /** ON_SALE, or CANCELLED once the screening was cancelled (when the service reports it). */
  readonly status?: string;
  readonly seats: readonly Seat[];
}

export interface Reservation {
  readonly id: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly seatNumbers: readonly string[];
  readonly status: 'PENDING' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED';
  readonly amount: number;
  readonly expiresAt: string;
  readonly createdAt: string;
}

export interface Sale {
  readonly id: string;
  readonly reservationId: string;
  readonly sessionId: string;
  readonly seatNumber: string;
  readonly userId: string;
  readonly amount: number;
  readonly movieName: string;
  readonly sessionStartTime: string;
  readonly roomNumber: string;
  readonly paidAt: string;
}

export interface UserSales {
  readonly userId: string;
  readonly totalPurchases: number;
  readonly totalAmount: number;
  readonly purchases: readonly Sale[];
}

/** A problem+json answer (RFC 9457) as the service sends it. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: ReadonlyArray<{ readonly path?: string; readonly message?: string }>;
  readonly unavailableSeats?: readonly string[];
}

/**
 * Who is using the page: a user name in open mode (sent as `userId`), or a bearer token whose `sub` is the user.
 * In open mode everyone may use the admin view (the service decides); with a token, its claims say.
 */
export type Identity =
  | { readonly kind: 'name'; readonly userId: string; readonly admin: true }
  | { readonly kind: 'token'; readonly userId: string; readonly admin: boolean; readonly token: string };
