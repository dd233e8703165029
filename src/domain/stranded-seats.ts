import type { PlannedSeat, SeatingPlan } from './seating';

/** Whether a seat is free to hold right now (not taken, not blocked). */
export type FreeSeat = (label: string) => boolean;

/**
 * The single seats a hold of `held` would strand: a free seat that would be left alone between taken seats, or between
 * a taken seat and an aisle, a blocked seat or the row's end, next to a seat of this hold. Free seats already alone
 * before the hold are not its doing.
 */
export function strandedBy(plan: SeatingPlan, isFree: FreeSeat, held: ReadonlySet<string>): string[] {
  const segments = new Set<number>();
  for (const label of held) {
    const seat = plan.seats.get(label);
    if (seat && seat.segment >= 0) segments.add(seat.segment);
  }
  const freeAfter = (s: PlannedSeat) => !held.has(s.label) && isFree(s.label);
  const stranded: string[] = [];
  for (const index of [...segments].sort((a, b) => a - b)) {
    const segment = plan.segments[index];
    segment.forEach((seat, i) => {
      if (!freeAfter(seat)) return;
      const left = segment[i - 1];
      const right = segment[i + 1];
      const alone = (!left || !freeAfter(left)) && (!right || !freeAfter(right));
      const heldNext = (left && held.has(left.label)) || (right && held.has(right.label));
      if (alone && heldNext) stranded.push(seat.label);
    });
  }
  return stranded;
}

/** Every run of `quantity` adjacent seats in one segment that are free and pass `eligible`, front to back. */
export function placements(
  plan: SeatingPlan,
  isFree: FreeSeat,
  quantity: number,
  eligible: (seat: PlannedSeat) => boolean = () => true,
  row?: string,
): PlannedSeat[][] {
  const out: PlannedSeat[][] = [];
  for (const segment of plan.segments) {
    if (row !== undefined && segment[0].row !== row) continue;
    let run = 0;
    segment.forEach((seat, i) => {
      run = isFree(seat.label) && eligible(seat) ? run + 1 : 0;
      if (run >= quantity) out.push(segment.slice(i - quantity + 1, i + 1));
    });
  }
  return out;
}

/** Whether `row` has a run of `quantity` free seats whose hold would strand nobody. */
export function cleanPlacementExists(
  plan: SeatingPlan,
  isFree: FreeSeat,
  row: string,
  quantity: number,
  eligible?: (seat: PlannedSeat) => boolean,
): boolean {
  return placements(plan, isFree, quantity, eligible, row).some(
    (run) => strandedBy(plan, isFree, new Set(run.map((s) => s.label))).length === 0,
  );
}

/**
 * The single-seat rule applied to one hold: the first seat it would strand in a row that offers the same number of
 * seats without stranding anyone, or undefined when the hold may go ahead (it strands nobody, or no cleaner choice
 * exists for that quantity in that row).
 */
export function avoidableStrandedSeat(plan: SeatingPlan, isFree: FreeSeat, seatNumbers: readonly string[]): string | undefined {
  const held = new Set(seatNumbers);
  for (const label of strandedBy(plan, isFree, held)) {
    const row = plan.seats.get(label)!.row;
    const quantity = seatNumbers.filter((s) => plan.seats.get(s)?.row === row).length;
    if (cleanPlacementExists(plan, isFree, row, quantity)) return label;
  }
  return undefined;
}
