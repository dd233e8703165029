import { randomUUID } from 'node:crypto';
import { seatLabels } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import { BOB, T0, cancelSession, cancelled, created, sessionCancelled } from './builders';

/** The events of a cancelled screening come in an order fixed by the state, never by how the reservations are stored. */
describe('cancelling a screening: the order of its events', () => {
  const spec = sessionSpec({ numberOfSeats: 16 });
  const at = T0 + 5_000;

  it('when holds were made in the same millisecond, then they are released in id order, whatever order they were made in', () => {
    const seats = seatLabels(8, 10);
    const ids = seats.map(() => randomUUID());
    const holds = ids.map((id, i) => created(id, [seats[i]], { at: T0 }));
    const inIdOrder = [...ids].sort().map((id) => cancelled(id, [seats[ids.indexOf(id)]], at));
    spec.given(holds).when(cancelSession(at)).then([sessionCancelled(at), ...inIdOrder]);
    spec.given([...holds].reverse()).when(cancelSession(at)).then([sessionCancelled(at), ...inIdOrder]);
  });

  it('when holds were made at different times, then the older is released first, whatever their ids', () => {
    const [low, high] = [randomUUID(), randomUUID()].sort();
    const older = created(high, ['A1'], { at: T0 });
    const newer = created(low, ['A2'], { userId: BOB, at: T0 + 1 });
    spec.given([newer, older]).when(cancelSession(at)).then([sessionCancelled(at), cancelled(high, ['A1'], at), cancelled(low, ['A2'], at)]);
  });
});
