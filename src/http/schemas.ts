import { categoryNameSchema, seatingLayoutSchema } from './seating-schema';
import { z } from './zod';
import { isPlainText } from '../plain-text';

/**
 * The request schemas of the REST API (shared/api.md). The same objects validate requests and generate the
 * OpenAPI document, so the two cannot drift apart. Bodies strip unknown fields but are strict on types.
 */

/** Row letters then a seat number from 1: A1, B10, AA3. */
export const SEAT_LABEL = /^[A-Z]+[1-9][0-9]*$/;

/**
 * Upper bound on a ticket price: 1,000,000.00 is 100,000,000 cents, well inside the int4 price and sale columns
 * (2,147,483,647), and a whole session's takings (2,000 seats) stay exact in a JS number and in bigint columns.
 */
export const MAX_TICKET_PRICE = 1_000_000;

/** Largest session (seats) and largest row: the seat map of 2,000 seats is served from memory. */
export const MAX_SEATS_PER_SESSION = 2000;
export const MAX_SEATS_PER_ROW = 50;

/**
 * C0 and C1 control characters (NUL, ESC, DEL, NEL, ...) and lone UTF-16 surrogates. Postgres refuses NUL in text
 * and jsonb, and the others have no business in a name: a client's data must never reach a commit and fail it.
 */

/** A string of `min`..`max` UTF-16 units (so at most `max` characters, what a varchar(max) holds) with no control characters. */
export const plainText = (min: number, max: number) =>
  z.string().min(min).max(max).refine(isPlainText, 'must not contain control characters');

/** At most two decimals, checked on the number's shortest decimal form (no floating-point remainder). */
const TWO_DECIMALS = /^\d+(\.\d{1,2})?$/;

const uuid = (description: string) => z.uuid().openapi({ description, example: '3f6c1e9a-8a5e-4d8b-9d0b-2a1f4b7c9e10' });

export const userIdSchema = plainText(1, 100).openapi({
  description:
    "The user who holds or buys the seats. With a bearer token it may be left out (it is the token's sub); " +
    'only an admin may name another user. Required in open mode.',
  example: 'user-42',
});

export const seatLabelSchema = z
  .string()
  .max(12)
  .regex(SEAT_LABEL, 'must be a seat label such as A1 or AB12')
  .openapi('SeatLabel', { description: 'Row letters followed by the seat number', example: 'A1' });

export const newSessionSchema = z
  .object({
    movieName: plainText(1, 200).openapi({ description: '1 to 200 characters, no control characters', example: 'Interstellar' }),
    startTime: z.iso
      .datetime({ offset: true })
      .openapi({ description: 'ISO 8601 date-time with Z or an offset', example: '2030-01-01T20:00:00Z' }),
    roomNumber: plainText(1, 50).openapi({ description: '1 to 50 characters, no control characters', example: 'Room 1' }),
    ticketPrice: z
      .number()
      .min(0)
      .max(MAX_TICKET_PRICE)
      .refine((v) => TWO_DECIMALS.test(String(v)), 'must have at most 2 decimals')
      .openapi({ description: `Price of one seat, 0 to ${MAX_TICKET_PRICE.toFixed(2)}, at most 2 decimals`, example: 25 }),
    numberOfSeats: z
      .number()
      .int()
      .min(1)
      .max(MAX_SEATS_PER_SESSION)
      .openapi({ description: `Seats of the session, 1 to ${MAX_SEATS_PER_SESSION}`, example: 16 }),
    seatsPerRow: z
      .number()
      .int()
      .min(1)
      .max(MAX_SEATS_PER_ROW)
      .default(10)
      .openapi({ description: `Seats per row, 1 to ${MAX_SEATS_PER_ROW} (default 10)` }),
    layout: seatingLayoutSchema.optional(),
  })
  .openapi('NewSession');

