import { EntitySchema } from 'typeorm';

/** A cinema session (a screening) and its seat layout. `epoch` is the fencing token of its current owner. */
export interface SessionRow {
  id: string;
  movieName: string;
  startTime: Date;
  roomNumber: string;
  ticketPriceCents: number;
  totalSeats: number;
  seatsPerRow: number;
  availableSeats: number;
  isActive: boolean;
  epoch: string;
  createdAt: Date;
  /** The seating plan as the box office gave it (src/domain/seating.ts); null: one category at the ticket price. */
  seating: unknown;
  cancelledAt: Date | null;
}

export const SessionEntity = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    id: { type: 'uuid', primary: true },
    movieName: { name: 'movie_name', type: 'varchar', length: 200 },
    startTime: { name: 'start_time', type: 'timestamptz' },
    roomNumber: { name: 'room_number', type: 'varchar', length: 50 },
    ticketPriceCents: { name: 'ticket_price_cents', type: 'integer' },
    totalSeats: { name: 'total_seats', type: 'integer' },
    seatsPerRow: { name: 'seats_per_row', type: 'integer' },
    availableSeats: { name: 'available_seats', type: 'integer' },
    isActive: { name: 'is_active', type: 'boolean', default: true },
    epoch: { type: 'bigint', default: 0 },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    seating: { type: 'jsonb', nullable: true },
    cancelledAt: { name: 'cancelled_at', type: 'timestamptz', nullable: true },
  },
});
