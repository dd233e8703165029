import { z } from 'zod';
import type { SessionReply, SessionRequest } from '../actors/protocol';

/**
 * The messages of the commands and replies topics, checked on the way in: anyone who can write to the broker can
 * put anything there, and a message that does not match is dead-lettered instead of being run or retried forever.
 */
const id = z.string().min(1).max(100);
const uuid = z.uuid();
const seat = z.string().min(1).max(12);

export const SessionRequestSchema: z.ZodType<SessionRequest> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('HoldSeats'), reservationId: uuid, userId: id, seatNumbers: z.array(seat).max(100) }),
  z.object({ type: z.literal('ConfirmPayment'), reservationId: uuid, userId: id }),
  z.object({ type: z.literal('CancelReservation'), reservationId: uuid, userId: id }),
  z.object({ type: z.literal('ExpireDue') }),
  z.object({
    type: z.literal('HoldBestAvailable'),
    reservationId: uuid,
    userId: id,
    quantity: z.number().int().min(1).max(100),
    category: z.string().min(1).max(50).optional(),
  }),
  z.object({ type: z.literal('ExtendHold'), reservationId: uuid, userId: id }),
  z.object({ type: z.literal('CancelSession') }),
]);

/** Every kind of request must be accepted here, or forwarding it dead-letters it: this fails to compile otherwise. */
type Unchecked = Exclude<SessionRequest['type'], z.infer<typeof SessionRequestSchema>['type']>;
export const EVERY_REQUEST_FORWARDABLE: [Unchecked] extends [never] ? true : Unchecked = true;

export const ForwardedCallSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('execute'), request: SessionRequestSchema }),
  z.object({ kind: z.literal('availability') }),
]);

export const CommandEnvelopeSchema = z.object({
  commandId: uuid,
  from: id,
  to: id,
  sessionId: uuid,
  /** Epoch ms (caller's clock) after which the caller no longer waits: the owner drops the command. */
  deadline: z.number().int().positive(),
  call: ForwardedCallSchema,
});
export type CommandEnvelope = z.infer<typeof CommandEnvelopeSchema>;

/** A reply is checked only for its frame; its answer goes back to the caller that sent the command. */
export const ReplyEnvelopeSchema = z.object({
  commandId: uuid,
  answer: z.union([
    z.object({ kind: z.literal('reply'), reply: z.custom<SessionReply>((v) => typeof v === 'object' && v !== null && 'ok' in v) }),
    z.object({ kind: z.literal('availability'), json: z.string() }),
    z.object({ kind: z.literal('problem'), status: z.number().int(), detail: z.string() }),
  ]),
});
export type ReplyEnvelope = z.infer<typeof ReplyEnvelopeSchema>;

/** Parses a message value: `unparseable` (not JSON), `invalid` (JSON of the wrong shape) or the envelope. */
export function parseEnvelope<T>(
  schema: z.ZodType<T>,
  value: Buffer | null,
): { ok: true; envelope: T } | { ok: false; reason: 'unparseable' | 'invalid'; detail: string } {
  let json: unknown;
  try {
    json = JSON.parse(value?.toString() ?? '');
  } catch (error) {
    return { ok: false, reason: 'unparseable', detail: error instanceof Error ? error.message : String(error) };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: 'invalid', detail: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  }
  return { ok: true, envelope: parsed.data };
}
