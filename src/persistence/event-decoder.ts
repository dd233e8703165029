import { z } from 'zod';
import { toCents, type SessionEvent } from '../domain';

/** A seat event read back from the events topic (or the in-process bus), with the session's version after it. */
export interface VersionedEvent {
  readonly sessionId: string;
  readonly version: number;
  readonly event: SessionEvent;
}

const id = z.string().min(1).max(64);
const seat = z.string().min(1).max(12);
const seats = z.array(seat).min(1).max(1000);
const time = z
  .string()
  .max(40)
  .refine((v) => Number.isFinite(Date.parse(v)), 'not a date-time')
  .transform((v) => Date.parse(v));
const money = z.number().finite().min(0).max(1e9);
const common = { sessionId: z.uuid(), version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) };

/** The inverse of eventPayload (event-payload.ts), checked field by field: a message on a topic is input. */
const payloadSchema = z.discriminatedUnion('type', [
  z.object({
    ...common,
    type: z.literal('reservation.created'),
    reservationId: id,
    userId: z.string().min(1).max(100),
    seatNumbers: seats,
    amount: money,
    createdAt: time,
    expiresAt: time,
  }),
  z.object({ ...common, type: z.literal('reservation.expired'), reservationId: id, seatNumbers: seats, at: time }),
  z.object({ ...common, type: z.literal('reservation.cancelled'), reservationId: id, seatNumbers: seats, at: time }),
  z.object({
    ...common,
    type: z.literal('payment.confirmed'),
    reservationId: id,
    userId: z.string().min(1).max(100),
    sales: z.array(z.object({ id, seatNumber: seat, amount: money })).min(1).max(1000),
    paidAt: time,
  }),
  z.object({
    ...common,
    type: z.literal('reservation.extended'),
    reservationId: id,
    userId: z.string().min(1).max(100),
    expiresAt: time,
    extensions: z.number().int().positive().max(1000),
    at: time,
  }),
  z.object({ ...common, type: z.literal('session.cancelled'), at: time }),
  z.object({
    ...common,
    type: z.literal('sale.refunded'),
    saleId: id,
    reservationId: id,
    userId: z.string().min(1).max(100),
    seatNumber: seat,
    amount: money,
    at: time,
  }),
]);

/**
 * The seat event in a payload (box-office events included: each has a version), or undefined for anything else: `session.created` (version 0, no seats), a type
 * this version does not know, or a malformed message.
 */
export function decodeEventPayload(payload: unknown): VersionedEvent | undefined {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const base = { sessionId: p.sessionId, version: p.version };
  switch (p.type) {
    case 'reservation.created':
      return {
        ...base,
        event: {
          type: p.type,
          reservationId: p.reservationId,
          userId: p.userId,
          seatNumbers: p.seatNumbers,
          amountCents: toCents(p.amount),
          createdAt: p.createdAt,
          expiresAt: p.expiresAt,
        },
      };
    case 'reservation.expired':
    case 'reservation.cancelled':
      return { ...base, event: { type: p.type, reservationId: p.reservationId, seatNumbers: p.seatNumbers, at: p.at } };
    case 'payment.confirmed':
      return {
        ...base,
        event: {
          type: p.type,
          reservationId: p.reservationId,
          userId: p.userId,
          sales: p.sales.map((s) => ({ id: s.id, seatNumber: s.seatNumber, amountCents: toCents(s.amount) })),
          paidAt: p.paidAt,
        },
      };
    case 'reservation.extended':
      return {
        ...base,
        event: {
          type: p.type,
          reservationId: p.reservationId,
          userId: p.userId,
          expiresAt: p.expiresAt,
          extensions: p.extensions,
          at: p.at,
        },
      };
    case 'session.cancelled':
      return { ...base, event: { type: p.type, at: p.at } };
    case 'sale.refunded':
      return {
        ...base,
        event: {
          type: p.type,
          saleId: p.saleId,
          reservationId: p.reservationId,
          userId: p.userId,
          seatNumber: p.seatNumber,
          amountCents: toCents(p.amount),
          at: p.at,
        },
      };
  }
}

/** When the event was decided (epoch ms): the start of its trip to the read side. */
export function eventTime(event: SessionEvent): number {
  switch (event.type) {
    case 'reservation.created':
      return event.createdAt;
    case 'reservation.expired':
    case 'reservation.cancelled':
    case 'reservation.extended':
    case 'session.cancelled':
    case 'sale.refunded':
      return event.at;
    case 'payment.confirmed':
      return event.paidAt;
  }
}

/** The seats an event changes (none for an extension; a cancelled session changes them all, see the read model). */
export function seatsOf(event: SessionEvent): readonly string[] {
  switch (event.type) {
    case 'payment.confirmed':
      return event.sales.map((s) => s.seatNumber);
    case 'sale.refunded':
      return [event.seatNumber];
    case 'reservation.extended':
    case 'session.cancelled':
      return [];
    default:
      return event.seatNumbers;
  }
}
