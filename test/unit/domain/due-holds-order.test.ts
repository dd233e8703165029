import { randomUUID } from 'node:crypto';
import { dueHolds, evolveAll, initialState, type SessionEvent } from '../../../src/domain';
import { sessionInfo } from '../../support/given-when-then';
import { BOB, T0, created } from './builders';

/**
 * dueHolds answers in one order, whatever order the state keeps its reservations in (the persistent map iterates in
 * hash order): earliest due first, then earliest made, then by id. ExpireDue emits its expiries in this order, so
 * every replica and every replay agrees on them. Six holds with random ids per case: their hash order is the wanted
 * order by chance only once in 720 runs.
 */
const info = sessionInfo({ numberOfSeats: 16 });
const seats = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6'];
const stateAfter = (events: readonly SessionEvent[]) => evolveAll(initialState(info), events);
const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
const dueAt = T0 + 60_000;

describe('the order of due holds', () => {
  it('when holds made in one order fall due in another, then the one due first comes first', () => {
    const inDueOrder = ids(6);
    // Each made a second later than the next one, but due a second earlier.
    const holds = inDueOrder.map((id, i) => created(id, [seats[i]], { userId: BOB, at: T0 + (6 - i) * 1_000, ttlMs: 10_000 + i * 2_000 }));
    expect(dueHolds(stateAfter(holds), dueAt).map((r) => r.id)).toEqual(inDueOrder);
  });

  it('when holds fall due at the same moment, then the one made first comes first', () => {
    const inMadeOrder = ids(6);
    const holds = inMadeOrder.map((id, i) => created(id, [seats[i]], { at: T0 + i * 1_000, ttlMs: 30_000 - i * 1_000 }));
    expect(dueHolds(stateAfter(holds), dueAt).map((r) => r.id)).toEqual(inMadeOrder);
  });

  it('when holds were made and fall due at the same moments, then they come in the order of their ids', () => {
    const some = ids(6);
    const holds = some.map((id, i) => created(id, [seats[i]], { at: T0 }));
    expect(dueHolds(stateAfter(holds), dueAt).map((r) => r.id)).toEqual([...some].sort());
  });
});
