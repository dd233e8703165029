import type { DataSource } from 'typeorm';
import { availableSeatCount, fromCents, initialState, type SeatingSpec } from '../domain';
import { eventTypes } from './event-payload';
import { SessionEntity } from './entities';
import { sessionInfo, toSessionRecord, type SessionRecord } from './session-record';

/** A session about to be created: every seat is available and it is on sale. */
export type NewSessionRecord = Omit<SessionRecord, 'availableSeats' | 'isActive' | 'cancelledAt'>;

export interface SessionStore {
  create(session: NewSessionRecord): Promise<SessionRecord>;
  /** Soonest first. */
  list(limit: number, offset: number): Promise<SessionRecord[]>;
  get(id: string): Promise<SessionRecord | null>;
}

/** Sessions: created with an empty seat state and a `session.created` event in one transaction. */
export function createSessionStore(dataSource: DataSource): SessionStore {
  const repo = dataSource.getRepository(SessionEntity);
  return {
    async create(s) {
      const created: SessionRecord = { ...s, availableSeats: s.totalSeats, isActive: true };
      // Seats the plan keeps off sale are never available.
      const record: SessionRecord = { ...created, availableSeats: availableSeatCount(initialState(sessionInfo(created))) };
      await dataSource.transaction(async (em) => {
        await em.query(
          `INSERT INTO sessions (id, movie_name, start_time, room_number, ticket_price_cents, total_seats,
             seats_per_row, available_seats, is_active, epoch, created_at, seating)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $9, true, 0, $8, $10)`,
          [s.id, s.movieName, s.startTime, s.roomNumber, s.priceCents, s.totalSeats, s.seatsPerRow, s.createdAt,
            record.availableSeats, s.seating ? JSON.stringify(s.seating) : null],
        );
        await em.query(
          `INSERT INTO session_snapshots (session_id, epoch, version, next_expiry_at, updated_at)
           VALUES ($1, 0, 0, NULL, $2)`,
          [s.id, s.createdAt],
        );
        await em.query(`INSERT INTO outbox (session_id, epoch, type, payload, created_at) VALUES ($1, 0, $2, $3, $4)`, [
          s.id,
          eventTypes.sessionCreated,
          JSON.stringify({
            type: eventTypes.sessionCreated,
            sessionId: s.id,
            movieName: s.movieName,
            startTime: s.startTime.toISOString(),
            roomNumber: s.roomNumber,
            ticketPrice: s.priceCents / 100,
            totalSeats: s.totalSeats,
            seatsPerRow: s.seatsPerRow,
            ...(s.seating ? { layout: layoutPayload(s.seating) } : {}),
            version: 0,
          }),
          s.createdAt,
        ]);
      });
      return record;
    },
    async list(limit, offset) {
      const rows = await repo.find({ order: { startTime: 'ASC', id: 'ASC' }, take: limit, skip: offset });
      return rows.map(toSessionRecord);
    },
    async get(id) {
      const row = await repo.findOneBy({ id });
      return row ? toSessionRecord(row) : null;
    },
  };
}

/** The layout as the API took it: prices as numbers, not cents. */
function layoutPayload({ categories, ...rest }: SeatingSpec): Record<string, unknown> {
  return {
    ...rest,
    ...(categories ? { categories: categories.map(({ priceCents, ...c }) => ({ ...c, price: fromCents(priceCents) })) } : {}),
  };
}
