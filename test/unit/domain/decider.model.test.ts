import fc from 'fast-check';
import {
  decide,
  evolveAll,
  initialState,
  seatLabels,
  type DomainError,
  type SessionCommand,
  type SessionState,
} from '../../../src/domain';

/**
 * Model-based test of the decider: random sequences of hold, confirm, cancel, expire, clock ticks and re-delivered
 * commands run against the real decide/evolve and against a small reference model written from the rules in the
 * README; after every step both must answer alike and hold the same seats.
 */
const SEATS = seatLabels(6, 3); // A1 A2 A3 B1 B2 B3
const IDS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003', '00000000-0000-4000-8000-000000000004'];
const USERS = ['ana', 'bea'];
const TTL = 1_000;
const MAX_SEATS = 3;
const PRICE = 250;

type Status = 'PENDING' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED';
interface ModelReservation {
  userId: string;
  seats: string[];
  status: Status;
  expiresAt: number;
}
interface Model {
  now: number;
  reservations: Map<string, ModelReservation>;
  last?: SessionCmd;
}
interface Real {
  state: SessionState;
  saleIds: number;
}

/** What a command answered: accepted (with how many events) or refused with a code. */
type Outcome = { ok: true; changed: boolean } | { ok: false; code: DomainError['code'] };

const live = (r: ModelReservation | undefined) => r !== undefined && (r.status === 'PENDING' || r.status === 'CONFIRMED');
const due = (m: Model, r: ModelReservation) => r.status === 'PENDING' && r.expiresAt <= m.now;

/** Seats held or sold in the model; a pending hold past its time still counts until it is expired. */
function takenSeats(m: Model): Map<string, string> {
  const taken = new Map<string, string>();
  for (const [id, r] of m.reservations) if (live(r)) for (const s of r.seats) taken.set(s, `${id}:${r.status === 'CONFIRMED' ? 'SOLD' : 'RESERVED'}`);
  return taken;
}

abstract class SessionCmd implements fc.Command<Model, Real> {
  check(m: Readonly<Model>): boolean {
    return true;
  }
  /** The reference model's answer; it updates the model. */
  abstract expect(m: Model): Outcome;
  abstract command(m: Model, real: Real): SessionCommand;
  abstract toString(): string;

  run(m: Model, real: Real): void {
    const decision = decide(this.command(m, real), real.state);
    const expected = this.expect(m);
    const actual: Outcome = decision.ok ? { ok: true, changed: decision.events.length > 0 } : { ok: false, code: decision.error.code };
    expect(actual).toEqual(expected);
    if (decision.ok) real.state = evolveAll(real.state, decision.events);
    m.last = this;
    const realTaken = new Map([...real.state.taken].map(([seat, t]) => [seat, `${t.reservationId}:${t.status}`]));
    expect(realTaken).toEqual(takenSeats(m));
    const realLive = [...real.state.reservations.values()].map((r) => `${r.id}:${r.status}`).sort();
    const modelLive = [...m.reservations].filter(([, r]) => live(r)).map(([id, r]) => `${id}:${r.status}`).sort();
    expect(realLive).toEqual(modelLive);
    for (const r of real.state.reservations.values()) {
      if (r.status === 'CONFIRMED') expect(r.sales?.map((s) => s.seatNumber)).toEqual(r.seatNumbers);
    }
  }
}

class Hold extends SessionCmd {
  constructor(readonly id: string, readonly userId: string, readonly seats: string[]) {
    super();
  }
  // The decider forgets ended reservations; a replay of their hold is refused by the shell (command log, commit).
  override check(m: Readonly<Model>) {
    const r = m.reservations.get(this.id);
    return r === undefined || live(r);
  }
  command(m: Model): SessionCommand {
    return { type: 'HoldSeats', reservationId: this.id, userId: this.userId, seatNumbers: this.seats, now: m.now, ttlMs: TTL, maxSeats: MAX_SEATS, maxSeatsPerUser: MAX_SEATS * 100 };
  }
  expect(m: Model): Outcome {
    const existing = m.reservations.get(this.id);
    if (existing) {
      const same = existing.userId === this.userId && existing.seats.length === this.seats.length && this.seats.every((s) => existing.seats.includes(s));
      return same ? { ok: true, changed: false } : { ok: false, code: 'RESERVATION_ID_TAKEN' };
    }
    if (this.seats.length === 0) return { ok: false, code: 'NO_SEATS' };
    if (this.seats.length > MAX_SEATS) return { ok: false, code: 'TOO_MANY_SEATS' };
    if (new Set(this.seats).size !== this.seats.length) return { ok: false, code: 'DUPLICATE_SEATS' };
    if (this.seats.some((s) => !SEATS.includes(s))) return { ok: false, code: 'UNKNOWN_SEATS' };
    const blockers = [...m.reservations.values()].filter((r) => live(r) && r.seats.some((s) => this.seats.includes(s)));
    if (blockers.some((r) => !due(m, r))) return { ok: false, code: 'SEATS_UNAVAILABLE' };
    for (const r of blockers) r.status = 'EXPIRED';
    m.reservations.set(this.id, { userId: this.userId, seats: [...this.seats], status: 'PENDING', expiresAt: m.now + TTL });
    return { ok: true, changed: true };
  }
  toString() {
    return `hold(${this.id.slice(-1)}, ${this.userId}, [${this.seats.join(',')}])`;
  }
}

