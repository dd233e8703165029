/**
 * Comparator (c): the seed's design (shared/reference/seed-readme.pt.md, "Como Resolver Race Conditions" and
 * "Como Prevenir Deadlocks"), reduced to what the bench exercises. Express + typeorm on its own Postgres database:
 * a `seats` table, and POST /reservations runs one transaction that locks each requested seat with
 * `SELECT ... FOR UPDATE` (`setLock('pessimistic_write')`) in sorted id order, answers 409 if any is not
 * AVAILABLE, else marks them RESERVED and inserts one reservation row per seat (the seed's answer is that array).
 * POST /reservations/confirm-payment marks the seat SOLD and inserts a sale row. Retries on deadlock like the
 * seed's @Retry (3 attempts, 100 ms doubling).
 *
 * Left out on purpose (each would only make the comparator slower): the RabbitMQ publishes after each
 * reservation, the expiry consumer, the Redis cache, the rate limiter, class-validator and Nest itself.
 *
 * Run: node --import tsx bench/seed-server.ts  with DATABASE_URL and PORT.
 */
import { rowName } from '../src/domain/seat-layout';
import express, { type NextFunction, type Request, type Response } from 'express';
import { DataSource, EntitySchema, type EntityManager } from 'typeorm';

interface SessionRow {
  id: string;
  movieName: string;
  startTime: Date;
  roomNumber: string;
  ticketPrice: string;
  totalSeats: number;
  createdAt: Date;
}
interface SeatRow {
  id: string;
  sessionId: string;
  seatNumber: string;
  row: string;
  position: number;
  status: 'AVAILABLE' | 'RESERVED' | 'SOLD';
}
interface ReservationRow {
  id: string;
  seatId: string;
  sessionId: string;
  seatNumber: string;
  userId: string;
  status: 'PENDING' | 'CONFIRMED' | 'EXPIRED';
  expiresAt: Date;
  createdAt: Date;
}
interface SaleRow {
  id: string;
  seatId: string;
  reservationId: string;
  sessionId: string;
  seatNumber: string;
  userId: string;
  amount: string;
  paidAt: Date;
  createdAt: Date;
}

const Session = new EntitySchema<SessionRow>({
  name: 'Session',
  tableName: 'sessions',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    movieName: { type: 'varchar', name: 'movie_name' },
    startTime: { type: 'timestamptz', name: 'start_time' },
    roomNumber: { type: 'varchar', name: 'room_number' },
    ticketPrice: { type: 'numeric', precision: 10, scale: 2, name: 'ticket_price' },
    totalSeats: { type: 'int', name: 'total_seats' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});

const Seat = new EntitySchema<SeatRow>({
  name: 'Seat',
  tableName: 'seats',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    sessionId: { type: 'uuid', name: 'session_id' },
    seatNumber: { type: 'varchar', name: 'seat_number' },
    row: { type: 'varchar' },
    position: { type: 'int' },
    status: { type: 'varchar', default: 'AVAILABLE' },
  },
  indices: [{ name: 'seats_session_number', columns: ['sessionId', 'seatNumber'], unique: true }],
});

const Reservation = new EntitySchema<ReservationRow>({
  name: 'Reservation',
  tableName: 'reservations',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    seatId: { type: 'uuid', name: 'seat_id' },
    sessionId: { type: 'uuid', name: 'session_id' },
    seatNumber: { type: 'varchar', name: 'seat_number' },
    userId: { type: 'varchar', name: 'user_id' },
    status: { type: 'varchar' },
    expiresAt: { type: 'timestamptz', name: 'expires_at' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
  indices: [{ name: 'reservations_seat', columns: ['seatId'] }],
});

const Sale = new EntitySchema<SaleRow>({
  name: 'Sale',
  tableName: 'sales',
  columns: {
    id: { type: 'uuid', primary: true, generated: 'uuid' },
    seatId: { type: 'uuid', name: 'seat_id' },
    reservationId: { type: 'uuid', name: 'reservation_id' },
    sessionId: { type: 'uuid', name: 'session_id' },
    seatNumber: { type: 'varchar', name: 'seat_number' },
    userId: { type: 'varchar', name: 'user_id' },
    amount: { type: 'numeric', precision: 10, scale: 2 },
    paidAt: { type: 'timestamptz', name: 'paid_at' },
    createdAt: { type: 'timestamptz', name: 'created_at', createDate: true },
  },
});

const TTL_MS = Number(process.env.RESERVATION_TTL_SECONDS ?? 30) * 1000;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(title);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The seed's @Retry: deadlocks and serialization failures are retried with 100 ms doubling back-off. */
async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code ??
        (error as { code?: string }).code;
      if (attempt >= 3 || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** (attempt - 1))));
    }
  }
}

