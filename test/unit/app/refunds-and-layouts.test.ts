import { inMemoryCinema } from '../../support/in-memory-cinema';
import { refusalsThrown } from '../../support/refusals-thrown';

/** What a cancelled screening does to sales and reads, and layouts without categories (src/app/cinema.ts). */
const ALICE = 'alice';
const PAGE = { limit: 100, offset: 0 };
const room = { movieName: 'Arrival', roomNumber: '3', ticketPrice: 10, numberOfSeats: 8, seatsPerRow: 4 };

async function session(layout?: object) {
  const world = inMemoryCinema();
  const startTime = new Date(world.clock.now() + 3_600_000).toISOString();
  const created = await world.service.createSession({ ...room, startTime, ...(layout ? { layout } : {}) });
  return { world, session: created, service: refusalsThrown(world.service) };
}

describe('a cancelled screening after a sale', () => {
  it('when a paid reservation\'s screening is cancelled, then its sales read refunded at that time and the reservation REFUNDED', async () => {
    const { world, session: s, service } = await session();
    const r = await service.reserve({ sessionId: s.id, userId: ALICE, seatNumbers: ['A1'] });
    const [sale] = await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    expect(sale).not.toHaveProperty('refundedAt');
    world.clock.advance(5_000);
    await service.cancelSession(s.id);
    const refundedAt = new Date(world.clock.now()).toISOString();
    expect(await service.listSales(PAGE)).toEqual([{ ...sale, refundedAt }]);
    expect(await service.getReservation(r.id)).toMatchObject({ status: 'REFUNDED' });
  });

  it('when the owner accepts the cancel of a screening the tables do not know, then it is 404', async () => {
    const { world } = await session();
    const accepting = world.withRouter((router) => ({
      ...router,
      execute: async () => ({ ok: true, session: { sessionId: 'gone', movieName: 'x', startTime: 'x', roomNumber: 'x' } }),
    }));
    await expect(accepting.cancelSession('gone')).rejects.toMatchObject({ status: 404, message: 'Session gone not found' });
  });
});

describe('reading a paid reservation back', () => {
  it('when it is read long after its hold time, then it stays CONFIRMED (only a pending hold reads EXPIRED)', async () => {
    const { world, session: s, service } = await session();
    const r = await service.reserve({ sessionId: s.id, userId: ALICE, seatNumbers: ['A1'] });
    await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    world.clock.advance(3_000_000);
    expect(await service.getReservation(r.id)).toMatchObject({ status: 'CONFIRMED' });
    expect(await service.listUserReservations(ALICE, PAGE)).toEqual([expect.objectContaining({ id: r.id, status: 'CONFIRMED' })]);
  });
});

describe('layouts', () => {
  it('when a layout only blocks seats, then the session keeps one category at its ticket price and the blocked seat is not for sale', async () => {
    const { session: s, service } = await session({ blocked: ['A1'] });
    expect(s.categories).toEqual([{ name: 'STANDARD', price: 10 }]);
    await expect(service.reserve({ sessionId: s.id, userId: ALICE, seatNumbers: ['A1'] })).rejects.toMatchObject({
      status: 409,
      title: 'Seats not for sale',
    });
  });

  it('when a layout has two problems, then the 400 names both, joined by "; ", each under body.layout', async () => {
    const world = inMemoryCinema();
    const startTime = new Date(world.clock.now() + 60_000).toISOString();
    const refused = world.service.createSession({ ...room, startTime, layout: { blocked: ['C1'], wheelchair: ['D1'] } });
    await expect(refused).rejects.toMatchObject({
      status: 400,
      message:
        'The layout does not fit the room: "C1" names C1, which is not a seat of this room; "D1" names D1, which is not a seat of this room',
      extras: {
        errors: [
          { path: 'body.layout.blocked.0', message: '"C1" names C1, which is not a seat of this room' },
          { path: 'body.layout.wheelchair.0', message: '"D1" names D1, which is not a seat of this room' },
        ],
      },
    });
  });

  it.each([
    ['STANDARD', 'A', 20],
    ['PREMIUM', 'B', 31],
  ])('when best available asks for %s, then both seats are in row %s at %d', async (category, row, amount) => {
    const layout = { categories: [{ name: 'STANDARD', price: 10, rows: ['A'] }, { name: 'PREMIUM', price: 15.5, rows: ['B'] }] };
    const { session: s, service } = await session(layout);
    const r = await service.reserve({ sessionId: s.id, userId: ALICE, quantity: 2, category });
    expect(r.amount).toBe(amount);
    expect(r.seatNumbers.map((seat) => seat[0])).toEqual([row, row]);
  });
});
