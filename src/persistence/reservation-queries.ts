import type { DataSource } from 'typeorm';
import type { ReservationStatus } from '../domain';
import { ReservationEntity, type ReservationRow } from './entities';

export interface ReservationRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly userId: string;
  readonly seatNumbers: readonly string[];
  readonly status: ReservationStatus;
  readonly amountCents: number;
  readonly expiresAt: Date;
  readonly createdAt: Date;
}

export interface ReservationQueries {
  byId(id: string): Promise<ReservationRecord | null>;
  /** Newest first. */
  byUser(userId: string, limit: number, offset: number): Promise<ReservationRecord[]>;
}

function toRecord(row: ReservationRow): ReservationRecord {
  return {
    id: row.id,
    sessionId: row.sessionId,
    userId: row.userId,
    seatNumbers: row.seatNumbers,
    status: row.status as ReservationStatus,
    amountCents: Number(row.amountCents),
    expiresAt: new Date(row.expiresAt),
    createdAt: new Date(row.createdAt),
  };
}

/** Reads of the reservations table (kept current by the session actors' commits). */
export function createReservationQueries(dataSource: DataSource): ReservationQueries {
  const repo = dataSource.getRepository(ReservationEntity);
  return {
    async byId(id) {
      const row = await repo.findOneBy({ id });
      return row ? toRecord(row) : null;
    },
    async byUser(userId, limit, offset) {
      const rows = await repo.find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit, skip: offset });
      return rows.map(toRecord);
    },
  };
}
