/**
 * Given/when/then specifications for the session decider, in the spirit of emmett's DeciderSpecification:
 *
 *   const spec = sessionSpec({ numberOfSeats: 16 });
 *   spec.given([created]).when(hold).then([expired, created2]);
 *   spec.given([created]).when(hold).thenFails('SEATS_UNAVAILABLE');
 *
 * `given` events are folded with `evolve` from `initialState(info)`, `when` runs `decide`, and `then` compares
 * the decision's events. Nothing here knows a rule of its own: it only drives decide/evolve.
 */
import { randomUUID } from 'node:crypto';
import {
  decide,
  evolveAll,
  initialState,
  seatLabels,
  type Decision,
  type DomainError,
  type DomainErrorCode,
  type SessionCommand,
  type SessionEvent,
  type SessionInfo,
  type SessionState,
  type SeatingSpec,
} from '../../src/domain';

export interface SessionOptions {
  readonly numberOfSeats?: number;
  readonly seatsPerRow?: number;
  readonly priceCents?: number;
  /** A seating plan (categories, blocked seats, wheelchair spaces, aisles, single-seat rule); none by default. */
  readonly seating?: SeatingSpec;
}

/** A session with a fresh random id: 16 seats of 10 per row (A1..A10, B1..B6) at 25.00 unless told otherwise. */
export function sessionInfo({ numberOfSeats = 16, seatsPerRow = 10, priceCents = 2500, seating }: SessionOptions = {}): SessionInfo {
  return {
    sessionId: randomUUID(),
    movieName: 'Dune: Part Two',
    startTime: '2030-01-01T20:00:00.000Z',
    roomNumber: '7',
    priceCents,
    seatLabels: seatLabels(numberOfSeats, seatsPerRow),
    ...(seating ? { seating } : {}),
  };
}

/** An error code, or an object/asymmetric matcher compared to the whole DomainError with `toEqual`. */
export type ExpectedError = DomainErrorCode | DomainError | ReturnType<typeof expect.objectContaining>;

export interface WhenClause {
  /** The decision accepted the command and emitted exactly these events, in this order. */
  then(expected: readonly SessionEvent[]): void;
  /** The decision refused the command with this error. */
  thenFails(expected: ExpectedError): void;
  /** The raw decision and the state it was made on, for the odd assertion the two above cannot express. */
  readonly decision: Decision;
  readonly state: SessionState;
}

export interface SessionSpec {
  readonly info: SessionInfo;
  given(events: readonly SessionEvent[]): { when(command: SessionCommand): WhenClause };
}

export function sessionSpec(options: SessionOptions = {}): SessionSpec {
  const info = sessionInfo(options);
  return {
    info,
    given: (events) => ({
      when: (command) => {
        const state = evolveAll(initialState(info), events);
        const decision = decide(command, state);
        return {
          decision,
          state,
          then: (expected) => expect(decision).toEqual({ ok: true, events: expected }),
          thenFails: (expected) => {
            const error = typeof expected === 'string' ? expect.objectContaining({ code: expected }) : expected;
            expect(decision).toEqual({ ok: false, error });
          },
        };
      },
    }),
  };
}
