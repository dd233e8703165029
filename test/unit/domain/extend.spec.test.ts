import { sessionSpec } from '../../support/given-when-then';
import { BOB, EXTENSION, T0, TTL, created, expireDue, expired, extend, extended, hold, paid } from './builders';

describe('extending a hold (ExtendHold)', () => {
  const spec = sessionSpec();
  const held = created('r1', ['A1', 'A2']);

  it('when the holder extends a pending hold, then its expiry moves on by the extension', () => {
    spec.given([held]).when(extend('r1', { now: T0 + 10_000 })).then([extended('r1', T0 + TTL + EXTENSION, 1, T0 + 10_000)]);
  });

  it('when the limit is reached, then a further extension is refused naming the limit', () => {
    const once = extended('r1', T0 + TTL + EXTENSION, 1, T0 + 10_000);
    spec.given([held, once]).when(extend('r1', { now: T0 + 20_000 })).thenFails({ code: 'EXTENSION_LIMIT_REACHED', max: 1 });
    spec
      .given([held, once])
      .when(extend('r1', { now: T0 + 20_000, maxExtensions: 2 }))
      .then([extended('r1', T0 + TTL + 2 * EXTENSION, 2, T0 + 20_000)]);
  });

  it('when the hold is past its expiry, then it is refused as expired (even before its timer fired)', () => {
    spec.given([held]).when(extend('r1', { now: T0 + TTL })).thenFails('RESERVATION_EXPIRED');
  });

  it('when someone else, an unknown reservation or a paid one is extended, then it is refused', () => {
    spec.given([held]).when(extend('r1', { userId: BOB })).thenFails('NOT_RESERVATION_OWNER');
    spec.given([]).when(extend('r1')).thenFails('RESERVATION_NOT_FOUND');
    spec.given([held, paid('r1', ['A1', 'A2'])]).when(extend('r1')).thenFails('RESERVATION_CONFIRMED');
  });

  it('then the old expiry no longer frees the seats, and the new one does', () => {
    const later = extended('r1', T0 + TTL + EXTENSION, 1, T0 + 10_000);
    spec.given([held, later]).when(expireDue(T0 + TTL)).then([]);
    spec.given([held, later]).when(hold('r2', ['A1'], { userId: BOB, now: T0 + TTL })).thenFails('SEATS_UNAVAILABLE');
    spec.given([held, later]).when(expireDue(T0 + TTL + EXTENSION)).then([expired('r1', ['A1', 'A2'], T0 + TTL + EXTENSION)]);
  });
});
