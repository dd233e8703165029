import { randomUUID } from 'node:crypto';
import { HOLD_TTL_MS, inMemoryCinema } from '../../support/in-memory-cinema';
import { refusalsThrown } from '../../support/refusals-thrown';

/** The box office's use cases (src/app/cinema.ts): layouts, best available, extensions, cancelled screenings. */
const ALICE = 'alice';
const BOB = 'bob';
/** The extension the in-memory cinema grants (once per hold). */
const EXTENSION_MS = 60_000;

/** Two rows of four: row A standard at 10.00, row B premium at 15.50; A4 not for sale. */
const layout = {
  categories: [
    { name: 'STANDARD', price: 10, rows: ['A'] },
    { name: 'PREMIUM', price: 15.5, rows: ['B'] },
  ],
  blocked: ['A4'],
};
const room = { movieName: 'Arrival', roomNumber: '3', ticketPrice: 10, numberOfSeats: 8, seatsPerRow: 4 };

async function boxOffice(options: Parameters<typeof inMemoryCinema>[0] = {}) {
  const world = inMemoryCinema(options);
  const startTime = new Date(world.clock.now() + 3_600_000).toISOString();
  const session = await world.service.createSession({ ...room, startTime, layout });
  return { world, session, service: refusalsThrown(world.service) };
}

describe('creating a session', () => {
  it('when it has a layout, then its categories are priced as given and best available sells from them', async () => {
    const { session } = await boxOffice();
    expect(session.categories).toEqual([
      { name: 'STANDARD', price: 10 },
      { name: 'PREMIUM', price: 15.5 },
    ]);
  });

  it('when it would start now or earlier, then it is refused as 400 naming body.startTime', async () => {
    const world = inMemoryCinema();
    const now = new Date(world.clock.now()).toISOString();
    await expect(world.service.createSession({ ...room, startTime: now })).rejects.toMatchObject({
      status: 400,
      message: 'A session cannot start in the past.',
      extras: { errors: [{ path: 'body.startTime', message: 'must be in the future' }] },
    });
  });

  it('when its layout names seats the room lacks, then it is refused as 400 with each problem under body', async () => {
    const world = inMemoryCinema();
    const startTime = new Date(world.clock.now() + 60_000).toISOString();
    const bad = { ...layout, blocked: ['C1'] };
    const refused = world.service.createSession({ ...room, startTime, layout: bad });
    await expect(refused).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^The layout does not fit the room: .*C1/) });
    await expect(refused).rejects.toMatchObject({ extras: { errors: [{ path: 'body.layout.blocked.0', message: expect.stringContaining('C1') }] } });
  });

  it('when sales close 15 minutes before the start, then the session is active until then and inactive from then on', async () => {
    const closeMs = 15 * 60_000;
    const { world, session } = await boxOffice({ salesCloseMs: closeMs });
    expect(session.isActive).toBe(true);
    world.clock.advance(3_600_000 - closeMs - 1);
    expect(await world.service.getSession(session.id)).toMatchObject({ isActive: true });
    world.clock.advance(1);
    expect(await world.service.getSession(session.id)).toMatchObject({ isActive: false });
  });
});

describe('best available', () => {
  it('when two seats of a category are asked for, then two adjacent seats of that category are held at its price', async () => {
    const { session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, quantity: 2, category: 'PREMIUM' });
    expect(r).toMatchObject({ status: 'PENDING', userId: ALICE, amount: 31 });
    expect(r.seatNumbers.every((s) => s.startsWith('B'))).toBe(true);
  });

  it('when no category is named, then any adjacent seats are held', async () => {
    const { session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, quantity: 3 });
    expect(r.seatNumbers).toHaveLength(3);
  });

  it('when the category is unknown, then it is refused as 400 naming the category', async () => {
    const { session, service } = await boxOffice();
    await expect(service.reserve({ sessionId: session.id, userId: ALICE, quantity: 1, category: 'BALCONY' })).rejects.toMatchObject({
      status: 400,
      message: 'Unknown category: BALCONY',
    });
  });
});