/** The reservation body's fields; `maxSeats` is MAX_SEATS_PER_RESERVATION. */
function reserveFields(maxSeats: number) {
  return z.object({
    sessionId: uuid('The session whose seats to hold'),
    seatNumbers: z
      .array(seatLabelSchema)
      .min(1)
      .max(maxSeats)
      .superRefine((seats, ctx) => {
        const seen = new Set<string>();
        seats.forEach((seat, index) => {
          if (seen.has(seat)) ctx.addIssue({ code: 'custom', message: `seat ${seat} is listed more than once`, path: [index] });
          seen.add(seat);
        });
      })
      .optional()
      .openapi({ description: `1 to ${maxSeats} distinct seat labels`, uniqueItems: true, example: ['A1', 'A2'] }),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(maxSeats)
      .optional()
      .openapi({ description: 'Best available: this many adjacent seats in one row, instead of seatNumbers', example: 2 }),
    category: categoryNameSchema.optional().openapi({ description: 'Best available only in this category' }),
    userId: userIdSchema,
  });
}

/** Either the seats named or best available (a refinement: added after `.partial`, which refuses refined objects). */
function oneWayOfChoosing<S extends z.ZodType<{ seatNumbers?: readonly string[]; quantity?: number; category?: string }>>(schema: S): S {
  return schema.superRefine((body, ctx) => {
    if ((body.seatNumbers === undefined) === (body.quantity === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either seatNumbers or quantity (best available)', path: ['seatNumbers'] });
    }
    if (body.category !== undefined && body.quantity === undefined) {
      ctx.addIssue({ code: 'custom', message: 'category goes with quantity (best available)', path: ['category'] });
    }
  });
}

/** The reservation body; `maxSeats` is MAX_SEATS_PER_RESERVATION. */
export function reserveBodySchema(maxSeats: number) {
  return oneWayOfChoosing(reserveFields(maxSeats)).openapi('ReserveBody', {
    description: 'Either seatNumbers (the seats named) or quantity (best available)',
  });
}

/** The reservation body with a bearer token: `userId` may be left out (it is the token's `sub`). */
export function reserveBodyForTokenSchema(maxSeats: number) {
  return oneWayOfChoosing(reserveFields(maxSeats).partial({ userId: true }));
}

export type ReserveBody = z.output<ReturnType<typeof reserveBodySchema>>;

export const confirmBodySchema = z
  .object({ reservationId: uuid('The reservation to pay for'), userId: userIdSchema })
  .openapi('ConfirmPaymentBody');

export const cancelBodySchema = z.object({ userId: userIdSchema }).openapi('CancelBody');

export const extendBodySchema = z.object({ userId: userIdSchema }).openapi('ExtendBody');

export const sessionIdParamsSchema = z.object({ id: uuid('Session id') });
export const reservationIdParamsSchema = z.object({ id: uuid('Reservation id') });
export const userIdParamsSchema = z.object({
  userId: plainText(1, 100).openapi({ description: "The user (with a token: the caller's own sub unless admin)", example: 'user-42' }),
});

/** A whole number given as a query string ("25"); anything else ("", "1e2", "-1", "x") fails the inner number. */
const queryInt = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v), z.number({ error: 'must be a whole number' }).int().min(min).max(max));

/** Every list is paged: `limit` items (default 100, at most 1000) after skipping `offset` (at most 1,000,000). */
export const PAGE_DEFAULT_LIMIT = 100;
export const PAGE_MAX_LIMIT = 1000;
export const PAGE_MAX_OFFSET = 1_000_000;

export const pageQuerySchema = z.object({
  limit: queryInt(1, PAGE_MAX_LIMIT)
    .default(PAGE_DEFAULT_LIMIT)
    .openapi({ description: `Page size, 1 to ${PAGE_MAX_LIMIT} (default ${PAGE_DEFAULT_LIMIT})` }),
  offset: queryInt(0, PAGE_MAX_OFFSET)
    .default(0)
    .openapi({ description: `Items to skip, 0 to ${PAGE_MAX_OFFSET} (default 0)` }),
});

export type PageQuery = z.output<typeof pageQuerySchema>;

/** GET /sales pages like every other list. */
export const salesQuerySchema = pageQuerySchema;

/** `Idempotency-Key` (IETF draft): 1..255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const idempotencyHeadersSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(IDEMPOTENCY_KEY)
    .optional()
    .openapi({
      description:
        'Makes the POST safe to retry: a repeat with the same key and body replays the first answer (with ' +
        '`Idempotent-Replayed: true`); the same key with another body is 422; a repeat while the first runs is 409. ' +
        'Kept 24 hours.',
      example: '8e0b7c1a-reserve-1',
    }),
});
