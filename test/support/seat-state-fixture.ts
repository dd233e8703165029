import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SessionEvent } from '../../src/domain';
import { openDataSource } from '../../src/persistence/data-source';
import { createSeatStateStore, type SeatStateStore } from '../../src/persistence/seat-state-store';
import { createSessionStore } from '../../src/persistence/session-store';
import { createTestStore, type Storage, type TestStore } from './test-instance';

/** What `useSeatStateStore` opens for a describe block: the scratch database and the seat-state store on it. */
export interface SeatStateContext {
  dataSource: DataSource;
  seats: SeatStateStore;
  /** Creates a 4-seat session and answers its id. */
  newSession(movieName?: string): Promise<string>;
}

/**
 * Opens the seat-state store on a fresh scratch database for the enclosing describe block (`beforeAll`), and closes
 * it afterwards. Like `useInstance`, the fields are filled in by the hook: read them through the object at use time.
 */
export function useSeatStateStore(storage: Storage): SeatStateContext {
  let store: TestStore | undefined;
  const ctx = {
    async newSession(movieName = 'Seat state') {
      const id = randomUUID();
      await createSessionStore(ctx.dataSource).create({
        id,
        movieName,
        startTime: new Date('2031-02-15T19:00:00Z'),
        roomNumber: '1',
        priceCents: 1000,
        totalSeats: 4,
        seatsPerRow: 10,
        createdAt: new Date(),
      });
      return id;
    },
  } as SeatStateContext;
  beforeAll(async () => {
    store = await createTestStore(storage);
    ctx.dataSource = await openDataSource({ url: store.env.DATABASE_URL });
    ctx.seats = createSeatStateStore(ctx.dataSource);
  });
  afterAll(async () => {
    await ctx.dataSource?.destroy();
    await store?.cleanup();
  });
  return ctx;
}

/** A one-seat hold of user u1 for 10.00, expiring in a minute. */
export function holdOf(seat: string, reservationId: string = randomUUID()): Extract<SessionEvent, { type: 'reservation.created' }> {
  return {
    type: 'reservation.created',
    reservationId,
    userId: 'u1',
    seatNumbers: [seat],
    amountCents: 1000,
    createdAt: Date.now(),
    expiresAt: Date.now() + 60_000,
  };
}
