import { resolveSeating, strandedBy } from '../../../src/domain';
import { sessionSpec } from '../../support/given-when-then';
import { BOB, created, hold, holdBest } from './builders';

const taken = (id: string, seats: string[]) => created(id, seats, { userId: BOB });

describe('no stranded single seats on manual picks, across rows (singleSeatRule ALL_HOLDS)', () => {
  const rows = (count: number) => sessionSpec({ numberOfSeats: count * 10, seatsPerRow: 10, seating: { singleSeatRule: 'ALL_HOLDS' } });

  it("when only another row offers a choice that strands nobody, then the hold goes ahead: the rule compares within the hold's row", () => {
    rows(2)
      .given([taken('r0', ['A1', 'A2', 'A3', 'A7', 'A8', 'A9', 'A10'])])
      .when(hold('r1', ['A4', 'A5']))
      .then([created('r1', ['A4', 'A5'])]);
  });

  it.each([
    ['back row first', ['C2', 'B2']],
    ['front row first', ['B2', 'C2']],
  ])('when a hold strands a seat in two rows (asked %s), then the seat named is the one in the front row', (_order, seats) => {
    rows(3).given([]).when(hold('r1', seats)).thenFails({ code: 'WOULD_STRAND_SEAT', seat: 'B1' });
  });
});

describe('best available next to a seat already alone', () => {
  it('when a seat was alone before the request, then best available still avoids leaving another one alone', () => {
    // A2 is alone between A1 and A3. A5-A6 is the centre but would leave A4 alone too; A4-A5 strands nobody new.
    sessionSpec({ numberOfSeats: 10, seatsPerRow: 10 })
      .given([taken('r0', ['A1', 'A3'])])
      .when(holdBest('r1', 2))
      .then([created('r1', ['A4', 'A5'])]);
  });
});

describe('the seats a hold would strand (strandedBy)', () => {
  const labels = ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'A8', 'A9', 'A10'];
  const resolved = resolveSeating({ blocked: ['A5'] }, labels, 1000);
  if (!resolved.ok) throw new Error('the test plan does not resolve');
  const plan = resolved.plan;
  const free = (label: string) => plan.seats.get(label)?.blocked === false;

  it('when the held labels include a seat not for sale and a label that is no seat, then only the sellable seats are judged', () => {
    expect(strandedBy(plan, free, new Set(['A5', 'Z99', 'A2']))).toEqual(['A1']);
  });
});
