import { EntitySchema } from 'typeorm';

/** The read model of a reservation, written by its session's actor in the same commit as the change. */
export interface ReservationRow {
  id: string;
  sessionId: string;
  userId: string;
  seatNumbers: string[];
  status: string;
  amountCents: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const ReservationEntity = new EntitySchema<ReservationRow>({
  name: 'Reservation',
  tableName: 'reservations',
  columns: {
    id: { type: 'uuid', primary: true },
    sessionId: { name: 'session_id', type: 'uuid' },
    userId: { name: 'user_id', type: 'varchar', length: 100 },
    seatNumbers: { name: 'seat_numbers', type: 'jsonb' },
    status: { type: 'varchar', length: 16 },
    amountCents: { name: 'amount_cents', type: 'bigint' },
    expiresAt: { name: 'expires_at', type: 'timestamptz' },
    createdAt: { name: 'created_at', type: 'timestamptz' },
    updatedAt: { name: 'updated_at', type: 'timestamptz' },
  },
});
