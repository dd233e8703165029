import { availableSeatCount, evolveAll, initialState } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import {
  BOB,
  PRICE,
  T0,
  TTL,
  cancelSession,
  cancelled,
  confirm,
  created,
  expired,
  extend,
  hold,
  holdBest,
  paid,
  refunded,
  saleIdsFor,
  sessionCancelled,
} from './builders';

describe('cancelling a screening (CancelSession)', () => {
  const spec = sessionSpec();
  const history = [
    created('r1', ['A1', 'A2']),
    created('r2', ['B1', 'B2'], { userId: BOB }),
    paid('r2', ['B1', 'B2'], { userId: BOB }),
  ];

  it('then pending holds are released and every sold seat is refunded, one event each', () => {
    const [s1, s2] = saleIdsFor('r2');
    const at = T0 + 5_000;
    spec
      .given(history)
      .when(cancelSession(at))
      .then([
        sessionCancelled(at),
        cancelled('r1', ['A1', 'A2'], at),
        refunded('r2', s1, 'B1', PRICE, at, BOB),
        refunded('r2', s2, 'B2', PRICE, at, BOB),
      ]);
  });

  it('when a pending hold is already past its expiry, then it is released as expired', () => {
    spec.given([created('r1', ['A1'])]).when(cancelSession(T0 + TTL)).then([sessionCancelled(T0 + TTL), expired('r1', ['A1'], T0 + TTL)]);
  });

  it('when cancelled again, then nothing more happens (idempotent)', () => {
    spec.given([sessionCancelled(T0)]).when(cancelSession(T0 + 1)).then([]);
  });

  it('then no seat can be held any more, by name or best available, and none is available', () => {
    const after = [...history, sessionCancelled(T0 + 5_000)];
    spec.given(after).when(hold('r3', ['C1'])).thenFails('SESSION_CANCELLED');
    spec.given(after).when(holdBest('r3', 2)).thenFails('SESSION_CANCELLED');
    expect(availableSeatCount(evolveAll(initialState(spec.info), after))).toBe(0);
  });

  it('then the released hold can be neither paid nor extended', () => {
    const { decision } = spec.given(history).when(cancelSession(T0 + 5_000));
    const after = [...history, ...(decision.ok ? decision.events : [])];
    spec.given(after).when(confirm('r1')).thenFails('RESERVATION_NOT_FOUND');
    spec.given(after).when(extend('r1')).thenFails('RESERVATION_NOT_FOUND');
  });

  it('then the state holds no seat and no reservation, as an activation would load it', () => {
    const { decision, state } = spec.given(history).when(cancelSession(T0 + 5_000));
    const next = evolveAll(state, decision.ok ? decision.events : []);
    expect(next.taken.size).toBe(0);
    expect(next.reservations.size).toBe(0);
    expect(next.cancelledAt).toBe(T0 + 5_000);
  });
});
