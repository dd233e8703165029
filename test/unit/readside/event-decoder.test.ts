import { randomUUID } from 'node:crypto';
import type { SessionEvent } from '../../../src/domain';
import { decodeEventPayload } from '../../../src/persistence/event-decoder';
import { eventPayload } from '../../../src/persistence/event-payload';
import { eventLine } from '../../../src/tools/event-line';

const sessionId = randomUUID();
const events: SessionEvent[] = [
  { type: 'reservation.created', reservationId: randomUUID(), userId: 'u1', seatNumbers: ['A1', 'A2'], amountCents: 2510, createdAt: 1_000, expiresAt: 31_000 },
  { type: 'reservation.expired', reservationId: randomUUID(), seatNumbers: ['B1'], at: 2_000 },
  { type: 'reservation.cancelled', reservationId: randomUUID(), seatNumbers: ['C3'], at: 3_000 },
  { type: 'payment.confirmed', reservationId: randomUUID(), userId: 'u1', sales: [{ id: randomUUID(), seatNumber: 'A1', amountCents: 1255 }], paidAt: 4_000 },
  { type: 'reservation.extended', reservationId: randomUUID(), userId: 'u1', expiresAt: 91_000, extensions: 1, at: 5_000 },
  { type: 'session.cancelled', at: 6_000 },
  { type: 'sale.refunded', saleId: randomUUID(), reservationId: randomUUID(), userId: 'u1', seatNumber: 'A1', amountCents: 1255, at: 6_000 },
];
const createdEvent = events[0] as Extract<SessionEvent, { type: 'reservation.created' }>;

describe('the events as the read side reads them back', () => {
  it.each(events.map((e, i) => [e.type, e, i + 7] as const))('decodes a %s payload to the same event and version', (_type, event, version) => {
    const payload = JSON.parse(JSON.stringify(eventPayload(sessionId, event, version)));
    expect(decodeEventPayload(payload)).toEqual({ sessionId, version, event });
  });

  it('ignores what is not a seat event: session.created, unknown types, missing or bad fields, no version', () => {
    const created = JSON.parse(JSON.stringify(eventPayload(sessionId, events[0], 1)));
    const bad = [
      { type: 'session.created', sessionId, version: 0 },
      { ...created, type: 'seat.teleported' },
      { ...created, version: 0 },
      { ...created, version: -1 },
      { ...created, version: '2' },
      { ...created, sessionId: 'not-a-uuid' },
      { ...created, seatNumbers: [] },
      { ...created, createdAt: 'yesterday' },
      { ...created, amount: -5 },
      (({ version: _v, ...rest }) => rest)(created),
      null,
      'text',
      42,
    ];
    for (const payload of bad) expect(decodeEventPayload(payload)).toBeUndefined();
  });

  it('prints one readable line per event for operators', () => {
    const at = { partition: 1, offset: '17', timestamp: String(Date.parse('2030-01-01T20:00:00Z')) };
    expect(eventLine(eventPayload(sessionId, events[0], 3), at)).toBe(
      `2030-01-01T20:00:00.000Z  v3  reservation.created    A1 A2 -> RESERVED  reservation=${createdEvent.reservationId} user=u1 amount=25.1 until 1970-01-01T00:00:31.000Z  [p1@17]`,
    );
    expect(eventLine(eventPayload(sessionId, events[3], 4), at)).toMatch(/ v4 {2}payment\.confirmed +A1 -> SOLD .* total=12\.55 {2}\[p1@17\]$/);
    expect(eventLine({ type: 'session.created', sessionId, movieName: 'M', roomNumber: '2', startTime: 'x', totalSeats: 9 }, at)).toMatch(
      / v0 {2}session\.created +"M" room 2 at x, 9 seats/,
    );
    expect(eventLine({ junk: true }, at)).toMatch(/not a seat event/);
  });
});