async function main(): Promise<void> {
  const ds = new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    entities: [Session, Seat, Reservation, Sale],
    synchronize: true,
    logging: false,
    poolSize: Number(process.env.SEED_POOL_SIZE ?? 10),
  });
  await ds.initialize();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '100kb' }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post('/sessions', async (req, res) => {
    const b = req.body as Record<string, unknown>;
    const total = Number(b.numberOfSeats);
    const perRow = Number(b.seatsPerRow ?? 10);
    if (!Number.isInteger(total) || total < 1 || total > 2000 || !Number.isInteger(perRow) || perRow < 1) {
      throw new HttpProblem(400, 'Invalid session');
    }
    const session = await ds.transaction(async (em) => {
      const s = await em.save(Session, {
        movieName: String(b.movieName),
        startTime: new Date(String(b.startTime)),
        roomNumber: String(b.roomNumber),
        ticketPrice: Number(b.ticketPrice).toFixed(2),
        totalSeats: total,
      });
      const seats: Partial<SeatRow>[] = [];
      for (let i = 0; i < total; i++) {
        const row = rowName(Math.floor(i / perRow));
        seats.push({ sessionId: s.id, seatNumber: `${row}${(i % perRow) + 1}`, row, position: i, status: 'AVAILABLE' });
      }
      for (let i = 0; i < seats.length; i += 1000) {
        await em.createQueryBuilder().insert().into(Seat).values(seats.slice(i, i + 1000)).execute();
      }
      return s;
    });
    res.status(201).location(`/sessions/${session.id}`).json({
      ...session,
      ticketPrice: Number(session.ticketPrice),
      isActive: true,
      availableSeats: total,
    });
  });

  app.get('/sessions/:id/availability', async (req, res) => {
    if (!UUID.test(req.params.id)) throw new HttpProblem(400, 'Invalid id');
    const session = await ds.getRepository(Session).findOneBy({ id: req.params.id });
    if (!session) throw new HttpProblem(404, 'Session not found');
    const seats = await ds.getRepository(Seat).find({ where: { sessionId: session.id }, order: { position: 'ASC' } });
    res.json({
      sessionId: session.id,
      movieName: session.movieName,
      startTime: session.startTime,
      roomNumber: session.roomNumber,
      ticketPrice: Number(session.ticketPrice),
      totalSeats: session.totalSeats,
      availableSeats: seats.filter((s) => s.status === 'AVAILABLE').length,
      seats: seats.map((s) => ({
        seatNumber: s.seatNumber,
        row: s.row,
        status: s.status,
        isAvailable: s.status === 'AVAILABLE',
      })),
    });
  });

  app.post('/reservations', async (req, res) => {
    const b = req.body as { sessionId?: unknown; seatNumbers?: unknown; userId?: unknown };
    if (
      typeof b.sessionId !== 'string' || !UUID.test(b.sessionId) || typeof b.userId !== 'string' ||
      !Array.isArray(b.seatNumbers) || b.seatNumbers.length === 0 || b.seatNumbers.length > 10 ||
      !b.seatNumbers.every((s) => typeof s === 'string') || new Set(b.seatNumbers).size !== b.seatNumbers.length
    ) {
      throw new HttpProblem(400, 'Invalid reservation');
    }
    const sessionId = b.sessionId;
    const userId = b.userId;
    const seatNumbers = b.seatNumbers as string[];
    const created = await withRetry(() =>
      ds.transaction(async (em: EntityManager) => {
        const seats = await em
          .createQueryBuilder(Seat, 'seat')
          .select(['seat.id', 'seat.seatNumber'])
          .where('seat.sessionId = :sessionId', { sessionId })
          .andWhere('seat.seatNumber IN (:...seatNumbers)', { seatNumbers })
          .getMany();
        if (seats.length !== seatNumbers.length) throw new HttpProblem(404, 'Seat or session not found');
        // Sempre ordenar IDs dos assentos antes de adquirir locks (the seed's deadlock rule).
        const sortedSeatIds = seats.map((s) => s.id).sort();
        const locked: SeatRow[] = [];
        for (const seatId of sortedSeatIds) {
          const seat = await em
            .createQueryBuilder(Seat, 'seat')
            .setLock('pessimistic_write')
            .where('seat.id = :seatId', { seatId })
            .getOne();
          locked.push(seat as SeatRow);
        }
        const unavailable = locked.filter((s) => s.status !== 'AVAILABLE').map((s) => s.seatNumber);
        if (unavailable.length > 0) {
          throw new HttpProblem(409, 'Seats unavailable', { unavailableSeats: unavailable });
        }
        await em
          .createQueryBuilder()
          .update(Seat)
          .set({ status: 'RESERVED' })
          .where('id IN (:...ids)', { ids: sortedSeatIds })
          .execute();
        const expiresAt = new Date(Date.now() + TTL_MS);
        const result = await em
          .createQueryBuilder()
          .insert()
          .into(Reservation)
          .values(locked.map((s) => ({ seatId: s.id, sessionId, seatNumber: s.seatNumber, userId, status: 'PENDING' as const, expiresAt })))
          .returning('*')
          .execute();
        return result.raw as Record<string, unknown>[];
      }),
    );
    res.status(201).json(
      created.map((r) => ({
        id: r.id,
        seatId: r.seat_id,
        seatNumber: r.seat_number,
        userId: r.user_id,
        status: r.status,
        expiresAt: r.expires_at,
        createdAt: r.created_at,
      })),
    );
  });

  app.post('/reservations/confirm-payment', async (req, res) => {
    const b = req.body as { reservationId?: unknown; userId?: unknown };
    if (typeof b.reservationId !== 'string' || !UUID.test(b.reservationId) || typeof b.userId !== 'string') {
      throw new HttpProblem(400, 'Invalid confirmation');
    }
    const { reservationId, userId } = b as { reservationId: string; userId: string };
    const sale = await withRetry(() =>
      ds.transaction(async (em) => {
        const r = await em
          .createQueryBuilder(Reservation, 'r')
          .setLock('pessimistic_write')
          .where('r.id = :reservationId', { reservationId })
          .getOne();
        if (!r) throw new HttpProblem(404, 'Reservation not found');
        if (r.userId !== userId) throw new HttpProblem(403, 'Another user');
        if (r.status === 'CONFIRMED') {
          return em.getRepository(Sale).findOneByOrFail({ reservationId });
        }
        if (r.status !== 'PENDING') throw new HttpProblem(409, 'Reservation not pending');
        if (r.expiresAt.getTime() <= Date.now()) throw new HttpProblem(410, 'Reservation expired');
        const seat = await em
          .createQueryBuilder(Seat, 'seat')
          .setLock('pessimistic_write')
          .where('seat.id = :id', { id: r.seatId })
          .getOneOrFail();
        const session = await em.getRepository(Session).findOneByOrFail({ id: r.sessionId });
        await em.update(Seat, { id: seat.id }, { status: 'SOLD' });
        await em.update(Reservation, { id: r.id }, { status: 'CONFIRMED' });
        return em.save(Sale, {
          seatId: seat.id,
          reservationId: r.id,
          sessionId: r.sessionId,
          seatNumber: seat.seatNumber,
          userId,
          amount: session.ticketPrice,
          paidAt: new Date(),
        });
      }),
    );
    res.status(200).json([{ ...sale, amount: Number(sale.amount) }]);
  });

  app.use((_req, _res, next) => next(new HttpProblem(404, 'Not found')));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const p =
      error instanceof HttpProblem
        ? error
        : typeof (error as { status?: unknown }).status === 'number'
          ? new HttpProblem((error as { status: number }).status, 'Bad request')
          : new HttpProblem(500, 'Internal server error');
    if (p.status === 500) process.stderr.write(`seed-server: ${String((error as Error)?.stack ?? error)}\n`);
    res
      .status(p.status)
      .type('application/problem+json')
      .send(JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, detail: p.message, ...p.extra }));
  });

  const server = app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1');
  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void ds.destroy().finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed-server failed to start: ${String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
