import type { PlannedSeat, SeatingPlan } from './seating';
import { placements, strandedBy, type FreeSeat } from './stranded-seats';

export type BestAvailable =
  | { readonly ok: true; readonly seats: readonly string[] }
  /** No run of that size is free; `largestBlock` is the longest run of adjacent free seats that would qualify. */
  | { readonly ok: false; readonly largestBlock: number };

/**
 * Best available: `quantity` adjacent free seats in one row (never a blocked seat or a wheelchair space; only seats of
 * `category` when given), ranked, best first, by
 *   1. distance in rows from the preferred rows (0 inside them),
 *   2. distance of the block's centre from its row's centre,
 *   3. the row, front first, then the lowest seat number.
 * With `avoidStranding`, a block that would leave a single seat alone is only taken when its row has no block of
 * that size that strands nobody. Deterministic: the same state and request always give the same seats.
 */
export function bestAvailable(
  plan: SeatingPlan,
  isFree: FreeSeat,
  quantity: number,
  options: { readonly category?: string; readonly avoidStranding: boolean },
): BestAvailable {
  const eligible = (s: PlannedSeat) => !s.wheelchair && (options.category === undefined || s.category.name === options.category);
  const runs = placements(plan, isFree, quantity, eligible);
  const stranding = runs.map((run) => options.avoidStranding && strandedBy(plan, isFree, labels(run)).length > 0);
  const cleanRows = new Set(runs.filter((_, i) => !stranding[i]).map((run) => run[0].row));
  const allowed = runs.filter((run, i) => !stranding[i] || !cleanRows.has(run[0].row));
  if (allowed.length === 0) return { ok: false, largestBlock: largestBlock(plan, isFree, eligible) };

  const rowIndex = new Map(plan.rows.map((row, i) => [row[0].row, i]));
  // Never empty, and every preferred row is a row of the room: resolveSeating refuses any other.
  const band = [...plan.preferredRows].map((r) => rowIndex.get(r)!);
  const score = (run: PlannedSeat[]): number[] => {
    const r = rowIndex.get(run[0].row)!;
    const row = plan.rows[r];
    const rowCentre = (row[0].number + row[row.length - 1].number) / 2;
    const blockCentre = (run[0].number + run[run.length - 1].number) / 2;
    const bandDistance = Math.min(...band.map((b) => Math.abs(b - r)));
    return [bandDistance, Math.abs(blockCentre - rowCentre), r, run[0].number];
  };
  let best = allowed[0];
  let bestScore = score(best);
  // Stryker disable next-line MethodExpression: scoring the first run against itself is a tie, and a tie keeps it
  for (const run of allowed.slice(1)) {
    const s = score(run);
    // Stryker disable next-line EqualityOperator: no two runs score alike (the row and the first seat number identify a run), so <= 0 picks as < 0 does
    if (compare(s, bestScore) < 0) [best, bestScore] = [run, s];
  }
  return { ok: true, seats: best.map((s) => s.label) };
}

function labels(run: readonly PlannedSeat[]): Set<string> {
  return new Set(run.map((s) => s.label));
}

function compare(a: number[], b: number[]): number {
  // Stryker disable next-line EqualityOperator: i <= a.length reads one past the end, where both are undefined and count as equal
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return 0;
}

function largestBlock(plan: SeatingPlan, isFree: FreeSeat, eligible: (s: PlannedSeat) => boolean): number {
  let largest = 0;
  for (const segment of plan.segments) {
    let run = 0;
    for (const seat of segment) {
      run = isFree(seat.label) && eligible(seat) ? run + 1 : 0;
      largest = Math.max(largest, run);
    }
  }
  return largest;
}
