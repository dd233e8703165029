import { evolveAll, freeSeatsAt, initialState, type SessionEvent } from '../../../src/domain';
import { sessionInfo } from '../../support/given-when-then';
import { BOB, T0, TTL, created, paid } from './builders';

describe('freeSeatsAt: which seats a hold may take at a given time', () => {
  const info = sessionInfo({ numberOfSeats: 10, seatsPerRow: 10, seating: { blocked: ['A4'] } });
  const freeAt = (events: readonly SessionEvent[], now: number) => freeSeatsAt(evolveAll(initialState(info), events), now);

  it('then an untaken seat is free, and a blocked seat or a seat the room does not have never is', () => {
    const free = freeAt([], T0);
    expect(free('A1')).toBe(true);
    expect(free('A4')).toBe(false);
    expect(free('Z99')).toBe(false);
  });

  it('then a held seat is free again once its hold is past its expiry, and a sold seat never is', () => {
    const history = [created('r1', ['A1']), created('r2', ['A2'], { userId: BOB }), paid('r2', ['A2'], { userId: BOB })];
    expect(freeAt(history, T0 + TTL - 1)('A1')).toBe(false);
    expect(freeAt(history, T0 + TTL)('A1')).toBe(true);
    expect(freeAt(history, T0 + 10 * TTL)('A2')).toBe(false);
  });
});
