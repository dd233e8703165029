import { randomUUID } from 'node:crypto';
import { HOLD_TTL_MS, inMemoryCinema } from '../../support/in-memory-cinema';
import { refusalsThrown } from '../../support/refusals-thrown';

/** The reservation use cases (src/app/cinema.ts) over in-memory tables and the real seat rules. */
const ALICE = 'alice';
const BOB = 'bob';

async function cinemaWithSession({ ticketPrice = 25, numberOfSeats = 16 } = {}) {
  const world = inMemoryCinema();
  const session = await world.service.createSession({
    movieName: 'Dune: Part Two',
    startTime: '2030-01-01T20:00:00.000Z',
    roomNumber: '7',
    ticketPrice,
    numberOfSeats,
    seatsPerRow: 10,
  });
  const service = refusalsThrown(world.service);
  const hold = (seatNumbers: string[], userId = ALICE) => service.reserve({ sessionId: session.id, seatNumbers, userId });
  return { world, service, session, hold };
}

describe('reserving seats', () => {
  it('when seats are free, then they are held PENDING for the user, priced per seat, until now + the hold time', async () => {
    const { world, session, hold } = await cinemaWithSession({ ticketPrice: 19.99 });
    const r = await hold(['A1', 'A2', 'A3']);
    expect(r).toEqual({
      id: expect.any(String),
      sessionId: session.id,
      userId: ALICE,
      seatNumbers: ['A1', 'A2', 'A3'],
      status: 'PENDING',
      amount: 59.97,
      createdAt: new Date(world.clock.now()).toISOString(),
      expiresAt: new Date(world.clock.now() + HOLD_TTL_MS).toISOString(),
    });
  });

  it('when a seat is already held, then the request is refused as 409 naming that seat', async () => {
    const { hold } = await cinemaWithSession();
    await hold(['A2'], BOB);
    await expect(hold(['A1', 'A2'])).rejects.toMatchObject({ status: 409, extras: { unavailableSeats: ['A2'] } });
  });

  it('when the session cannot be reached, then the request fails as 503 that may be retried', async () => {
    const { world, hold } = await cinemaWithSession();
    world.setOutage('lease lost');
    await expect(hold(['A1'])).rejects.toMatchObject({ status: 503, retriable: true, message: 'Session unavailable: lease lost' });
  });
});

