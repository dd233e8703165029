import { availableSeatCount, dueHolds, evolveAll, initialState, nextExpiry, type SessionEvent } from '../../../src/domain';
import { sessionInfo } from '../../support/given-when-then';
import { BOB, T0, TTL, cancelled, created, expired, paid } from './builders';

const info = sessionInfo({ numberOfSeats: 16 });
const stateAfter = (events: readonly SessionEvent[]) => evolveAll(initialState(info), events);

describe('the session state helpers', () => {
  describe('initialState', () => {
    it('when a session starts, then it knows its info and nothing is taken or reserved', () => {
      const state = initialState(info);
      expect(state.info).toBe(info);
      expect(state.taken.size).toBe(0);
      expect(state.reservations.size).toBe(0);
    });
  });

  describe('availableSeatCount', () => {
    it('when nothing is held, then every seat is available', () => {
      expect(availableSeatCount(initialState(info))).toBe(16);
    });

    it('when seats are held or sold, then they are not available', () => {
      expect(availableSeatCount(stateAfter([created('r1', ['A1', 'A2', 'A3'])]))).toBe(13);
      expect(availableSeatCount(stateAfter([created('r1', ['A1', 'A2', 'A3']), paid('r1', ['A1', 'A2', 'A3'])]))).toBe(13);
      expect(
        availableSeatCount(stateAfter([created('r1', ['A1', 'A2', 'A3']), created('r2', ['B6'], { userId: BOB })])),
      ).toBe(12);
    });

    it('when holds expire or are cancelled, then their seats count as available again', () => {
      expect(availableSeatCount(stateAfter([created('r1', ['A1', 'A2']), expired('r1', ['A1', 'A2'], T0 + TTL)]))).toBe(16);
      expect(availableSeatCount(stateAfter([created('r1', ['A1', 'A2']), cancelled('r1', ['A1', 'A2'], T0 + 1)]))).toBe(16);
    });

    it('when every seat is sold, then none is available', () => {
      const all = info.seatLabels;
      expect(availableSeatCount(stateAfter([created('r1', all), paid('r1', all, { saleIds: all.map((s) => `s-${s}`) })]))).toBe(0);
    });
  });

  describe('dueHolds', () => {
    const holds = [
      created('early', ['A1'], { at: T0 }),
      created('later', ['A2'], { at: T0 + 1_000 }),
      created('sold', ['A3'], { at: T0 }),
      paid('sold', ['A3']),
      created('dropped', ['A4'], { at: T0 }),
      cancelled('dropped', ['A4'], T0 + 1),
    ];

    it('when no hold has reached its expiresAt, then none is due', () => {
      expect(dueHolds(stateAfter(holds), T0 + TTL - 1)).toEqual([]);
    });

    it('when now reaches a hold\'s expiresAt, then exactly the pending holds with expiresAt <= now are due', () => {
      expect(dueHolds(stateAfter(holds), T0 + TTL).map((r) => r.id)).toEqual(['early']);
      expect(dueHolds(stateAfter(holds), T0 + TTL + 1_000).map((r) => r.id)).toEqual(['early', 'later']);
    });

    it('when holds already expired, then they are no longer due', () => {
      expect(dueHolds(stateAfter([...holds, expired('early', ['A1'], T0 + TTL)]), T0 + 10 * TTL).map((r) => r.id)).toEqual([
        'later',
      ]);
    });
  });

  describe('nextExpiry', () => {
    it('when nothing is held, then there is no next expiry', () => {
      expect(nextExpiry(initialState(info))).toBeUndefined();
    });

    it('when several holds are pending, then the next expiry is the earliest expiresAt among them', () => {
      const state = stateAfter([
        created('b', ['A2'], { at: T0 + 500 }),
        created('a', ['A1'], { at: T0 + 100 }),
        created('c', ['A3'], { at: T0 + 900 }),
      ]);
      expect(nextExpiry(state)).toBe(T0 + 100 + TTL);
    });

    it('when the earliest hold has ended, then the next expiry is the earliest of those still pending', () => {
      const state = stateAfter([
        created('a', ['A1'], { at: T0 }),
        created('b', ['A2'], { at: T0 + 100 }),
        created('c', ['A3'], { at: T0 + 200 }),
        paid('a', ['A1']),
        cancelled('b', ['A2'], T0 + 300),
      ]);
      expect(nextExpiry(state)).toBe(T0 + 200 + TTL);
    });

    it('when every hold has ended, then there is no next expiry', () => {
      const state = stateAfter([created('a', ['A1']), paid('a', ['A1']), created('b', ['A2']), expired('b', ['A2'], T0 + TTL)]);
      expect(nextExpiry(state)).toBeUndefined();
    });
  });
});
