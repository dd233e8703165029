import type { CinemaService } from '../../../src/app/cinema-service';
import type { IdempotencyBegin, IdempotencyStore } from '../../../src/app/idempotency';
import type { ReservationView, SaleView, SessionView } from '../../../src/app/views';
import { createLogger, createRequestScope } from '../../../src/logger';
import { createMetrics } from '../../../src/metrics';
import { createApp, type AppDeps } from '../../../src/http/app';

export const SESSION_ID = '6c1e3f9a-8a5e-4d8b-9d0b-2a1f4b7c9e10';
export const RESERVATION_ID = '9b2d4e6f-1a3c-4b5d-8e7f-0a1b2c3d4e5f';

export const session: SessionView = {
  id: SESSION_ID,
  movieName: 'Interstellar',
  startTime: '2030-01-01T20:00:00.000Z',
  roomNumber: '1',
  ticketPrice: 25,
  isActive: true,
  totalSeats: 16,
  availableSeats: 16,
  createdAt: '2029-12-01T10:00:00.000Z',
  status: 'ON_SALE',
  categories: [{ name: 'STANDARD', price: 25 }],
};

export const reservation: ReservationView = {
  id: RESERVATION_ID,
  sessionId: SESSION_ID,
  userId: 'u1',
  seatNumbers: ['A1', 'A2'],
  status: 'PENDING',
  amount: 50,
  expiresAt: '2030-01-01T19:00:30.000Z',
  createdAt: '2030-01-01T19:00:00.000Z',
};

export const sale: SaleView = {
  id: '1b2d4e6f-1a3c-4b5d-8e7f-0a1b2c3d4e5f',
  reservationId: RESERVATION_ID,
  sessionId: SESSION_ID,
  seatNumber: 'A1',
  userId: 'u1',
  amount: 25,
  movieName: 'Interstellar',
  sessionStartTime: session.startTime,
  roomNumber: '1',
  paidAt: '2030-01-01T19:00:10.000Z',
};

/** A CinemaService whose every method is a jest mock with a plausible default answer. */
export function fakeService(): jest.Mocked<CinemaService> {
  return {
    createSession: jest.fn(async (input) => ({ ...session, ...input, totalSeats: input.numberOfSeats })),
    listSessions: jest.fn(async (_page) => [session]),
    getSession: jest.fn(async (_id: string) => session),
    availability: jest.fn(async (_id: string) => ({
      sessionId: SESSION_ID,
      version: 3,
      body: Buffer.from(`{"sessionId":"${SESSION_ID}","version":3,"seats":[]}`),
    })),
    reserve: jest.fn(async (input) => ({ ...reservation, seatNumbers: [...(input.seatNumbers ?? [])], userId: input.userId })),
    extendReservation: jest.fn(async (_input: { reservationId: string; userId: string }) => reservation),
    cancelSession: jest.fn(async (_id: string) => ({ ...session, status: 'CANCELLED' as const, isActive: false })),
    getReservation: jest.fn(async (_id: string) => reservation),
    listUserReservations: jest.fn(async (_userId: string, _page) => [reservation]),
    confirmPayment: jest.fn(async (_input: { reservationId: string; userId: string }) => [sale]),
    cancelReservation: jest.fn(async (_input: { reservationId: string; userId?: string }): Promise<ReservationView> => ({
      ...reservation,
      status: 'CANCELLED',
    })),
    listSales: jest.fn(async (_page: { limit: number; offset: number }) => [sale]),
    userSales: jest.fn(async (userId, _page) => ({ userId, totalPurchases: 1, totalAmount: 25, purchases: [sale] })),
  };
}

/** An in-memory IdempotencyStore with the semantics of the real one. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, { fingerprint: string; status?: number; body?: unknown }>();

  async begin(scope: string, key: string, fingerprint: string): Promise<IdempotencyBegin> {
    const id = `${scope}\n${key}`;
    const record = this.records.get(id);
    if (!record) {
      this.records.set(id, { fingerprint });
      return { kind: 'started' };
    }
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record.status === undefined) return { kind: 'in-progress' };
    return { kind: 'replay', status: record.status, body: record.body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    const record = this.records.get(`${scope}\n${key}`);
    if (record) Object.assign(record, { status, body });
  }

  async abandon(scope: string, key: string): Promise<void> {
    this.records.delete(`${scope}\n${key}`);
  }
}

export type TestDeps = AppDeps & { readonly service: jest.Mocked<CinemaService> };

export function testDeps(overrides: Partial<Omit<AppDeps, 'service'>> = {}): TestDeps {
  const scope = createRequestScope();
  return {
    service: fakeService(),
    idempotency: new MemoryIdempotencyStore(),
    healthChecks: [],
    metrics: createMetrics({ collectDefaults: false }),
    logger: createLogger({ level: 'error', instanceId: 'test', scope, silent: true }),
    scope,
    config: { maxSeatsPerReservation: 4, rateLimit: { windowMs: 60_000, max: 1_000 } },
    ...overrides,
  };
}

export function testApp(overrides: Partial<Omit<AppDeps, 'service'>> = {}) {
  const deps = testDeps(overrides);
  return { app: createApp(deps), deps };
}
