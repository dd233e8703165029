import { evolve, evolveAll, initialState, type SessionEvent, type SessionState } from '../../../src/domain';
import { sessionInfo } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, cancelled, created, expired, paid } from './builders';

/** Freezes objects and arrays all the way down; a Map's set/delete/clear throw, since Object.freeze leaves them working. */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
    const refuse = () => {
      throw new TypeError('evolve mutated a Map of the old state');
    };
    Object.assign(value, { set: refuse, delete: refuse, clear: refuse });
  }
  for (const v of Object.values(value as object)) deepFreeze(v);
  return Object.freeze(value);
}

/** A plain, comparable copy of the state (Maps become sorted entry lists). */
function snapshot(state: SessionState): unknown {
  return JSON.parse(
    JSON.stringify(state, (_k, v) => (v instanceof Map ? [...v.entries()].sort(([a], [b]) => String(a).localeCompare(String(b))) : v)),
  );
}

const info = sessionInfo({ numberOfSeats: 16 });
const base = (events: readonly SessionEvent[]) => evolveAll(initialState(info), events);

describe('evolve', () => {
  describe('is pure: it returns a new state and never touches the old one', () => {
    const heldA1A2 = created('r1', ['A1', 'A2']);
    it.each<[string, SessionEvent[], SessionEvent]>([
      ['reservation.created', [], heldA1A2],
      ['reservation.created next to another hold', [heldA1A2], created('r2', ['A3'], { userId: BOB })],
      ['reservation.expired', [heldA1A2], expired('r1', ['A1', 'A2'], T0 + TTL)],
      ['reservation.cancelled', [heldA1A2], cancelled('r1', ['A1', 'A2'], T0 + 1)],
      ['payment.confirmed', [heldA1A2], paid('r1', ['A1', 'A2'])],
    ])('when %s is applied to a deep-frozen state, then the old state is unchanged', (_name, given, event) => {
      const before = deepFreeze(base(given));
      const copy = snapshot(before);
      const after = evolve(before, deepFreeze(event));
      expect(snapshot(before)).toEqual(copy);
      expect(after).not.toBe(before);
      expect(snapshot(after)).not.toEqual(copy);
    });

    it('when the same events are applied twice from the same state, then both results are equal', () => {
      const start = deepFreeze(base([created('r1', ['A1'])]));
      const events = [paid('r1', ['A1']), created('r2', ['A2'], { userId: BOB }), cancelled('r2', ['A2'], T0 + 2)];
      expect(snapshot(evolveAll(start, events))).toEqual(snapshot(evolveAll(start, events)));
    });
  });

  describe('what each event does to the state', () => {
    it('when a reservation is created, then its seats are RESERVED by it and it is PENDING with its amount and times', () => {
      const state = base([created('r1', ['A1', 'B2'], { userId: ALICE, at: T0 })]);
      expect(state.taken.get('A1')).toEqual({ reservationId: 'r1', status: 'RESERVED' });
      expect(state.taken.get('B2')).toEqual({ reservationId: 'r1', status: 'RESERVED' });
      expect(state.reservations.get('r1')).toEqual({
        id: 'r1',
        userId: ALICE,
        seatNumbers: ['A1', 'B2'],
        status: 'PENDING',
        amountCents: 5000,
        createdAt: T0,
        expiresAt: T0 + TTL,
      });
    });

    it('when a payment is confirmed, then the seats are SOLD and the reservation is CONFIRMED with its sales and paidAt', () => {
      const state = base([created('r1', ['A1']), paid('r1', ['A1'], { at: T0 + 5, saleIds: ['s1'] })]);
      expect(state.taken.get('A1')).toEqual({ reservationId: 'r1', status: 'SOLD' });
      expect(state.reservations.get('r1')).toMatchObject({
        status: 'CONFIRMED',
        paidAt: T0 + 5,
        sales: [{ id: 's1', seatNumber: 'A1', amountCents: 2500 }],
      });
    });

    it.each([
      ['expired', expired('r1', ['A1', 'A2'], T0 + TTL)],
      ['cancelled', cancelled('r1', ['A1', 'A2'], T0 + 1)],
    ] as const)('when a hold is %s, then its seats are free and it leaves memory (its row keeps the status)', (_name, event) => {
      const state = base([created('r1', ['A1', 'A2']), created('r2', ['A3']), event]);
      expect([...state.taken.keys()]).toEqual(['A3']);
      expect([...state.reservations.keys()]).toEqual(['r2']);
    });

    it('when a hold ends after another reservation took one of its seats, then it frees only the seats it still holds', () => {
      // The decider ends a due hold before re-holding its seats; evolve still folds whatever fact stream it is given.
      const state = base([created('r1', ['A1', 'A2']), created('r2', ['A2'], { userId: BOB }), expired('r1', ['A1', 'A2'], T0 + TTL)]);
      expect(state.taken.has('A1')).toBe(false);
      expect(state.taken.get('A2')).toEqual({ reservationId: 'r2', status: 'RESERVED' });
    });

    it.each([
      ['an expiry after payment', [created('r1', ['A1']), paid('r1', ['A1'])], expired('r1', ['A1'], T0 + TTL)],
      ['a cancel after payment', [created('r1', ['A1']), paid('r1', ['A1'])], cancelled('r1', ['A1'], T0 + 2)],
      ['an expiry after a cancel', [created('r1', ['A1']), cancelled('r1', ['A1'], T0 + 1)], expired('r1', ['A1'], T0 + TTL)],
      ['a payment after an expiry', [created('r1', ['A1']), expired('r1', ['A1'], T0 + TTL)], paid('r1', ['A1'])],
      ['an expiry of an unknown reservation', [created('r1', ['A1'])], expired('ghost', ['A1'], T0 + TTL)],
      ['a payment of an unknown reservation', [created('r1', ['A1'])], paid('ghost', ['A1'])],
    ])('when %s arrives, then the state is left as it was', (_name, given, event) => {
      const before = base(given);
      expect(evolve(before, event)).toBe(before);
    });
  });
});
