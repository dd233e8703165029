import { storages } from '../support/test-instance';
import { availability, expectProblem, ISO_DATE_TIME, seatStatus, uid, UUID, useInstance } from './helpers';

/** The seed README's "Exemplo de Fluxo Completo": two users race for the last seat, the winner pays. */
describe.each(storages())('the seed complete flow on %s', (storage) => {
  const ctx = useInstance(storage);

  // The seed's exact body.
  const seedBody = {
    movieName: 'Filme Teste',
    startTime: '2030-02-15T19:00:00Z',
    roomNumber: 'Sala 1',
    ticketPrice: 25.0,
    numberOfSeats: 1,
  };

  const user1 = uid('user1');
  const user2 = uid('user2');
  let sessionId: string;
  let winner: string;
  let loser: string;
  let reservationId: string;
  let sales: Array<Record<string, unknown>>;

  it('creates the one-seat session with 201, a Location header and every field of the contract', async () => {
    const res = await ctx.api.post('/sessions').send(seedBody);
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      movieName: 'Filme Teste',
      startTime: expect.stringMatching(ISO_DATE_TIME),
      roomNumber: 'Sala 1',
      ticketPrice: 25,
      isActive: true,
      totalSeats: 1,
      availableSeats: 1,
      createdAt: expect.stringMatching(ISO_DATE_TIME),
      status: 'ON_SALE',
      categories: [{ name: 'STANDARD', price: 25 }],
    });
    expect(new Date(res.body.startTime).toISOString()).toBe('2030-02-15T19:00:00.000Z');
    expect(res.headers.location).toBe(`/sessions/${res.body.id}`);
    sessionId = res.body.id;

    const fetched = await ctx.api.get(res.headers.location);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(res.body);
  });

  it('shows the single seat A1 available before anyone reserves', async () => {
    const res = await ctx.api.get(`/sessions/${sessionId}/availability`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      sessionId,
      version: 0,
      movieName: 'Filme Teste',
      startTime: expect.stringMatching(ISO_DATE_TIME),
      roomNumber: 'Sala 1',
      ticketPrice: 25,
      totalSeats: 1,
      availableSeats: 1,
      status: 'ON_SALE',
      categories: [{ name: 'STANDARD', price: 25 }],
      seats: [{ seatNumber: 'A1', row: 'A', status: 'AVAILABLE', isAvailable: true, category: 'STANDARD', price: 25, wheelchair: false }],
    });
  });

  it('lets exactly one of two users racing for A1 win, and tells the other which seat was unavailable', async () => {
    const [first, second] = await Promise.all(
      [user1, user2].map((userId) => ctx.api.post('/reservations').send({ sessionId, seatNumbers: ['A1'], userId })),
    );
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 409]);

    const won = first.status === 201 ? first : second;
    const lost = first.status === 201 ? second : first;
    winner = won.body.userId;
    loser = winner === user1 ? user2 : user1;
    expect([user1, user2]).toContain(winner);

    expect(won.body).toEqual({
      id: expect.stringMatching(UUID),
      sessionId,
      userId: winner,
      seatNumbers: ['A1'],
      status: 'PENDING',
      amount: 25,
      expiresAt: expect.stringMatching(ISO_DATE_TIME),
      createdAt: expect.stringMatching(ISO_DATE_TIME),
    });
    expect(Date.parse(won.body.expiresAt)).toBeGreaterThan(Date.parse(won.body.createdAt));
    reservationId = won.body.id;

    const problem = expectProblem(lost, 409);
    expect(problem.unavailableSeats).toEqual(['A1']);
  });

  it('then shows no seat available and A1 reserved', async () => {
    const doc = await availability(ctx.api, sessionId);
    expect(doc.availableSeats).toBe(0);
    expect(doc.seats).toEqual([
      { seatNumber: 'A1', row: 'A', status: 'RESERVED', isAvailable: false, category: 'STANDARD', price: 25, wheelchair: false },
    ]);
  });

  it('records no reservation for the loser', async () => {
    const res = await ctx.api.get(`/reservations/user/${loser}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('confirms the winner payment with 200 and one Sale of 25 carrying every field of the contract', async () => {
    const res = await ctx.api.post('/reservations/confirm-payment').send({ reservationId, userId: winner });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: expect.stringMatching(UUID),
        reservationId,
        sessionId,
        seatNumber: 'A1',
        userId: winner,
        amount: 25,
        movieName: 'Filme Teste',
        sessionStartTime: expect.stringMatching(ISO_DATE_TIME),
        roomNumber: 'Sala 1',
        paidAt: expect.stringMatching(ISO_DATE_TIME),
      },
    ]);
    expect(new Date(res.body[0].sessionStartTime).toISOString()).toBe('2030-02-15T19:00:00.000Z');
    sales = res.body;
  });

  it('marks the seat SOLD after the payment', async () => {
    const doc = await availability(ctx.api, sessionId);
    expect(doc.availableSeats).toBe(0);
    expect(seatStatus(doc, 'A1')).toBe('SOLD');
    expect(doc.seats[0].isAvailable).toBe(false);
  });

  it('totals the winner purchases under GET /sales/user/{userId}', async () => {
    const res = await ctx.api.get(`/sales/user/${winner}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ userId: winner, totalPurchases: 1, totalAmount: 25, purchases: sales });
  });

  it('lists the winner reservation, newest first, as CONFIRMED', async () => {
    // A second, later reservation elsewhere must come first in the list.
    const other = await ctx.api.post('/sessions').send({ ...seedBody, movieName: 'Outro Filme', numberOfSeats: 2 });
    expect(other.status).toBe(201);
    const later = await ctx.api.post('/reservations').send({ sessionId: other.body.id, seatNumbers: ['A2'], userId: winner });
    expect(later.status).toBe(201);

    const res = await ctx.api.get(`/reservations/user/${winner}`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body[0]).toEqual(expect.objectContaining({ id: later.body.id, status: 'PENDING' }));
    expect(res.body[1]).toEqual({
      id: reservationId,
      sessionId,
      userId: winner,
      seatNumbers: ['A1'],
      status: 'CONFIRMED',
      amount: 25,
      expiresAt: expect.stringMatching(ISO_DATE_TIME),
      createdAt: expect.stringMatching(ISO_DATE_TIME),
    });
    expect(Date.parse(res.body[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(res.body[1].createdAt));

    const single = await ctx.api.get(`/reservations/${reservationId}`);
    expect(single.status).toBe(200);
    expect(single.body.status).toBe('CONFIRMED');
  });

  it('lists the session under GET /sessions, soonest first, with its seat now taken', async () => {
    const res = await ctx.api.get('/sessions');
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    const listed = (res.body as Array<{ id: string; availableSeats: number }>).find((s) => s.id === sessionId);
    expect(listed).toEqual(
      expect.objectContaining({ id: sessionId, movieName: 'Filme Teste', roomNumber: 'Sala 1', ticketPrice: 25, totalSeats: 1, availableSeats: 0 }),
    );
    const starts = (res.body as Array<{ startTime: string }>).map((s) => Date.parse(s.startTime));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('lists the sale under GET /sales', async () => {
    const res = await ctx.api.get('/sales');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(expect.arrayContaining([sales[0]]));
  });
});
