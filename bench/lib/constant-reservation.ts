/** The reservation-sized JSON that comparator (a) answers every request with (bench/README.md). */
export const CONSTANT_RESERVATION = {
  id: '0f8e5c1e-7d1a-4c55-9a8e-6c3b2a1d0e9f',
  sessionId: '5b0c7a52-2d7e-4d8b-8a8c-0b3a6f1e2d4c',
  userId: 'user-1',
  seatNumbers: ['A1'],
  status: 'PENDING',
  amount: 25,
  expiresAt: '2030-01-01T00:00:30.000Z',
  createdAt: '2030-01-01T00:00:00.000Z',
};
