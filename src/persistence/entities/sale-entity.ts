import { EntitySchema } from 'typeorm';

/** One sold seat. UNIQUE (session_id, seat_number): Postgres itself refuses to sell a seat twice. */
export interface SaleRow {
  id: string;
  reservationId: string;
  sessionId: string;
  seatNumber: string;
  userId: string;
  amountCents: number;
  paidAt: Date;
}

export const SaleEntity = new EntitySchema<SaleRow>({
  name: 'Sale',
  tableName: 'sales',
  columns: {
    id: { type: 'uuid', primary: true },
    reservationId: { name: 'reservation_id', type: 'uuid' },
    sessionId: { name: 'session_id', type: 'uuid' },
    seatNumber: { name: 'seat_number', type: 'varchar', length: 12 },
    userId: { name: 'user_id', type: 'varchar', length: 100 },
    amountCents: { name: 'amount_cents', type: 'integer' },
    paidAt: { name: 'paid_at', type: 'timestamptz' },
  },
  uniques: [{ name: 'sales_one_per_seat', columns: ['sessionId', 'seatNumber'] }],
});
