import type { SessionInfo } from './session-state';

/**
 * A session's seating plan as the box office states it (stored as JSON with the session): price categories assigned
 * by rows or seat ranges, seats not for sale, wheelchair spaces, aisles, the preferred rows of best available and
 * the single-seat rule. Every field is optional: without a plan the session is one category at its ticket price.
 */
export interface SeatingSpec {
  readonly categories?: readonly CategorySpec[];
  /** Seat labels or ranges ("A1", "C3-C6") that are not for sale. */
  readonly blocked?: readonly string[];
  /** Seat labels or ranges of wheelchair spaces: sold when named, never picked by best available. */
  readonly wheelchair?: readonly string[];
  /** Seat numbers after which every row has an aisle (4: an aisle between seats 4 and 5). */
  readonly aislesAfter?: readonly number[];
  /** Rows best available prefers; default: the middle third of the rows. */
  readonly preferredRows?: readonly string[];
  readonly singleSeatRule?: SingleSeatRule;
}

export interface CategorySpec {
  readonly name: string;
  readonly priceCents: number;
  readonly rows?: readonly string[];
  readonly seats?: readonly string[];
}

/** Where a hold may not leave a single empty seat: every hold, best-available holds only (default), or nowhere. */
export type SingleSeatRule = 'ALL_HOLDS' | 'BEST_AVAILABLE' | 'OFF';

export interface Category {
  readonly name: string;
  readonly priceCents: number;
}

export interface PlannedSeat {
  readonly label: string;
  readonly row: string;
  readonly number: number;
  readonly category: Category;
  readonly blocked: boolean;
  readonly wheelchair: boolean;
  /** Seats are adjacent when they are in one segment (no aisle, no blocked seat between) with numbers n and n+1. */
  readonly segment: number;
}

/** The resolved plan: every seat with its category, grouped in rows and segments. Immutable. */
export interface SeatingPlan {
  readonly categories: readonly Category[];
  readonly seats: ReadonlyMap<string, PlannedSeat>;
  /** Rows front to back; each row's seats in number order. */
  readonly rows: readonly (readonly PlannedSeat[])[];
  /** Segments: runs of adjacent sellable seats, in number order. */
  readonly segments: readonly (readonly PlannedSeat[])[];
  readonly preferredRows: ReadonlySet<string>;
  readonly singleSeatRule: SingleSeatRule;
  readonly blockedCount: number;
}

export const DEFAULT_CATEGORY = 'STANDARD';

/** "AB12" -> ["AB", 12]; undefined for anything else. */
function parseLabel(label: string): { row: string; number: number } | undefined {
  const m = /^([A-Z]+)([1-9][0-9]*)$/.exec(label);
  return m ? { row: m[1], number: Number(m[2]) } : undefined;
}

/** The seats a label or range names ("C3-C6" is C3, C4, C5, C6), or a problem. */
function expand(ref: string, known: ReadonlyMap<string, { row: string; number: number }>): string[] | string {
  const [from, to = from] = ref.split('-');
  const a = parseLabel(from);
  const b = parseLabel(to);
  if (!a || !b || ref.split('-').length > 2) return `"${ref}" is not a seat label or range such as C3-C6`;
  if (a.row !== b.row || a.number > b.number) return `"${ref}" must run forwards within one row`;
  const seats: string[] = [];
  for (let n = a.number; n <= b.number; n++) {
    const label = `${a.row}${n}`;
    if (!known.has(label)) return `"${ref}" names ${label}, which is not a seat of this room`;
    seats.push(label);
  }
  return seats;
}

/**
 * Checks a seating spec against the room's seats and resolves it, or names every problem: unknown seats or rows,
 * a seat in two categories (overlap), a seat in none (incomplete), a seat both blocked and a wheelchair space.
 */
