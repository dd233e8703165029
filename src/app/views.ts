/** The shapes the REST API answers with (see shared/api.md). Money is shown as a number with at most 2 decimals. */
export interface SessionView {
  readonly id: string;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly ticketPrice: number;
  readonly isActive: boolean;
  readonly totalSeats: number;
  readonly availableSeats: number;
  readonly createdAt: string;
  /** ON_SALE, or CANCELLED once the screening was cancelled (then `cancelledAt`). */
  readonly status: 'ON_SALE' | 'CANCELLED';
  readonly cancelledAt?: string;
  readonly categories: readonly CategoryView[];
}

export interface CategoryView {
  readonly name: string;
  readonly price: number;
}

export type SeatStatus = 'AVAILABLE' | 'RESERVED' | 'SOLD' | 'BLOCKED' | 'CANCELLED';

export interface SeatView {
  readonly seatNumber: string;
  readonly row: string;
  readonly status: SeatStatus;
  readonly isAvailable: boolean;
  readonly category: string;
  readonly price: number;
  readonly wheelchair: boolean;
}

export interface AvailabilityView {
  readonly sessionId: string;
  /** The number of seat events committed for the session so far; the document's ETag is this number. */
  readonly version: number;
  readonly movieName: string;
  readonly startTime: string;
  readonly roomNumber: string;
  readonly ticketPrice: number;
  readonly totalSeats: number;
  readonly availableSeats: number;
  readonly status: 'ON_SALE' | 'CANCELLED';
  readonly categories: readonly CategoryView[];
  readonly seats: readonly SeatView[];
}

export interface ReservationView {
  readonly id: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly seatNumbers: readonly string[];
  readonly status: 'PENDING' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED' | 'REFUNDED';
  readonly amount: number;
  readonly expiresAt: string;
  readonly createdAt: string;
}

export interface SaleView {
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
  /** Set when the screening was cancelled and the seat refunded. */
  readonly refundedAt?: string;
}

export interface UserSalesView {
  readonly userId: string;
  readonly totalPurchases: number;
  readonly totalAmount: number;
  readonly purchases: readonly SaleView[];
}
