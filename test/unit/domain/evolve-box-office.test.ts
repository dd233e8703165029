import { evolve, evolveAll, initialState, type SessionEvent } from '../../../src/domain';
import { sessionInfo, sessionSpec } from '../../support/given-when-then';
import { EXTENSION, T0, TTL, created, expireDue, expired, extended, paid, refunded, saleIdsFor, sessionCancelled } from './builders';

/**
 * The box office's facts arrive more than once (Kafka, restarts) and, when replayed, after what followed them. A fact
 * seen again must leave the state as it was: never an expiry moved back, a paid reservation touched, or a seat freed twice.
 */
describe('evolve: the box office facts that arrive again', () => {
  const info = sessionInfo({ numberOfSeats: 16 });
  const stateAfter = (events: readonly SessionEvent[]) => evolveAll(initialState(info), events);
  const held = created('r1', ['A1', 'A2']);
  const once = extended('r1', T0 + TTL + EXTENSION, 1, T0 + 10_000);
  const twice = extended('r1', T0 + TTL + 2 * EXTENSION, 2, T0 + 20_000);
  const [s1] = saleIdsFor('r1');
  const sold = [held, paid('r1', ['A1', 'A2'])];
  const firstRefund = refunded('r1', s1, 'A1', 2500, T0 + 5_000);

  it.each<[string, SessionEvent[], SessionEvent]>([
    ['an extension seen again', [held, once], once],
    ['an older extension after a newer one', [held, once, twice], once],
    ['an extension of a reservation already paid', sold, once],
    ['an extension of an unknown reservation', [held], extended('ghost', T0 + TTL + EXTENSION, 1, T0 + 10_000)],
    ['a second cancellation of the screening', [sessionCancelled(T0)], sessionCancelled(T0 + 9)],
    ['a refund seen again, while the reservation still has a sold seat', [...sold, sessionCancelled(T0 + 5_000), firstRefund], firstRefund],
    ['a refund of an unknown reservation', [...sold, sessionCancelled(T0 + 5_000)], refunded('ghost', s1, 'A1', 2500, T0 + 5_000)],
  ])('when %s arrives, then the state is left as it was', (_name, given, event) => {
    const before = stateAfter(given);
    expect(evolve(before, event)).toBe(before);
  });

  it('when an older extension arrives after a newer one, then the hold still expires at the newer expiry', () => {
    const spec = sessionSpec({ numberOfSeats: 16 });
    const history = [held, once, twice, once];
    spec.given(history).when(expireDue(T0 + TTL + EXTENSION)).then([]);
    spec.given(history).when(expireDue(T0 + TTL + 2 * EXTENSION)).then([expired('r1', ['A1', 'A2'], T0 + TTL + 2 * EXTENSION)]);
  });

  it('when the screening is cancelled a second time, then it stays cancelled as of the first time', () => {
    expect(stateAfter([sessionCancelled(T0), sessionCancelled(T0 + 9)]).cancelledAt).toBe(T0);
  });

  it('when an extension of a paid reservation arrives, then the reservation keeps its status and expiry', () => {
    expect(stateAfter([...sold, once]).reservations.get('r1')).toMatchObject({ status: 'CONFIRMED', expiresAt: T0 + TTL });
  });
});
