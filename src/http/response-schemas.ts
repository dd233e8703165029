import { z } from './zod';
import { seatLabelSchema } from './schemas';

/** The response shapes of the REST API (shared/api.md), for the OpenAPI document only: answers are not re-validated. */
const money = z.number().openapi({ description: 'Amount with at most 2 decimals', example: 25 });
const instant = z.string().openapi({ format: 'date-time', example: '2030-01-01T20:00:00.000Z' });
const id = z.uuid();
const categorySchema = z.object({ name: z.string(), price: money }).openapi('Category');
const saleStatus = z.enum(['ON_SALE', 'CANCELLED']).openapi({ description: 'CANCELLED once the screening was cancelled' });

export const sessionSchema = z
  .object({
    id,
    movieName: z.string(),
    startTime: instant,
    roomNumber: z.string(),
    ticketPrice: money,
    isActive: z.boolean(),
    totalSeats: z.number().int(),
    availableSeats: z.number().int(),
    createdAt: instant,
    status: saleStatus,
    cancelledAt: instant.optional(),
    categories: z.array(categorySchema),
  })
  .openapi('Session');

export const seatSchema = z
  .object({
    seatNumber: seatLabelSchema,
    row: z.string().openapi({ example: 'A' }),
    status: z.enum(['AVAILABLE', 'RESERVED', 'SOLD', 'BLOCKED', 'CANCELLED']),
    isAvailable: z.boolean(),
    category: z.string(),
    price: money,
    wheelchair: z.boolean().openapi({ description: 'A wheelchair space' }),
  })
  .openapi('Seat');

export const availabilitySchema = z
  .object({
    sessionId: id,
    version: z.number().int().openapi({ description: 'Seat events committed for the session so far; the ETag is this number in quotes', example: 12 }),
    movieName: z.string(),
    startTime: instant,
    roomNumber: z.string(),
    ticketPrice: money,
    totalSeats: z.number().int(),
    availableSeats: z.number().int(),
    status: saleStatus,
    categories: z.array(categorySchema),
    seats: z.array(seatSchema).openapi({ description: 'In row then number order' }),
  })
  .openapi('Availability');

export const seatChangeSchema = z
  .object({
    sessionId: id,
    version: z.number().int().openapi({ description: 'The version this change made: always one more than the event before', example: 13 }),
    type: z.enum(['reservation.created', 'reservation.expired', 'reservation.cancelled', 'payment.confirmed']),
    seats: z.array(z.object({ seatNumber: seatLabelSchema, status: z.enum(['AVAILABLE', 'RESERVED', 'SOLD']) })),
    availableSeats: z.number().int(),
  })
  .openapi('SeatChange', { description: 'The data of a `change` event on the availability stream' });

export const reservationSchema = z
  .object({
    id,
    sessionId: id,
    userId: z.string(),
    seatNumbers: z.array(seatLabelSchema),
    status: z.enum(['PENDING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'REFUNDED']),
    amount: money,
    expiresAt: instant,
    createdAt: instant,
  })
  .openapi('Reservation');

export const saleSchema = z
  .object({
    id,
    reservationId: id,
    sessionId: id,
    seatNumber: seatLabelSchema,
    userId: z.string(),
    amount: money,
    movieName: z.string(),
    sessionStartTime: instant,
    roomNumber: z.string(),
    paidAt: instant,
    refundedAt: instant.optional().openapi({ description: 'Set when the screening was cancelled and the seat refunded' }),
  })
  .openapi('Sale');

export const userSalesSchema = z
  .object({
    userId: z.string(),
    totalPurchases: z.number().int(),
    totalAmount: money,
    purchases: z.array(saleSchema),
  })
  .openapi('UserSales');

export const fieldIssueSchema = z
  .object({
    path: z.string().openapi({ example: 'body.seatNumbers.1' }),
    message: z.string(),
  })
  .openapi('FieldIssue');

export const problemSchema = z
  .looseObject({
    type: z.string().openapi({ example: '/problems/seats-unavailable' }),
    title: z.string().openapi({ example: 'Seats unavailable' }),
    status: z.number().int().openapi({ example: 409 }),
    detail: z.string().openapi({ example: 'Seats not available: A1' }),
    errors: z.array(fieldIssueSchema).optional().openapi({ description: 'Validation failures (400)' }),
    unavailableSeats: z.array(seatLabelSchema).optional().openapi({ description: 'Seats that are taken (409)' }),
    largestBlock: z.number().int().optional().openapi({ description: 'The largest block of adjacent free seats (409 no-adjacent-seats)' }),
    strandedSeat: seatLabelSchema.optional().openapi({ description: 'The seat the hold would leave alone (409 single-seat-stranded)' }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });

export const liveSchema = z.object({ status: z.literal('ok') }).openapi('Liveness');

export const checkResultSchema = z
  .object({ status: z.enum(['up', 'down']), error: z.string().optional() })
  .openapi('CheckResult');

export const readinessSchema = z
  .object({
    status: z.enum(['ok', 'down']),
    checks: z.record(z.string(), checkResultSchema),
    auth: z
      .object({ mode: z.enum(['jwt', 'open']), warning: z.string().optional() })
      .openapi({ description: 'AUTH_MODE; open mode carries a warning: nobody is authenticated' }),
  })
  .openapi('Readiness');
