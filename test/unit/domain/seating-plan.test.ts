import { resolveSeating, seatLabels, seatingPlan, type SeatingPlan, type SeatingSpec } from '../../../src/domain';
import { sessionInfo } from '../../support/given-when-then';

/** The plan a valid spec resolves to (fails the test with the problems otherwise). */
function planOf(spec: SeatingSpec | undefined, labels: readonly string[]): SeatingPlan {
  const resolved = resolveSeating(spec, labels, 1000);
  if (!resolved.ok) throw new Error(resolved.problems.map((p) => p.message).join('; '));
  return resolved.plan;
}

const segmentsOf = (plan: SeatingPlan) => plan.segments.map((segment) => segment.map((s) => s.label));

describe('which seats are adjacent (segments of the plan)', () => {
  it('when a row has an aisle and a blocked seat, then its seats split into runs at both', () => {
    expect(segmentsOf(planOf({ aislesAfter: [3], blocked: ['B5'] }, seatLabels(12, 6)))).toEqual([
      ['A1', 'A2', 'A3'],
      ['A4', 'A5', 'A6'],
      ['B1', 'B2', 'B3'],
      ['B4'],
      ['B6'],
    ]);
  });

  it('when a room is staggered (row B starts at seat 3), then the last seat of A and the first of B are not adjacent', () => {
    expect(segmentsOf(planOf(undefined, ['A1', 'A2', 'B3', 'B4']))).toEqual([
      ['A1', 'A2'],
      ['B3', 'B4'],
    ]);
  });

  it('when a row has no seat 3 (a pillar), then seats 2 and 4 are not adjacent', () => {
    expect(segmentsOf(planOf(undefined, ['A1', 'A2', 'A4', 'A5']))).toEqual([
      ['A1', 'A2'],
      ['A4', 'A5'],
    ]);
  });
});

describe('the rows best available prefers when the plan names none', () => {
  it.each([
    [1, ['A']],
    [2, ['A', 'B']],
    [3, ['B']],
    [4, ['B', 'C']],
    [6, ['C', 'D']],
    [9, ['D', 'E', 'F']],
  ])('when a room has %i rows, then the middle third %j is preferred', (rowCount, middle) => {
    expect([...planOf(undefined, seatLabels(rowCount * 2, 2)).preferredRows]).toEqual(middle);
  });
});

describe('rooms with more than 26 rows', () => {
  it('when a plan blocks seats in rows AA and beyond, then they resolve like any other row', () => {
    const plan = planOf({ blocked: ['AA1', 'AD1-AD2'] }, seatLabels(60, 2));
    expect(plan.blockedCount).toBe(3);
    expect(plan.seats.get('AD2')).toMatchObject({ row: 'AD', number: 2, blocked: true });
    expect(plan.rows.map((row) => row[0].row).slice(25)).toEqual(['Z', 'AA', 'AB', 'AC', 'AD']);
  });
});

describe("a session's plan (seatingPlan)", () => {
  it('when a session is asked for its plan twice, then it is resolved once and the same plan is returned', () => {
    const info = sessionInfo({ seating: { blocked: ['A1'] } });
    expect(seatingPlan(info)).toBe(seatingPlan(info));
  });

  it('when a stored session has a plan that does not fit its room, then it is refused with the session and the first problem', () => {
    const info = sessionInfo({ numberOfSeats: 16, seatsPerRow: 10, seating: { blocked: ['C1', 'D1'] } });
    expect(() => seatingPlan(info)).toThrow(
      new RangeError(`invalid seating of session ${info.sessionId}: "C1" names C1, which is not a seat of this room`),
    );
    expect(() => seatingPlan(info)).toThrow(RangeError);
  });
});