describe('extending a hold', () => {
  it('when the owner extends a pending hold, then it expires one extension later; a second extension is refused', async () => {
    const { world, session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    const longer = await service.extendReservation({ reservationId: r.id, userId: ALICE });
    expect(longer).toMatchObject({ id: r.id, sessionId: session.id, status: 'PENDING' });
    expect(Date.parse(longer.expiresAt)).toBe(world.clock.now() + HOLD_TTL_MS + EXTENSION_MS);
    await expect(service.extendReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({
      status: 409,
      title: 'Extension limit reached',
    });
  });

  it('when another user extends it, then it is refused as 403', async () => {
    const { session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    await expect(service.extendReservation({ reservationId: r.id, userId: BOB })).rejects.toMatchObject({ status: 403 });
  });

  it('when the hold expired and left memory, then extending is 410; when paid, 409 confirmed; when cancelled, 409 cancelled', async () => {
    const { world, session, service } = await boxOffice();
    const hold = (seat: string) => service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: [seat] });
    const extend = (reservationId: string) => service.extendReservation({ reservationId, userId: ALICE });
    const paid = await hold('A1');
    await service.confirmPayment({ reservationId: paid.id, userId: ALICE });
    world.actorForgets(session.id, paid.id);
    await expect(extend(paid.id)).rejects.toMatchObject({ status: 409, title: 'Reservation confirmed', message: 'The reservation is already paid' });
    const cancelled = await hold('A2');
    await service.cancelReservation({ reservationId: cancelled.id, userId: ALICE });
    await expect(extend(cancelled.id)).rejects.toMatchObject({ status: 409, title: 'Reservation cancelled', message: 'The reservation was cancelled' });
    const lapsed = await hold('A3');
    world.clock.advance(HOLD_TTL_MS);
    await world.expireDue(session.id);
    await expect(extend(lapsed.id)).rejects.toMatchObject({ status: 410, message: 'The reservation expired; its seats were released' });
  });

  it('when the session cannot be reached, then extending fails as 503', async () => {
    const { world, session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    world.setOutage('owner unreachable');
    await expect(service.extendReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({ status: 503 });
  });
});

describe('cancelling a screening', () => {
  it('when the box office cancels it, then it reads CANCELLED and inactive, and no seat can be held any more', async () => {
    const { world, session, service } = await boxOffice();
    await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    const cancelled = await service.cancelSession(session.id);
    expect(cancelled).toMatchObject({ id: session.id, status: 'CANCELLED', isActive: false, cancelledAt: new Date(world.clock.now()).toISOString() });
    await expect(service.reserve({ sessionId: session.id, userId: BOB, seatNumbers: ['A2'] })).rejects.toMatchObject({
      status: 409,
      title: 'Session cancelled',
    });
  });

  it('when the session cannot be reached, then cancelling it fails as 503', async () => {
    const { world, session, service } = await boxOffice();
    world.setOutage('owner unreachable');
    await expect(service.cancelSession(session.id)).rejects.toMatchObject({ status: 503 });
  });
});

describe('reservations of other users', () => {
  it('when the service runs with authentication, then another user\'s reservation is 404, never a hint that it exists', async () => {
    const { session, service } = await boxOffice({ othersReservations: 'not-found' });
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    for (const useCase of ['confirmPayment', 'cancelReservation', 'extendReservation'] as const) {
      await expect(service[useCase]({ reservationId: r.id, userId: BOB })).rejects.toMatchObject({
        status: 404,
        message: `Reservation ${r.id} not found`,
      });
    }
  });

  it('when the box office cancels without a user, then anyone\'s hold is cancelled for its owner', async () => {
    const { session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    expect(await service.cancelReservation({ reservationId: r.id })).toMatchObject({ status: 'CANCELLED', userId: ALICE });
  });

  it('when an unknown reservation is extended, then it is 404', async () => {
    const { service } = await boxOffice();
    const id = randomUUID();
    await expect(service.extendReservation({ reservationId: id, userId: ALICE })).rejects.toMatchObject({ status: 404 });
  });
});

describe('an owner that refuses for a reason of its own', () => {
  it('when the owner refuses a cancel for another reason than not knowing the reservation, then that refusal is the answer', async () => {
    const { world, session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    const refusing = refusalsThrown(
      world.withRouter((router) => ({ ...router, execute: async () => ({ ok: false, error: { code: 'NOT_RESERVATION_OWNER' } }) })),
    );
    await expect(refusing.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({ status: 403 });
  });
});

describe('an owner that answers without the reservation', () => {
  it('when the session accepts a command but names no reservation, then reserve, confirm, cancel and extend fail as 503', async () => {
    const { world, session, service } = await boxOffice();
    const r = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A1'] });
    const forgetful = refusalsThrown(
      world.withRouter((router) => ({
        ...router,
        execute: async (sessionId, request) => {
          const reply = await router.execute(sessionId, request);
          return reply.ok ? { ok: true, session: reply.session } : reply;
        },
      })),
    );
    const unavailable = { status: 503, message: 'The session did not return the reservation' };
    await expect(forgetful.reserve({ sessionId: session.id, userId: BOB, seatNumbers: ['B1'] })).rejects.toMatchObject(unavailable);
    await expect(forgetful.extendReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(unavailable);
    await expect(forgetful.confirmPayment({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(unavailable);
    const other = await service.reserve({ sessionId: session.id, userId: ALICE, seatNumbers: ['A2'] });
    await expect(forgetful.cancelReservation({ reservationId: other.id, userId: ALICE })).rejects.toMatchObject(unavailable);
  });
});