export function resolveSeating(
  spec: SeatingSpec | undefined,
  seatLabels: readonly string[],
  defaultPriceCents: number,
): { ok: true; plan: SeatingPlan } | { ok: false; problems: { path: string; message: string }[] } {
  const problems: { path: string; message: string }[] = [];
  const parsed = new Map<string, { row: string; number: number }>();
  for (const label of seatLabels) parsed.set(label, parseLabel(label)!);
  const rowNames = [...new Set([...parsed.values()].map((p) => p.row))];

  const refs = (path: string, list: readonly string[] | undefined): Set<string> => {
    const out = new Set<string>();
    (list ?? []).forEach((ref, i) => {
      const seats = expand(ref, parsed);
      if (typeof seats === 'string') problems.push({ path: `${path}.${i}`, message: seats });
      else seats.forEach((s) => out.add(s));
    });
    return out;
  };

  const categoryOf = new Map<string, Category>();
  const categorySpecs = spec?.categories?.length ? spec.categories : [{ name: DEFAULT_CATEGORY, priceCents: defaultPriceCents, rows: rowNames }];
  const categories: Category[] = [];
  categorySpecs.forEach((c, i) => {
    const path = `layout.categories.${i}`;
    if (categories.some((k) => k.name === c.name)) problems.push({ path: `${path}.name`, message: `category ${c.name} is named twice` });
    const category: Category = { name: c.name, priceCents: c.priceCents };
    categories.push(category);
    const seats = refs(`${path}.seats`, c.seats);
    (c.rows ?? []).forEach((row, j) => {
      if (!rowNames.includes(row)) problems.push({ path: `${path}.rows.${j}`, message: `row ${row} is not a row of this room` });
      for (const [label, p] of parsed) if (p.row === row) seats.add(label);
    });
    if (seats.size === 0) problems.push({ path, message: `category ${c.name} has no seats` });
    for (const label of seats) {
      const other = categoryOf.get(label);
      // seats is a Set: a seat mapped already belongs to an earlier category.
      if (other) {
        problems.push({ path, message: `seat ${label} is in both ${other.name} and ${c.name} (overlapping categories)` });
      }
      categoryOf.set(label, category);
    }
  });
  const missing = seatLabels.filter((s) => !categoryOf.has(s));
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, … (${missing.length} seats)` : '');
    problems.push({ path: 'layout.categories', message: `incomplete layout: no category for ${shown}` });
  }
  const blocked = refs('layout.blocked', spec?.blocked);
  const wheelchair = refs('layout.wheelchair', spec?.wheelchair);
  for (const s of wheelchair) {
    if (blocked.has(s)) problems.push({ path: 'layout.wheelchair', message: `seat ${s} is both blocked and a wheelchair space` });
  }
  const rowLength = Math.max(...[...parsed.values()].map((p) => p.number));
  const aisles = new Set(spec?.aislesAfter ?? []);
  (spec?.aislesAfter ?? []).forEach((n, i) => {
    if (n < 1 || n >= rowLength) problems.push({ path: `layout.aislesAfter.${i}`, message: `an aisle after seat ${n} is outside the rows` });
  });
  (spec?.preferredRows ?? []).forEach((row, i) => {
    if (!rowNames.includes(row)) problems.push({ path: `layout.preferredRows.${i}`, message: `row ${row} is not a row of this room` });
  });
  if (problems.length > 0) return { ok: false, problems };

  const seats = new Map<string, PlannedSeat>();
  const rows: PlannedSeat[][] = rowNames.map(() => []);
  const segments: PlannedSeat[][] = [];
  let current: PlannedSeat[] | undefined;
  let previous: { row: string; number: number } | undefined;
  for (const label of seatLabels) {
    const p = parsed.get(label)!;
    const isBlocked = blocked.has(label);
    const breaks = !previous || previous.row !== p.row || previous.number + 1 !== p.number || aisles.has(previous.number);
    if (isBlocked || breaks) current = undefined;
    if (!isBlocked && !current) segments.push((current = []));
    const seat: PlannedSeat = {
      label,
      row: p.row,
      number: p.number,
      category: categoryOf.get(label)!,
      blocked: isBlocked,
      wheelchair: wheelchair.has(label),
      segment: isBlocked ? -1 : segments.length - 1,
    };
    current?.push(seat);
    seats.set(label, seat);
    rows[rowNames.indexOf(p.row)].push(seat);
    previous = p;
  }
  const third = Math.floor(rowNames.length / 3);
  const preferred = spec?.preferredRows?.length
    ? spec.preferredRows
    : rowNames.slice(third, rowNames.length - third); // never empty: 2⌊n/3⌋ < n for n >= 1
  return {
    ok: true,
    plan: {
      categories,
      seats,
      rows,
      segments,
      preferredRows: new Set(preferred),
      singleSeatRule: spec?.singleSeatRule ?? 'BEST_AVAILABLE',
      blockedCount: blocked.size,
    },
  };
}

const plans = new WeakMap<SessionInfo, SeatingPlan>();

/** The session's resolved plan, built once per session info (infos are immutable, so the object is the cache key). */
export function seatingPlan(info: SessionInfo): SeatingPlan {
  let plan = plans.get(info);
  if (!plan) {
    const resolved = resolveSeating(info.seating, info.seatLabels, info.priceCents);
    if (!resolved.ok) throw new RangeError(`invalid seating of session ${info.sessionId}: ${resolved.problems[0].message}`);
    plan = resolved.plan;
    plans.set(info, plan);
  }
  return plan;
}

/** What these seats cost together, in cents. */
export function priceOfSeats(plan: SeatingPlan, seatNumbers: readonly string[]): number {
  return seatNumbers.reduce((sum, s) => sum + (plan.seats.get(s)?.category.priceCents ?? 0), 0);
}
