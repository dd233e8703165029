import { randomUUID } from 'node:crypto';
import type { SessionRequest } from '../../../src/actors/protocol';
import { CommandEnvelopeSchema } from '../../../src/cluster/envelopes';

/** What the owner accepts from the commands topic: every request a caller can forward, and nothing malformed. */
describe('a forwarded command envelope', () => {
  const envelope = (request: unknown) => ({
    commandId: randomUUID(),
    from: 'app1',
    to: 'app2',
    sessionId: randomUUID(),
    deadline: Date.now() + 5_000,
    call: { kind: 'execute', request },
  });
  const reservationId = randomUUID();

  it.each<SessionRequest>([
    { type: 'HoldSeats', reservationId, userId: 'alice', seatNumbers: ['A1', 'A2'] },
    { type: 'ConfirmPayment', reservationId, userId: 'alice' },
    { type: 'CancelReservation', reservationId, userId: 'alice' },
    { type: 'ExpireDue' },
    { type: 'HoldBestAvailable', reservationId, userId: 'alice', quantity: 4 },
    { type: 'HoldBestAvailable', reservationId, userId: 'alice', quantity: 2, category: 'Premium' },
    { type: 'ExtendHold', reservationId, userId: 'alice' },
    { type: 'CancelSession' },
  ])('when it carries %o, then the owner accepts it unchanged', (request) => {
    const parsed = CommandEnvelopeSchema.safeParse(envelope(request));
    expect(parsed.success && parsed.data.call).toEqual({ kind: 'execute', request });
  });

  it.each([
    ['an unknown type', { type: 'DropTable' }],
    ['a best-available hold without a quantity', { type: 'HoldBestAvailable', reservationId, userId: 'alice' }],
    ['a best-available hold of 0 seats', { type: 'HoldBestAvailable', reservationId, userId: 'alice', quantity: 0 }],
    ['an extension without a user', { type: 'ExtendHold', reservationId }],
  ])('when it carries %s, then it is refused (and dead-lettered)', (_name, request) => {
    expect(CommandEnvelopeSchema.safeParse(envelope(request)).success).toBe(false);
  });
});
