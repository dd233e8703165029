/**
 * Scenario 9, best-available on-sale: the same service build on Postgres sells a fresh session out twice per round,
 * (a) as scenario 1 does (every client names 1-4 seats among those it has not seen taken) and (b) with every client
 * asking for the best 2-4 adjacent seats (`{ quantity }`, quantity drawn from a seeded generator). Reports seats held
 * per second and hold p99 of (b) against (a) as ratios, and checks (b): no seat held twice (answers and database),
 * every 201's seats adjacent in one row and as many as asked, sold out (no two adjacent seats left free in a row).
 */
import { createSession } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';
import { HoldLedger, reservedSeats, settledDocument } from '../lib/holds';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/http-load';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { runLoadWarmup, sellOut, type SellOutRun } from './s1-hot-onsale';

/** The generator's seed: the same sequence of requested quantities in every run. */
const QUANTITY_SEED = 12;

export interface BestAvailableRun {
  readonly target: string;
  readonly sessionId: string;
  readonly soldOut: boolean;
  readonly timeToSellOutS: number;
  readonly seatsAccepted: number;
  readonly seatsLeftSingle: number;
  readonly reservationsAccepted: number;
  readonly rejected: number;
  readonly otherStatuses: Record<string, number>;
  readonly seatsPerS: number;
  readonly acceptedPerS: number;
  readonly requestsPerS: number;
  readonly latency: { all: unknown; accepted: unknown; rejected: unknown };
  readonly cost: PhaseCost;
  readonly checks: Check[];
  readonly load: Omit<LoadResult, 'byTag'>;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `A12` → { row: 'A', n: 12 }. */
function parseSeat(label: string): { row: string; n: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(label);
  return m ? { row: m[1], n: Number(m[2]) } : { row: label, n: Number.NaN };
}

/** Whether `seats` are consecutive numbers of one row. */
export function adjacentInOneRow(seats: readonly string[]): boolean {
  const parsed = seats.map(parseSeat);
  if (parsed.length === 0 || parsed.some((p) => p.row !== parsed[0].row || !Number.isInteger(p.n))) return false;
  const ns = parsed.map((p) => p.n).sort((a, b) => a - b);
  return ns.every((n, i) => i === 0 || n === ns[i - 1] + 1);
}

/**
 * Sells a fresh session out through best available. A 409 names the largest free block; clients then ask for no
 * more than that, and the sale is over when it is below 2 (only single seats are left).
 */
export async function bestAvailableSellOut(ctx: Ctx, target: Target, seed: number): Promise<BestAvailableRun> {
  const { cfg } = ctx;
  const total = cfg.seats;
  const sessionId = await createSession(target.service.url, total, cfg.seatsPerRow, 'Best available on sale');
  const random = seeded(seed);
  const ledger = new HoldLedger();
  const acceptedSeats = ledger.accepted;
  const duplicateSeats: string[] = [];
  const notAdjacent: string[] = [];
  const wrongCount: string[] = [];
  const asked = new Map<number, number>();
  let largestFree = Number.POSITIVE_INFINITY;
  let soldOutAt = Number.NaN;
  let lastAcceptedAt = 0;
  let reservationsAccepted = 0;

  const { result: load, cost } = await measured(target, () =>
    runLoad({
      port: target.service.port,
      connections: cfg.onSaleConnections,
      durationMs: cfg.selloutCapSeconds * 1000,
      next(conn) {
        if (largestFree < 2) return null;
        const quantity = Math.min(2 + Math.floor(random() * 3), largestFree);
        asked.set(conn.index, quantity);
        return {
          method: 'POST',
          path: '/reservations',
          body: JSON.stringify({ sessionId, quantity, userId: `user-${conn.index}` }),
          tag: 'reserve',
          wantBody: true,
        };
      },
      onResponse(conn, req, res) {
        if (res.status === 201) {
          lastAcceptedAt = Math.max(lastAcceptedAt, res.at);
          const body = JSON.parse(res.body as string) as { id: string; seatNumbers: string[] };
          reservationsAccepted++;
          if (!adjacentInOneRow(body.seatNumbers)) notAdjacent.push(body.seatNumbers.join(' '));
          if (body.seatNumbers.length !== asked.get(conn.index)) wrongCount.push(`${asked.get(conn.index)} asked: ${body.seatNumbers.join(' ')}`);
          for (const s of body.seatNumbers) {
            if (acceptedSeats.has(s)) duplicateSeats.push(s);
            acceptedSeats.add(s);
          }
        } else if (res.status === 409) {
          const body = JSON.parse(res.body as string) as { largestBlock?: number };
          if (typeof body.largestBlock === 'number') {
            largestFree = Math.min(largestFree, body.largestBlock);
            if (largestFree < 2 && !Number.isFinite(soldOutAt)) soldOutAt = res.at;
          }
        } else if (res.status >= 500) {
          ledger.unknown(String(res.status), { quantity: quantityAsked(req) });
        }
      },
      onUnanswered: (_conn, req, reason) => ledger.unknown(reason, { quantity: quantityAsked(req) }),
      shouldStop: () => largestFree < 2,
      // A refusal is answered at once, a hold only after its group commit: holds decided before the refusal that
      // ends the sale may still be answered after it, so every answer in flight is awaited.
      drainMs: 60_000,
    }),
  );

  const soldOut = Number.isFinite(soldOutAt);
  // Sold out at the last answer that took seats or the refusal that found no pair left, whichever came later.
  const elapsedS = (soldOut ? Math.max(soldOutAt, lastAcceptedAt) : load.elapsedMs) / 1000;
  const reserve = load.byTag.reserve;
  const rejected = load.byStatus['409'] ?? 0;
  const otherStatuses = Object.fromEntries(Object.entries(load.byStatus).filter(([s]) => s !== '201' && s !== '409'));
  const { checks, seatsLeftSingle } = await verify(target, sessionId, ledger, soldOut);
  checks.unshift(
    {
      label: `${target.label}, best available: no seat accepted twice (answers)`,
      ok: duplicateSeats.length === 0,
      detail: duplicateSeats.length === 0 ? `${acceptedSeats.size} seats in ${reservationsAccepted} accepted reservations` : `seats accepted twice: ${duplicateSeats.slice(0, 10).join(', ')}`,
    },
    {
      label: `${target.label}, best available: every 201's seats adjacent in one row, as many as asked`,
      ok: notAdjacent.length === 0 && wrongCount.length === 0 && reservationsAccepted > 0,
      detail:
        notAdjacent.length + wrongCount.length === 0
          ? `${reservationsAccepted} holds of 2-4 adjacent seats`
          : `not adjacent: ${notAdjacent.slice(0, 5).join('; ')}; wrong count: ${wrongCount.slice(0, 5).join('; ')}`,
    },
  );
  const { byTag: _omit, ...loadRest } = load;
  return {
    target: target.name,
    sessionId,
    soldOut,
    timeToSellOutS: round(elapsedS),
    seatsAccepted: acceptedSeats.size,
    seatsLeftSingle,
    reservationsAccepted,
    rejected,
    otherStatuses,
    seatsPerS: round(acceptedSeats.size / elapsedS),
    acceptedPerS: round(reservationsAccepted / elapsedS),
    requestsPerS: round(load.completed / elapsedS),
    latency: { all: reserve?.latency, accepted: reserve?.latencyByStatus['201'], rejected: reserve?.latencyByStatus['409'] },
    cost,
    checks,
    load: loadRest,
  };
}

/** The quantity a best-available request asked for. */
function quantityAsked(req: LoadRequest): number {
  return (JSON.parse(req.body ?? '{}') as { quantity?: number }).quantity ?? 0;
}

/**
 * The availability document and the database against the accepted seats (plus up to the quantities asked by
 * requests of unknown outcome, lib/holds.ts); sold out = no two adjacent free seats.
 */
async function verify(
  target: Target,
  sessionId: string,
  ledger: HoldLedger,
  soldOut: boolean,
): Promise<{ checks: Check[]; seatsLeftSingle: number }> {
  const checks: Check[] = [];
  const doc = await settledDocument(target.service.url, sessionId);
  const reserved = reservedSeats(doc);
  const free = doc.seats.filter((s) => s.status === 'AVAILABLE').map((s) => s.seatNumber);
  const freeSet = new Set(free);
  const pairs = free.filter((s) => {
    const { row, n } = parseSeat(s);
    return freeSet.has(`${row}${n + 1}`);
  });
  checks.push(
    ledger.check(
      `${target.label}, best available: RESERVED seats in the availability document = accepted seats (+ any of unknown outcome)`,
      reserved,
      `document: ${reserved.length} RESERVED, ${doc.availableSeats} available`,
    ),
  );
  checks.push({
    label: `${target.label}, best available: sold out (a 409 named a largest block below 2; no two adjacent seats free in any row)`,
    ok: soldOut && pairs.length === 0,
    detail: `${soldOut ? 'sold out' : 'NOT sold out within the cap'}; ${free.length} single seats left free; adjacent free pairs: ${pairs.slice(0, 10).join(', ') || 'none'}`,
  });
  if (target.db) {
    const rows = await target.db.query<{ seat_numbers: string[] }>(
      `SELECT seat_numbers FROM reservations WHERE session_id = $1 AND status = 'PENDING'`,
      [sessionId],
    );
    checks.push(
      ledger.check(
        `${target.label}, best available: database holds no seat twice and holds exactly the accepted seats (+ any of unknown outcome)`,
        rows.flatMap((r) => r.seat_numbers),
        `${rows.length} PENDING reservation rows`,
      ),
    );
  }
  return { checks, seatsLeftSingle: free.length };
}

interface Round {
  readonly round: number;
  /** [manual pick, best available] (an array, as the run's machine-load summary reads every scenario's runs). */
  readonly runs: [SellOutRun, BestAvailableRun];
}

export async function bestAvailableOnSale(ctx: Ctx, target: Target): Promise<ScenarioResult> {
  const { cfg } = ctx;
  ctx.log(`s9 warm-up ${target.name}`);
  await runLoadWarmup(ctx, target);
  const rounds: Round[] = [];
  const checks: Check[] = [];
  for (let r = 1; r <= cfg.rounds; r++) {
    // Which side goes first alternates, so a drift in the machine's load does not favour one side.
    const manualFirst = r % 2 === 1;
    let manual: SellOutRun | undefined;
    let best: BestAvailableRun | undefined;
    for (const side of manualFirst ? ['manual', 'best'] : ['best', 'manual']) {
      if (side === 'manual') manual = await sellOut(ctx, target);
      else best = await bestAvailableSellOut(ctx, target, QUANTITY_SEED + r);
    }
    const m = manual as SellOutRun;
    const b = best as BestAvailableRun;
    ctx.log(
      `s9 round ${r}: manual ${m.soldOut ? 'sold out' : 'NOT sold out'} in ${m.timeToSellOutS}s, ${m.seatsPerS} seats/s, p99 ${p99(m)} ms; ` +
        `best available ${b.soldOut ? 'sold out' : 'NOT sold out'} in ${b.timeToSellOutS}s, ${b.seatsPerS} seats/s, p99 ${p99(b)} ms`,
    );
    checks.push(...m.checks.map((c) => ({ ...c, label: `${c.label} (manual pick)` })), ...b.checks);
    rounds.push({ round: r, runs: [m, b] });
  }
  const manual = rounds.map((x) => x.runs[0]);
  const best = rounds.map((x) => x.runs[1]);
  const figures: Figure[] = [
    {
      id: 's9.throughput',
      label: 'On-sale throughput (seats held per second), best available 2-4 / manual pick 1-4 (same service, Postgres)',
      unit: 'ratio',
      spread: spread(best.map((b, i) => b.seatsPerS / manual[i].seatsPerS)),
      comparator: 'manual-pick on-sale (scenario 1)',
      context: `${med(best.map((b) => b.seatsPerS))} vs ${med(manual.map((m) => m.seatsPerS))} seats/s; sell-out ${med(best.map((b) => b.timeToSellOutS))} s vs ${med(manual.map((m) => m.timeToSellOutS))} s`,
    },
    {
      id: 's9.p99',
      label: 'Hold p99 latency, best available / manual pick (lower = best available faster)',
      unit: 'ratio',
      spread: spread(best.map((b, i) => p99(b) / p99(manual[i]))),
      comparator: 'manual-pick on-sale (scenario 1)',
      context: `p99 ${med(best.map(p99))} ms vs ${med(manual.map(p99))} ms`,
    },
  ];
  const row = (label: string, rs: (SellOutRun | BestAvailableRun)[]) => [
    label,
    `${rs.filter((x) => x.soldOut).length}/${rs.length}`,
    fmtRange(rs.map((x) => x.timeToSellOutS)),
    fmtRange(rs.map((x) => x.seatsAccepted), 0),
    fmtRange(rs.map((x) => x.seatsPerS), 0),
    fmtRange(rs.map((x) => x.acceptedPerS), 0),
    fmtRange(rs.map((x) => x.rejected / Math.max(x.timeToSellOutS, 0.001)), 0),
    fmtRange(rs.map((x) => (x.latency.all as { p50: number }).p50), 1),
    fmtRange(rs.map(p99), 1),
    ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.load.completed)),
  ];
  return {
    id: 's9',
    title: 'Scenario 9: best-available on-sale vs manual pick',
    figures,
    checks,
    notes: [
      `Both sides against one service on Postgres, a fresh ${cfg.seats}-seat session (${cfg.seatsPerRow} per row) per sell-out, ${cfg.onSaleConnections} connections, run capped at ${cfg.selloutCapSeconds} s; the side that goes first alternates by round.`,
      `Manual pick: scenario 1's clients (1-4 random seats among those not seen taken). Best available: \`{ quantity }\` with quantity 2-4 from a generator seeded with ${QUANTITY_SEED} + round, capped at the largest free block the last 409 named; sold out when that block is below 2 (the single seats left are counted).`,
      'p99 is over every hold answer (201 and 409) from writing the request to the last byte of the answer.',
    ],
    rounds,
    table: {
      header: ['side', 'sold out', 'time to sell out (s)', 'seats held', 'seats/s', 'accepted/s', 'rejected/s', 'p50 ms', 'p99 ms', ...COST_HEADER],
      rows: [row('manual pick 1-4', manual), row('best available 2-4', best)],
    },
  };
}

function p99(run: SellOutRun | BestAvailableRun): number {
  return (run.latency.all as { p99: number }).p99;
}

function med(values: number[]): number {
  return spread(values).median;
}