describe('confirming payment', () => {
  it('when the owner pays in time, then there is one sale per seat with the session facts and the seats are sold', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1', 'B2']);
    world.clock.advance(1_000);
    const sales = await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    expect(sales).toEqual(
      ['A1', 'B2'].map((seatNumber) => ({
        id: expect.any(String),
        reservationId: r.id,
        sessionId: session.id,
        seatNumber,
        userId: ALICE,
        amount: 25,
        movieName: 'Dune: Part Two',
        sessionStartTime: '2030-01-01T20:00:00.000Z',
        roomNumber: '7',
        paidAt: new Date(world.clock.now()).toISOString(),
      })),
    );
    expect(new Set(sales.map((s) => s.id)).size).toBe(2);
    await expect(hold(['B2'], BOB)).rejects.toMatchObject({ status: 409 });
  });

  it('when the owner pays twice, then the second answer repeats the first sales', async () => {
    const { service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    const first = await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    expect(await service.confirmPayment({ reservationId: r.id, userId: ALICE })).toEqual(first);
  });

  it('when the hold time has passed, then payment is refused as 410 and the seats are free again', async () => {
    const { world, service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.clock.advance(HOLD_TTL_MS);
    await expect(service.confirmPayment({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({ status: 410 });
    await expect(hold(['A1'], BOB)).resolves.toMatchObject({ status: 'PENDING', userId: BOB });
  });

  it('when the hold already expired and left the session\'s memory, then payment is refused as 410 from its stored status', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.clock.advance(HOLD_TTL_MS);
    await world.expireDue(session.id);
    await expect(service.confirmPayment({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({
      status: 410,
      title: 'Reservation expired',
      message: 'The reservation expired; its seats were released',
    });
  });

  it('when the reservation was cancelled, then payment is refused as 409 Reservation cancelled', async () => {
    const { service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    await service.cancelReservation({ reservationId: r.id, userId: ALICE });
    await expect(service.confirmPayment({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({
      status: 409,
      title: 'Reservation cancelled',
      message: 'The reservation was cancelled',
    });
  });

  it('when the session no longer remembers a paid reservation, then paying again answers its stored sales', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1', 'A2']);
    const sales = await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    world.actorForgets(session.id, r.id);
    expect(await service.confirmPayment({ reservationId: r.id, userId: ALICE })).toEqual(sales);
  });

  it('when the session does not know a reservation whose row is still pending, then the answer is 503 (settling, retry)', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.actorForgets(session.id, r.id);
    const settling = { status: 503, retriable: true, message: 'Reservation state is settling; retry' };
    await expect(service.confirmPayment({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(settling);
    await expect(service.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(settling);
  });

  it.each(['confirmPayment', 'cancelReservation'] as const)('when the session cannot be reached, then %s fails as 503', async (useCase) => {
    const { world, service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.setOutage('owner unreachable');
    await expect(service[useCase]({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({
      status: 503,
      message: 'Session unavailable: owner unreachable',
    });
  });
});

describe('cancelling', () => {
  it('when the owner cancels a pending hold, then it is CANCELLED and its seats can be held by someone else', async () => {
    const { service, hold } = await cinemaWithSession();
    const r = await hold(['A1', 'A2']);
    expect(await service.cancelReservation({ reservationId: r.id, userId: ALICE })).toMatchObject({
      id: r.id,
      status: 'CANCELLED',
      seatNumbers: ['A1', 'A2'],
    });
    await expect(hold(['A1', 'A2'], BOB)).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('when the owner cancels twice, then the second answer is the stored CANCELLED reservation', async () => {
    const { service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    const first = await service.cancelReservation({ reservationId: r.id, userId: ALICE });
    expect(await service.cancelReservation({ reservationId: r.id, userId: ALICE })).toEqual(first);
  });

  it('when the hold time has passed but its timer has not fired, then cancelling is refused as 409 Reservation expired', async () => {
    const { world, service, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.clock.advance(HOLD_TTL_MS + 1);
    await expect(service.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({
      status: 409,
      title: 'Reservation expired',
      message: 'The reservation expired before it was cancelled; its seats were already released',
    });
  });

  it('when the hold already expired and left memory, then cancelling is refused as 409 Reservation expired', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    world.clock.advance(HOLD_TTL_MS);
    await world.expireDue(session.id);
    await expect(service.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject({ status: 409, title: 'Reservation expired' });
  });

  it('when the reservation is paid, then cancelling is refused as 409 Reservation confirmed, remembered or not', async () => {
    const { world, service, session, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    await service.confirmPayment({ reservationId: r.id, userId: ALICE });
    const paid = { status: 409, title: 'Reservation confirmed', message: 'The reservation is already paid' };
    await expect(service.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(paid);
    world.actorForgets(session.id, r.id);
    await expect(service.cancelReservation({ reservationId: r.id, userId: ALICE })).rejects.toMatchObject(paid);
  });
});

describe('who may confirm or cancel', () => {
  it.each(['confirmPayment', 'cancelReservation'] as const)(
    'when another user calls %s, then it is refused as 403 and the hold stays PENDING',
    async (useCase) => {
      const { world, service, hold } = await cinemaWithSession();
      const r = await hold(['A1']);
      const notYours = { status: 403, message: 'This reservation belongs to another user' };
      await expect(service[useCase]({ reservationId: r.id, userId: BOB })).rejects.toMatchObject(notYours);
      await expect(refusalsThrown(world.otherInstance())[useCase]({ reservationId: r.id, userId: BOB })).rejects.toMatchObject(notYours);
      expect(await service.getReservation(r.id)).toMatchObject({ status: 'PENDING' });
    },
  );

  it.each(['confirmPayment', 'cancelReservation'] as const)('when %s names an unknown reservation, then it is 404', async (useCase) => {
    const { service } = await cinemaWithSession();
    const id = randomUUID();
    await expect(service[useCase]({ reservationId: id, userId: ALICE })).rejects.toMatchObject({ status: 404, message: `Reservation ${id} not found` });
  });

  it('when the owner confirms on another instance than the one that took the hold, then it works from the stored row', async () => {
    const { world, hold } = await cinemaWithSession();
    const r = await hold(['A1']);
    const sales = await world.otherInstance().confirmPayment({ reservationId: r.id, userId: ALICE });
    expect(sales).toEqual([expect.objectContaining({ reservationId: r.id, seatNumber: 'A1', userId: ALICE })]);
  });
});
