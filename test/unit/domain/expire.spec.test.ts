import { sessionSpec } from '../../support/given-when-then';
import { ALICE, BOB, T0, TTL, cancelled, created, expireDue, expired, hold, paid } from './builders';

describe('expiring due holds (ExpireDue)', () => {
  const spec = sessionSpec({ numberOfSeats: 16 });

  it('when nothing is held, then nothing expires', () => {
    spec.given([]).when(expireDue(T0 + 10 * TTL)).then([]);
  });

  it('when no hold is due yet, then nothing expires', () => {
    spec
      .given([created('r1', ['A1'], { at: T0 }), created('r2', ['A2'], { at: T0 + 5 })])
      .when(expireDue(T0 + TTL - 1))
      .then([]);
  });

  it('when some holds are due, then exactly those with expiresAt <= now expire, each with its seats', () => {
    spec
      .given([
        created('early', ['A1', 'A2'], { userId: ALICE, at: T0 }),
        created('on-time', ['B1'], { userId: BOB, at: T0 + 10_000 }),
        created('later', ['B2'], { userId: BOB, at: T0 + 10_001 }),
      ])
      .when(expireDue(T0 + 10_000 + TTL))
      .then([expired('early', ['A1', 'A2'], T0 + 10_000 + TTL), expired('on-time', ['B1'], T0 + 10_000 + TTL)]);
  });

  it('when holds have already ended (expired, cancelled or paid), then they are not expired again', () => {
    spec
      .given([
        created('gone', ['A1']),
        expired('gone', ['A1'], T0 + TTL),
        created('dropped', ['A2']),
        cancelled('dropped', ['A2'], T0 + 1),
        created('sold', ['A3']),
        paid('sold', ['A3']),
      ])
      .when(expireDue(T0 + 10 * TTL))
      .then([]);
  });

  it('when ExpireDue runs twice, then the second run emits nothing', () => {
    spec.given([created('r1', ['A1']), expired('r1', ['A1'], T0 + TTL)]).when(expireDue(T0 + TTL + 1)).then([]);
  });

  it('when a hold was paid, then its sold seats are never freed by expiry', () => {
    spec
      .given([created('sold', ['A1']), paid('sold', ['A1']), created('held', ['A2'], { userId: BOB })])
      .when(expireDue(T0 + 10 * TTL))
      .then([expired('held', ['A2'], T0 + 10 * TTL)]);
  });

  it('when a late expired event arrives for a paid reservation, then its seats stay sold', () => {
    spec
      .given([created('sold', ['A1']), paid('sold', ['A1']), expired('sold', ['A1'], T0 + TTL)])
      .when(hold('r2', ['A1'], { userId: BOB, now: T0 + TTL + 1 }))
      .thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
  });

  it('when due holds have expired, then their seats can be held again while sold seats stay unavailable', () => {
    const afterExpiry = [
      created('sold', ['A1']),
      paid('sold', ['A1']),
      created('held', ['A2'], { userId: BOB }),
      expired('held', ['A2'], T0 + TTL),
    ];
    spec.given(afterExpiry).when(hold('r3', ['A2'], { now: T0 + TTL + 1 })).then([created('r3', ['A2'], { at: T0 + TTL + 1 })]);
    spec.given(afterExpiry).when(hold('r4', ['A1', 'A2'], { now: T0 + TTL + 1 })).thenFails({ code: 'SEATS_UNAVAILABLE', seats: ['A1'] });
  });
});
