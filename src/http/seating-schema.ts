import { z } from './zod';

/**
 * The optional `layout` of POST /sessions (README "Box office"): price categories by rows or seat ranges, seats not
 * for sale, wheelchair spaces, aisles, the rows best available prefers and the single-seat rule. Its shape is checked
 * here; whether it fits the room (no overlap, no seat without a category) is the domain's `resolveSeating`.
 */
/** As MAX_TICKET_PRICE (schemas.ts): a category's price in cents must fit the int4 price and sale columns. */
const MAX_PRICE = 1_000_000;
const seatRef = z
  .string()
  .max(25)
  .regex(/^[A-Z]+[1-9][0-9]*(-[A-Z]+[1-9][0-9]*)?$/, 'must be a seat label (C3) or a range within one row (C3-C6)')
  .openapi({ example: 'C3-C6' });
const rowName = z.string().regex(/^[A-Z]{1,3}$/, 'must be a row name such as A or AB').openapi({ example: 'E' });
export const categoryNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9 _-]+$/, 'letters, digits, space, _ and - only')
  .openapi({ example: 'PREMIUM' });

export const seatingLayoutSchema = z
  .object({
    categories: z
      .array(
        z.object({
          name: categoryNameSchema,
          price: z
            .number()
            .min(0)
            .max(MAX_PRICE)
            .multipleOf(0.01, 'must have at most 2 decimals')
            .openapi({ description: 'Price of one seat of this category', multipleOf: 0.01, example: 18.5 }),
          rows: z.array(rowName).max(200).optional().openapi({ description: 'Whole rows of this category' }),
          seats: z.array(seatRef).max(2000).optional().openapi({ description: 'Seats or ranges of this category' }),
        }),
      )
      .min(1)
      .max(20)
      .optional()
      .openapi({ description: 'Every seat in exactly one category; without categories, one STANDARD at ticketPrice' }),
    blocked: z.array(seatRef).max(2000).optional().openapi({ description: 'Seats not for sale' }),
    wheelchair: z
      .array(seatRef)
      .max(2000)
      .optional()
      .openapi({ description: 'Wheelchair spaces: sold when named, never picked by best available' }),
    aislesAfter: z
      .array(z.number().int().min(1).max(49))
      .max(10)
      .optional()
      .openapi({ description: 'Seat numbers followed by an aisle in every row', example: [4] }),
    preferredRows: z
      .array(rowName)
      .max(200)
      .optional()
      .openapi({ description: 'Rows best available tries first (default: the middle third of the rows)' }),
    singleSeatRule: z
      .enum(['ALL_HOLDS', 'BEST_AVAILABLE', 'OFF'])
      .optional()
      .openapi({ description: 'Which holds may not leave a single empty seat (default BEST_AVAILABLE)' }),
  })
  .openapi('SeatingLayout');

export type SeatingLayoutInput = z.output<typeof seatingLayoutSchema>;