class Confirm extends SessionCmd {
  constructor(readonly id: string, readonly userId: string) {
    super();
  }
  command(m: Model, real: Real): SessionCommand {
    const seats = real.state.reservations.get(this.id)?.seatNumbers.length ?? 0;
    const saleIds = Array.from({ length: seats }, () => `sale-${++real.saleIds}`);
    return { type: 'ConfirmPayment', reservationId: this.id, userId: this.userId, now: m.now, saleIds };
  }
  expect(m: Model): Outcome {
    const r = m.reservations.get(this.id);
    if (!r || !live(r)) return { ok: false, code: 'RESERVATION_NOT_FOUND' };
    if (r.userId !== this.userId) return { ok: false, code: 'NOT_RESERVATION_OWNER' };
    if (r.status === 'CONFIRMED') return { ok: true, changed: false };
    if (due(m, r)) return { ok: false, code: 'RESERVATION_EXPIRED' };
    r.status = 'CONFIRMED';
    return { ok: true, changed: true };
  }
  toString() {
    return `confirm(${this.id.slice(-1)}, ${this.userId})`;
  }
}

class Cancel extends SessionCmd {
  constructor(readonly id: string, readonly userId: string) {
    super();
  }
  command(m: Model): SessionCommand {
    return { type: 'CancelReservation', reservationId: this.id, userId: this.userId, now: m.now };
  }
  expect(m: Model): Outcome {
    const r = m.reservations.get(this.id);
    if (!r || !live(r)) return { ok: false, code: 'RESERVATION_NOT_FOUND' };
    if (r.userId !== this.userId) return { ok: false, code: 'NOT_RESERVATION_OWNER' };
    if (r.status === 'CONFIRMED') return { ok: false, code: 'RESERVATION_CONFIRMED' };
    r.status = due(m, r) ? 'EXPIRED' : 'CANCELLED';
    return { ok: true, changed: true };
  }
  toString() {
    return `cancel(${this.id.slice(-1)}, ${this.userId})`;
  }
}

class ExpireDue extends SessionCmd {
  command(m: Model): SessionCommand {
    return { type: 'ExpireDue', now: m.now };
  }
  expect(m: Model): Outcome {
    const dueNow = [...m.reservations.values()].filter((r) => due(m, r));
    for (const r of dueNow) r.status = 'EXPIRED';
    return { ok: true, changed: dueNow.length > 0 };
  }
  toString() {
    return 'expireDue';
  }
}

/** The clock moves on; nothing is decided. */
class Tick implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check() {
    return true;
  }
  run(m: Model): void {
    m.now += this.ms;
  }
  toString() {
    return `tick(${this.ms})`;
  }
}

/** The previous command delivered again (a redelivery from Kafka or a client retry). */
class Redeliver implements fc.Command<Model, Real> {
  check(m: Readonly<Model>) {
    return m.last !== undefined && m.last.check(m);
  }
  run(m: Model, real: Real): void {
    (m.last as SessionCmd).run(m, real);
  }
  toString() {
    return 'redeliver';
  }
}

const id = fc.constantFrom(...IDS);
const user = fc.constantFrom(...USERS);
const seats = fc.array(fc.constantFrom(...SEATS, 'Z9'), { minLength: 0, maxLength: 4 });
const commands = [
  fc.tuple(id, user, seats).map(([i, u, s]) => new Hold(i, u, s)),
  fc.tuple(id, user, seats.filter((s) => s.length > 0 && s.length <= MAX_SEATS)).map(([i, u, s]) => new Hold(i, u, [...new Set(s)])),
  fc.tuple(id, user).map(([i, u]) => new Confirm(i, u)),
  fc.tuple(id, user).map(([i, u]) => new Cancel(i, u)),
  fc.constant(new ExpireDue()),
  // Steps of a quarter TTL land exactly on expiry times, where `<=` against `<` matters.
  fc.oneof(fc.constantFrom(0, TTL / 4, TTL / 2, TTL), fc.integer({ min: 1, max: 1_500 })).map((ms) => new Tick(ms)),
  fc.constant(new Redeliver()),
];

describe('the decider against a reference model', () => {
  it('when any sequence of holds, confirmations, cancellations, expiries and redeliveries runs, then both agree', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const info = { sessionId: 's', movieName: 'M', startTime: '2031-01-01T20:00:00Z', roomNumber: '1', priceCents: PRICE, seatLabels: SEATS };
        const setup = () => ({
          model: { now: 1_000_000, reservations: new Map() } as Model,
          real: { state: initialState(info), saleIds: 0 } as Real,
        });
        fc.modelRun(setup, cmds);
      }),
      { numRuns: 200 },
    );
  });
});
