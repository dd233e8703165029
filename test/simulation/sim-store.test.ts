import { evolveAll, initialState, seatLabels, type SessionEvent, type SessionInfo } from '../../src/domain';
import { FencedWriteError } from '../../src/errors';
import type { CommitBatch } from '../../src/persistence/seat-state-store';
import { FaultPlan } from './faults';
import { processGate } from './process-gate';
import { seededRandom } from './random';
import { SimStore } from './sim-store';

/** The simulated store keeps the commit rules of the real one (src/persistence/seat-state-commit.ts). */
const random = seededRandom(1);
const hold = (id: string, seats: string[]): SessionEvent => ({
  type: 'reservation.created', reservationId: id, userId: 'u', seatNumbers: seats, amountCents: 1_000, createdAt: 1, expiresAt: 9e12,
});

/** A store without faults, and a writer of batches that follow each session's committed state. */
function givenAStore(sessions = 1) {
  const store = new SimStore(new FaultPlan(random, []), new Set(), () => undefined);
  const writers = Array.from({ length: sessions }, () => {
    const info: SessionInfo = {
      sessionId: random.uuid(), movieName: 'Spec', startTime: '2031-01-01T20:00:00.000Z', roomNumber: '1', priceCents: 1_000, seatLabels: seatLabels(4, 4),
    };
    store.addSession(info);
    let state = initialState(info);
    let version = 0;
    return {
      sessionId: info.sessionId,
      batch(epoch: number, events: SessionEvent[]): CommitBatch {
        state = evolveAll(state, events);
        version += events.length;
        return { sessionId: info.sessionId, epoch, events, state, version };
      },
    };
  });
  return { store, port: store.portFor(processGate()), writers };
}

describe('The simulated store', () => {
  it('refuses the batch of an owner whose epoch moved on, and writes none of it', async () => {
    const { store, port, writers: [s] } = givenAStore();
    const first = await port.activate(s.sessionId);
    await port.activate(s.sessionId);
    await expect(port.commit(s.batch(first!.epoch, [hold(random.uuid(), ['A1'])]))).rejects.toBeInstanceOf(FencedWriteError);
    expect(store.reservations.size).toBe(0);
  });

  it('inserts a reservation id once, and never changes an ended reservation', async () => {
    const { store, port, writers: [s] } = givenAStore();
    const { epoch } = (await port.activate(s.sessionId))!;
    const id = random.uuid();
    await port.commit(s.batch(epoch, [hold(id, ['A1'])]));
    await port.commit(s.batch(epoch, [{ type: 'reservation.cancelled', reservationId: id, seatNumbers: ['A1'], at: 2 }]));
    await expect(port.commit(s.batch(epoch, [hold(id, ['A1'])]))).rejects.toThrow(/duplicate key/);
    const confirm: SessionEvent = { type: 'payment.confirmed', reservationId: id, userId: 'u', sales: [], paidAt: 3 };
    await expect(port.commit({ ...s.batch(epoch, []), events: [confirm] })).rejects.toThrow(/is CANCELLED/);
    expect(store.reservations.get(id)?.status).toBe('CANCELLED');
  });

  it('commits the sessions of a shared commit alone: one fenced out, the other durable', async () => {
    const { store, port, writers: [stale, current] } = givenAStore(2);
    const old = (await port.activate(stale.sessionId))!.epoch;
    await port.activate(stale.sessionId);
    const { epoch } = (await port.activate(current.sessionId))!;
    const outcomes = await port.commitTogether([stale.batch(old, [hold(random.uuid(), ['A1'])]), current.batch(epoch, [hold(random.uuid(), ['A2'])])]);
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect([...store.reservations.values()].map((r) => r.seat_numbers)).toEqual([['A2']]);
  });
});
