import type { SeatingSpec, SessionInfo } from '../domain';
import { seatLabels } from '../domain';
import type { SessionRow } from './entities';

/** A session as stored: its description, its layout and the seat count last committed. */
export interface SessionRecord {
  readonly id: string;
  readonly movieName: string;
  readonly startTime: Date;
  readonly roomNumber: string;
  readonly priceCents: number;
  readonly totalSeats: number;
  readonly seatsPerRow: number;
  readonly availableSeats: number;
  readonly isActive: boolean;
  readonly createdAt: Date;
  /** The seating plan; absent: one category at `priceCents`. */
  readonly seating?: SeatingSpec;
  readonly cancelledAt?: Date;
}

export function toSessionRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    movieName: row.movieName,
    startTime: new Date(row.startTime),
    roomNumber: row.roomNumber,
    priceCents: Number(row.ticketPriceCents),
    totalSeats: Number(row.totalSeats),
    seatsPerRow: Number(row.seatsPerRow),
    availableSeats: Number(row.availableSeats),
    isActive: Boolean(row.isActive),
    createdAt: new Date(row.createdAt),
    ...(row.seating ? { seating: row.seating as SeatingSpec } : {}),
    ...(row.cancelledAt ? { cancelledAt: new Date(row.cancelledAt) } : {}),
  };
}

export function sessionInfo(record: SessionRecord): SessionInfo {
  return {
    sessionId: record.id,
    movieName: record.movieName,
    startTime: record.startTime.toISOString(),
    roomNumber: record.roomNumber,
    priceCents: record.priceCents,
    seatLabels: seatLabels(record.totalSeats, record.seatsPerRow),
    ...(record.seating ? { seating: record.seating } : {}),
  };
}
