import { randomUUID } from 'node:crypto';
import { HOLD_TTL_MS, inMemoryCinema } from '../../support/in-memory-cinema';
import { refusalsThrown } from '../../support/refusals-thrown';

/** The default page of a list (limit 100, offset 0). */
const PAGE = { limit: 100, offset: 0 };

/** Sessions, reading reservations back, and sales totals (src/app/cinema.ts) over in-memory tables. */
const ALICE = 'alice';
const BOB = 'bob';

const dune = {
  movieName: 'Dune: Part Two',
  startTime: '2030-01-01T20:00:00.000-03:00',
  roomNumber: '7',
  ticketPrice: 12.5,
  numberOfSeats: 16,
  seatsPerRow: 10,
};

describe('sessions', () => {
  it('when a session is created, then it is on sale with every seat available, its price and times as given', async () => {
    const world = inMemoryCinema();
    const view = await world.service.createSession(dune);
    expect(view).toEqual({
      id: expect.any(String),
      movieName: 'Dune: Part Two',
      startTime: '2030-01-01T23:00:00.000Z',
      roomNumber: '7',
      ticketPrice: 12.5,
      isActive: true,
      status: 'ON_SALE',
      totalSeats: 16,
      availableSeats: 16,
      categories: [{ name: 'STANDARD', price: 12.5 }],
      createdAt: new Date(world.clock.now()).toISOString(),
    });
    expect(await world.service.getSession(view.id)).toEqual(view);
  });

  it('when two sessions exist, then both are listed, earliest first, and each has its own id', async () => {
    const { service } = inMemoryCinema();
    const late = await service.createSession({ ...dune, startTime: '2030-01-02T20:00:00.000Z' });
    const early = await service.createSession({ ...dune, startTime: '2030-01-01T20:00:00.000Z' });
    expect((await service.listSessions(PAGE)).map((s) => s.id)).toEqual([early.id, late.id]);
    expect(early.id).not.toBe(late.id);
  });

  it('when seats are held, then the session shows fewer available seats', async () => {
    const { service } = inMemoryCinema();
    const s = await service.createSession(dune);
    await service.reserve({ sessionId: s.id, seatNumbers: ['A1', 'A2'], userId: ALICE });
    expect(await service.getSession(s.id)).toMatchObject({ availableSeats: 14 });
  });

  it('when an unknown session is asked for, then it is 404', async () => {
    const id = randomUUID();
    await expect(inMemoryCinema().service.getSession(id)).resolves.toMatchObject({ status: 404, detail: `Session ${id} not found` });
  });

  it('when the availability is asked for, then it is the document the session serves, as it is', async () => {
    const { service } = inMemoryCinema();
    const s = await service.createSession(dune);
    const seatMap = await service.availability(s.id);
    expect(JSON.parse(seatMap.body.toString('utf8'))).toEqual({ sessionId: s.id, availableSeats: 16 });
  });
});

describe('reading reservations back', () => {
  it('when a pending hold is read after its expiry time, then it reads EXPIRED even before its timer fires', async () => {
    const world = inMemoryCinema();
    const s = await world.service.createSession(dune);
    const r = await refusalsThrown(world.service).reserve({ sessionId: s.id, seatNumbers: ['A1'], userId: ALICE });
    expect(await world.service.getReservation(r.id)).toEqual(r);
    world.clock.advance(HOLD_TTL_MS - 1);
    expect(await world.service.getReservation(r.id)).toMatchObject({ status: 'PENDING' });
    world.clock.advance(1);
    expect(await world.service.getReservation(r.id)).toMatchObject({ status: 'EXPIRED', amount: 12.5 });
  });

  it('when an unknown reservation is read, then it is 404', async () => {
    const id = randomUUID();
    await expect(inMemoryCinema().service.getReservation(id)).resolves.toMatchObject({ status: 404, detail: `Reservation ${id} not found` });
  });

  it("when a user's reservations are listed, then only theirs are, newest first, each with its current status", async () => {
    const world = inMemoryCinema();
    const s = await world.service.createSession(dune);
    const hold = (seatNumbers: string[], userId: string) => refusalsThrown(world.service).reserve({ sessionId: s.id, seatNumbers, userId });
    const first = await hold(['A1'], ALICE);
    world.clock.advance(10);
    await hold(['A2'], BOB);
    world.clock.advance(10);
    const second = await hold(['A3'], ALICE);
    await refusalsThrown(world.service).cancelReservation({ reservationId: first.id, userId: ALICE });
    world.clock.advance(HOLD_TTL_MS);
    expect((await world.service.listUserReservations(ALICE, PAGE)).map((r) => [r.id, r.status])).toEqual([
      [second.id, 'EXPIRED'],
      [first.id, 'CANCELLED'],
    ]);
  });
});

describe('sales', () => {
  async function soldSeats() {
    const world = inMemoryCinema();
    const s = await world.service.createSession({ ...dune, ticketPrice: 19.99 });
    const buy = async (seatNumbers: string[], userId: string) => {
      const r = await refusalsThrown(world.service).reserve({ sessionId: s.id, seatNumbers, userId });
      world.clock.advance(1_000);
      return refusalsThrown(world.service).confirmPayment({ reservationId: r.id, userId });
    };
    return { world, buy };
  }

  it("when a user bought seats in two payments, then their total counts every seat and adds up to the cent", async () => {
    const { world, buy } = await soldSeats();
    await buy(['A1', 'A2'], ALICE);
    await buy(['B1'], BOB);
    await buy(['A3'], ALICE);
    const mine = await world.service.userSales(ALICE, PAGE);
    expect(mine).toMatchObject({ userId: ALICE, totalPurchases: 3, totalAmount: 59.97 });
    expect(mine.purchases[0].seatNumber).toBe('A3');
    expect(mine.purchases.map((p) => p.seatNumber).sort()).toEqual(['A1', 'A2', 'A3']);
    expect(mine.purchases.every((p) => p.userId === ALICE && p.amount === 19.99)).toBe(true);
  });

  it('when a user bought nothing, then the total is zero purchases and zero amount', async () => {
    const { world, buy } = await soldSeats();
    await buy(['A1'], BOB);
    expect(await world.service.userSales(ALICE, PAGE)).toEqual({ userId: ALICE, totalPurchases: 0, totalAmount: 0, purchases: [] });
  });

  it('when sales are paged, then each page continues where the last one ended, newest first', async () => {
    const { world, buy } = await soldSeats();
    await buy(['A1'], ALICE);
    await buy(['A2'], BOB);
    await buy(['A3'], ALICE);
    const page = (offset: number) => world.service.listSales({ limit: 2, offset });
    expect((await page(0)).map((s) => s.seatNumber)).toEqual(['A3', 'A2']);
    expect((await page(2)).map((s) => s.seatNumber)).toEqual(['A1']);
  });
});
