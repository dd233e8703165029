import type { SessionEvent } from '../../../src/domain';
import { reservationWrites } from '../../../src/persistence/seat-state-rows';

const created = (id: string): SessionEvent => ({
  type: 'reservation.created',
  reservationId: id,
  userId: 'u1',
  seatNumbers: ['A1'],
  amountCents: 2500,
  createdAt: 0,
  expiresAt: 30_000,
});

describe('reservationWrites (what one commit does to the reservations table)', () => {
  it('when a batch creates a hold, then it inserts a full PENDING row', () => {
    const { inserts, statusChanges } = reservationWrites([created('r1')]);
    expect(inserts).toEqual([
      expect.objectContaining({ id: 'r1', user_id: 'u1', seat_numbers: ['A1'], status: 'PENDING', amount_cents: 2500 }),
    ]);
    expect(statusChanges).toEqual([]);
  });

  it('when a batch creates and cancels the same hold, then the row is inserted with its final status only', () => {
    const { inserts, statusChanges } = reservationWrites([
      created('r1'),
      { type: 'reservation.cancelled', reservationId: 'r1', seatNumbers: ['A1'], at: 1 },
    ]);
    expect(inserts.map((r) => [r.id, r.status])).toEqual([['r1', 'CANCELLED']]);
    expect(statusChanges).toEqual([]);
  });

  it('when a batch ends holds made earlier, then it changes their status and inserts nothing', () => {
    const { inserts, statusChanges } = reservationWrites([
      { type: 'reservation.expired', reservationId: 'r1', seatNumbers: ['A1'], at: 1 },
      { type: 'payment.confirmed', reservationId: 'r2', userId: 'u2', sales: [], paidAt: 2 },
    ]);
    expect(inserts).toEqual([]);
    expect(statusChanges).toEqual([
      { id: 'r1', status: 'EXPIRED' },
      { id: 'r2', status: 'CONFIRMED' },
    ]);
  });

  it('when a batch creates and extends a hold, then the row is inserted with the later expiry and its count', () => {
    const { inserts } = reservationWrites([
      created('r1'),
      { type: 'reservation.extended', reservationId: 'r1', userId: 'u1', expiresAt: 90_000, extensions: 1, at: 5 },
    ]);
    expect(inserts).toEqual([
      expect.objectContaining({ id: 'r1', status: 'PENDING', expires_at: new Date(90_000).toISOString(), extensions: 1 }),
    ]);
  });

  it('when a batch extends, refunds and cancels the session, then rows change and the session event writes no row', () => {
    const { inserts, statusChanges } = reservationWrites([
      { type: 'reservation.extended', reservationId: 'r1', userId: 'u1', expiresAt: 90_000, extensions: 1, at: 5 },
      { type: 'session.cancelled', at: 6 },
      { type: 'sale.refunded', saleId: 's1', reservationId: 'r2', userId: 'u2', seatNumber: 'B1', amountCents: 100, at: 6 },
    ]);
    expect(inserts).toEqual([]);
    expect(statusChanges).toEqual([
      { id: 'r1', status: 'PENDING', expires_at: new Date(90_000).toISOString(), extensions: 1 },
      { id: 'r2', status: 'REFUNDED' },
    ]);
  });
});
