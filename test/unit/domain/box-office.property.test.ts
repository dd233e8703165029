import fc from 'fast-check';
import {
  decide,
  evolveAll,
  initialState,
  seatLabels,
  type SessionCommand,
  type SessionEvent,
  type SessionInfo,
  type SessionState,
  type SingleSeatRule,
} from '../../../src/domain';
import { T0, TTL } from './builders';

/**
 * Whatever sequence of manual holds, best-available holds, cancellations and expiries a session sees: best available
 * only ever holds adjacent free seats, and where the single-seat rule is on, no hold strands a single seat unless its
 * row offered no other choice of that many seats. The oracle below reads the seat map row by row, independently of
 * the decider's own seating plan.
 */
interface Room {
  readonly info: SessionInfo;
  readonly rule: SingleSeatRule;
  readonly aisleAfter?: number;
  readonly blocked: readonly string[];
}

const roomArb = fc
  .record({
    rows: fc.integer({ min: 1, max: 3 }),
    perRow: fc.integer({ min: 3, max: 9 }),
    rule: fc.constantFrom<SingleSeatRule>('ALL_HOLDS', 'BEST_AVAILABLE'),
    aisleAfter: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
    blockedIndex: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ rows, perRow, rule, aisleAfter, blockedIndex }): Room => {
    const labels = seatLabels(rows * perRow, perRow);
    const blocked = blockedIndex === undefined ? [] : [labels[blockedIndex % labels.length]];
    return {
      rule,
      aisleAfter,
      blocked,
      info: {
        sessionId: 's',
        movieName: 'm',
        startTime: '2030-01-01T20:00:00.000Z',
        roomNumber: '1',
        priceCents: 1000,
        seatLabels: labels,
        seating: { blocked, singleSeatRule: rule, ...(aisleAfter ? { aislesAfter: [aisleAfter] } : {}) },
      },
    };
  });

type Step =
  | { kind: 'manual'; picks: number[] }
  | { kind: 'best'; quantity: number }
  | { kind: 'cancel'; which: number }
  | { kind: 'expire'; dt: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('manual' as const), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('best' as const), quantity: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('cancel' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const), dt: fc.integer({ min: 0, max: TTL }) }),
);

const split = (label: string) => {
  const m = /^([A-Z]+)(\d+)$/.exec(label)!;
  return { row: m[1], n: Number(m[2]) };
};

/** Seat cells of one row in number order: free or not, with a wall before a seat after an aisle or blocked seat. */
function rowCells(room: Room, state: SessionState, row: string, held: ReadonlySet<string> = new Set()) {
  return room.info.seatLabels
    .filter((l) => split(l).row === row)
    .map((label) => ({
      label,
      wall: room.blocked.includes(label),
      free: !room.blocked.includes(label) && !state.taken.has(label) && !held.has(label),
      aisleBefore: room.aisleAfter !== undefined && split(label).n === room.aisleAfter + 1,
    }));
}

/** Free seats the hold of `held` leaves alone next to one of its seats. */
function stranded(room: Room, state: SessionState, held: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const row of new Set([...held].map((l) => split(l).row))) {
    const cells = rowCells(room, state, row, held);
    cells.forEach((c, i) => {
      if (!c.free) return;
      const left = i > 0 && !c.aisleBefore ? cells[i - 1] : undefined;
      const right = i + 1 < cells.length && !cells[i + 1].aisleBefore ? cells[i + 1] : undefined;
      const alone = !left?.free && !right?.free;
      if (alone && ((left && held.has(left.label)) || (right && held.has(right.label)))) out.push(c.label);
    });
  }
  return out;
}

/** Whether `row` has `q` adjacent free seats whose hold strands nobody. */
function cleanChoice(room: Room, state: SessionState, row: string, q: number): boolean {
  const cells = rowCells(room, state, row);
  for (let i = 0; i + q <= cells.length; i++) {
    const run = cells.slice(i, i + q);
    if (run.some((c, j) => !c.free || (j > 0 && c.aisleBefore))) continue;
    if (stranded(room, state, new Set(run.map((c) => c.label))).length === 0) return true;
  }
  return false;
}

function adjacentAndFree(room: Room, state: SessionState, seats: readonly string[]): boolean {
  const parts = seats.map(split);
  const cells = new Map(rowCells(room, state, parts[0].row).map((c) => [c.label, c]));
  return parts.every(
    (p, i) =>
      p.row === parts[0].row &&
      cells.get(seats[i])!.free &&
      (i === 0 || (p.n === parts[i - 1].n + 1 && !cells.get(seats[i])!.aisleBefore)),
  );
}

describe('box office property: best available and the single-seat rule', () => {
  it('holds for any sequence of holds, best-available holds, cancellations and expiries', () => {
    fc.assert(
      fc.property(roomArb, fc.array(stepArb, { minLength: 1, maxLength: 25 }), (room, steps) => {
        let state = initialState(room.info);
        let now = T0;
        steps.forEach((step, i) => {
          const id = `r${i}`;
          const live = [...state.reservations.values()].filter((r) => r.status === 'PENDING');
          // Expiries first, as the actor's timer would: the oracle then sees exactly the seats the decider sees.
          const due = decide({ type: 'ExpireDue', now }, state);
          if (due.ok) state = evolveAll(state, due.events);
          let command: SessionCommand;
          if (step.kind === 'manual') {
            const labels = room.info.seatLabels;
            command = { type: 'HoldSeats', reservationId: id, userId: 'u', seatNumbers: [...new Set(step.picks.map((p) => labels[p % labels.length]))], now, ttlMs: TTL, maxSeats: 10, maxSeatsPerUser: 1000 };
          } else if (step.kind === 'best') {
            command = { type: 'HoldBestAvailable', reservationId: id, userId: 'u', quantity: step.quantity, now, ttlMs: TTL, maxSeats: 10, maxSeatsPerUser: 1000 };
          } else if (step.kind === 'cancel' && live.length > 0) {
            command = { type: 'CancelReservation', reservationId: live[step.which % live.length].id, userId: 'u', now };
          } else {
            now += step.kind === 'expire' ? step.dt : 0;
            return;
          }
          const decision = decide(command, state);
          if (!decision.ok) return;
          const createdEvent = decision.events.find((e): e is Extract<SessionEvent, { type: 'reservation.created' }> => e.type === 'reservation.created');
          if (createdEvent) {
            const seats = createdEvent.seatNumbers;
            if (step.kind === 'best') {
              expect(seats).toHaveLength(command.type === 'HoldBestAvailable' ? command.quantity : 0);
              expect(adjacentAndFree(room, state, seats)).toBe(true);
            }
            if (step.kind === 'best' || room.rule === 'ALL_HOLDS') {
              for (const lone of stranded(room, state, new Set(seats))) {
                const row = split(lone).row;
                const q = seats.filter((s) => split(s).row === row).length;
                expect({ lone, cleanChoiceExisted: cleanChoice(room, state, row, q) }).toEqual({ lone, cleanChoiceExisted: false });
              }
            }
          }
          state = evolveAll(state, decision.events);
        });
      }),
      { numRuns: 300 },
    );
  });
});
