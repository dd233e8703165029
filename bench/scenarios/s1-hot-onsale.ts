/**
 * Scenario 1, hot on-sale: one session of N seats (2000), a few hundred connections each reserving 1-4 random
 * seats until the session is sold out. Every client picks among the seats it has not yet seen taken (201s and the
 * `unavailableSeats` of 409s), as a client refreshing its seat map would; concurrent picks collide, which gives
 * the 409s. Measures time to sell out, accepted and rejected requests per second, latency; then checks that no
 * seat was held twice, from the answers, the availability document and the database. Every answer in flight when
 * the sale ends is awaited; requests whose outcome is unknown (a 503, or no answer) are accounted for (lib/holds.ts).
 */
import { createSession, getJson, mapLimit, seatLabels } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { HoldLedger, reservedSeats, settledDocument } from '../lib/holds';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/http-load';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';
import { round, spread } from '../lib/stats';

export interface SellOutRun {
  readonly target: string;
  readonly sessionId: string;
  readonly soldOut: boolean;
  readonly timeToSellOutS: number;
  readonly seatsAccepted: number;
  readonly reservationsAccepted: number;
  readonly rejected: number;
  readonly otherStatuses: Record<string, number>;
  /** Requests whose outcome is unknown (5xx or no answer), by reason. */
  readonly unknownOutcomes: Record<string, number>;
  readonly seatsPerS: number;
  readonly acceptedPerS: number;
  readonly rejectedPerS: number;
  readonly requestsPerS: number;
  readonly latency: { all: unknown; accepted: unknown; rejected: unknown };
  readonly cost: PhaseCost;
  readonly checks: Check[];
  readonly load: Omit<LoadResult, 'byTag'>;
}

/** Runs one sell-out of a fresh session against `target` and verifies it. */
export async function sellOut(ctx: Ctx, target: Target, opts: { verify: boolean } = { verify: true }): Promise<SellOutRun> {
  const { cfg } = ctx;
  const total = cfg.seats;
  const sessionId = await createSession(target.service.url, total, cfg.seatsPerRow, 'On sale');
  const labels = seatLabels(total, cfg.seatsPerRow);
  const free = labels.slice();
  const pos = new Map(free.map((s, i) => [s, i]));
  const removeFree = (seat: string) => {
    const i = pos.get(seat);
    if (i === undefined) return;
    const last = free.pop() as string;
    pos.delete(seat);
    if (i < free.length) {
      free[i] = last;
      pos.set(last, i);
    }
  };
  const ledger = new HoldLedger();
  const acceptedSeats = ledger.accepted;
  const duplicateSeats: string[] = [];
  const reservationIds: string[] = [];
  let soldOutAt = Number.NaN;
  let lastAcceptedAt = 0;
  let reservationsAccepted = 0;

  const { result: load, cost } = await measured(target, () =>
    runLoad({
      port: target.service.port,
      connections: cfg.onSaleConnections,
      durationMs: cfg.selloutCapSeconds * 1000,
      next(conn) {
        if (free.length === 0) return null;
        const n = Math.min(free.length, 1 + Math.floor(Math.random() * 4));
        const picked = new Set<string>();
        while (picked.size < n) picked.add(free[Math.floor(Math.random() * free.length)]);
        return {
          method: 'POST',
          path: '/reservations',
          body: JSON.stringify({ sessionId, seatNumbers: [...picked], userId: `user-${conn.index}` }),
          tag: 'reserve',
          wantBody: true,
        };
      },
      onResponse(_conn, req, res) {
        if (res.status === 201) {
          const body = JSON.parse(res.body as string) as
            | { id: string; seatNumbers: string[] }
            | { id: string; seatNumber: string }[];
          const seats = Array.isArray(body) ? body.map((r) => r.seatNumber) : body.seatNumbers;
          if (Array.isArray(body)) reservationIds.push(...body.map((r) => r.id));
          else reservationIds.push(body.id);
          reservationsAccepted++;
          lastAcceptedAt = Math.max(lastAcceptedAt, res.at);
          for (const s of seats) {
            if (acceptedSeats.has(s)) duplicateSeats.push(s);
            acceptedSeats.add(s);
            removeFree(s);
          }
        } else if (res.status === 409) {
          const body = JSON.parse(res.body as string) as { unavailableSeats?: string[] };
          for (const s of body.unavailableSeats ?? []) removeFree(s);
        } else if (res.status >= 500) {
          ledger.unknown(`${res.status} ${problemDetail(res.body)}`, { seats: seatsAsked(req) });
        }
        // Sold out once the clients have seen every seat taken (201s and 409s; a hold of unknown outcome shows up
        // in a later 409's unavailableSeats).
        if (free.length === 0 && !Number.isFinite(soldOutAt)) soldOutAt = res.at;
      },
      onUnanswered: (_conn, req, reason) => ledger.unknown(reason, { seats: seatsAsked(req) }),
      shouldStop: () => free.length === 0,
      // A refusal can be answered before holds decided earlier are committed: every answer in flight is awaited.
      drainMs: 60_000,
    }),
  );

  const soldOut = Number.isFinite(soldOutAt);
  // Sold out at the last 201 or the answer that showed the last seat taken, whichever came later.
  const elapsedS = (soldOut ? Math.max(soldOutAt, lastAcceptedAt) : load.elapsedMs) / 1000;
  const reserve = load.byTag.reserve;
  const rejected = load.byStatus['409'] ?? 0;
  const otherStatuses = Object.fromEntries(Object.entries(load.byStatus).filter(([s]) => s !== '201' && s !== '409'));
  const checks: Check[] = [
    {
      label: `${target.label}: no seat accepted twice (answers)`,
      ok: duplicateSeats.length === 0,
      detail: duplicateSeats.length === 0 ? `${acceptedSeats.size} seats in ${reservationsAccepted} accepted reservations` : `seats accepted twice: ${duplicateSeats.slice(0, 10).join(', ')}`,
    },
  ];
  if (opts.verify) checks.push(...(await verify(target, sessionId, ledger, reservationIds, total, soldOut)));
  const { byTag: _omit, ...loadRest } = load;
  return {
    target: target.name,
    sessionId,
    soldOut,
    timeToSellOutS: round(elapsedS),
    seatsAccepted: acceptedSeats.size,
    reservationsAccepted,
    rejected,
    otherStatuses,
    unknownOutcomes: ledger.unknownRequests,
    seatsPerS: round(acceptedSeats.size / elapsedS),
    acceptedPerS: round(reservationsAccepted / elapsedS),
    rejectedPerS: round(rejected / elapsedS),
    requestsPerS: round(load.completed / elapsedS),
    latency: {
      all: reserve?.latency,
      accepted: reserve?.latencyByStatus['201'],
      rejected: reserve?.latencyByStatus['409'],
    },
    cost,
    checks,
    load: loadRest,
  };
}

/** The seats a reserve request named. */
function seatsAsked(req: LoadRequest): string[] {
  return (JSON.parse(req.body ?? '{}') as { seatNumbers?: string[] }).seatNumbers ?? [];
}

/** The `detail` of a problem+json answer, cut short (it names why a 503 was answered). */
function problemDetail(body: string | undefined): string {
  try {
    return String((JSON.parse(body ?? '{}') as { detail?: unknown }).detail ?? '').slice(0, 80);
  } catch {
    return '';
  }
}

/**
 * Compares the accepted seats with the availability document and with what the database holds; seats of requests
 * whose outcome is unknown may be held or not (lib/holds.ts).
 */
async function verify(
  target: Target,
  sessionId: string,
  ledger: HoldLedger,
  reservationIds: string[],
  total: number,
  soldOut: boolean,
): Promise<Check[]> {
  const checks: Check[] = [];
  const accepted = ledger.accepted;
  const doc = await settledDocument(target.service.url, sessionId);
  const reserved = reservedSeats(doc);
  const documentCheck = ledger.check(
    `${target.label}: RESERVED seats in the availability document = accepted seats (+ any of unknown outcome)`,
    reserved,
    `document: ${reserved.length} RESERVED, ${doc.availableSeats} available`,
  );
  checks.push({ ...documentCheck, ok: documentCheck.ok && (!soldOut || reserved.length === total) });

  // The database's view of the holds: union of PENDING reservations' seats, with duplicates counted.
  let dbSeats: string[];
  let source: string;
  if (target.name === 'seed' && target.db) {
    const rows = await target.db.query<{ seat_number: string }>(
      `SELECT seat_number FROM reservations WHERE session_id = $1 AND status = 'PENDING'`,
      [sessionId],
    );
    dbSeats = rows.map((r) => r.seat_number);
    const seatRows = await target.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM seats WHERE session_id = $1 AND status = 'RESERVED'`,
      [sessionId],
    );
    source = `seats table: ${seatRows[0].n} RESERVED`;
    const beyond = Number(seatRows[0].n) - accepted.size;
    checks.push({
      label: `${target.label}: seats table RESERVED count = accepted seats (+ any of unknown outcome)`,
      ok: beyond >= 0 && beyond <= ledger.unknownSeats.size,
      detail: `${source}; accepted ${accepted.size}; requests of unknown outcome: ${ledger.describeUnknown()}`,
    });
  } else if (target.db) {
    const rows = await target.db.query<{ seat_numbers: string[] }>(
      `SELECT seat_numbers FROM reservations WHERE session_id = $1 AND status = 'PENDING'`,
      [sessionId],
    );
    dbSeats = rows.flatMap((r) => r.seat_numbers);
    source = `${rows.length} PENDING reservation rows`;
  } else {
    // The embedded PostgreSQL belongs to the service (its password is in DATA_DIR): read each accepted reservation
    // back through GET /reservations/{id}, which the service answers from its database. Holds of unknown outcome
    // have no id the bench knows, so this view holds exactly the accepted seats.
    const rows = await mapLimit(reservationIds, 16, async (id) =>
      (await getJson<{ status: string; seatNumbers: string[] }>(`${target.service.url}/reservations/${id}`)).body,
    );
    dbSeats = rows.filter((r) => r.status === 'PENDING').flatMap((r) => r.seatNumbers);
    source = `${rows.length} reservations read back through GET /reservations/{id}`;
  }
  checks.push(ledger.check(`${target.label}: database holds no seat twice and holds exactly the accepted seats (+ any of unknown outcome)`, dbSeats, source));
  return checks;
}

export async function hotOnSale(ctx: Ctx, seed: Target, ours: Target[]): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const rounds: { round: number; runs: SellOutRun[] }[] = [];
  const checks: Check[] = [];
  // Warm-up: one sell-out each, not measured (JIT, pool connections, typeorm metadata).
  for (const t of [seed, ...ours]) {
    ctx.log(`s1 warm-up ${t.name}`);
    await runLoadWarmup(ctx, t);
  }
  for (let r = 1; r <= cfg.rounds; r++) {
    const runs: SellOutRun[] = [];
    for (const t of [seed, ...ours]) {
      const run = await sellOut(ctx, t);
      ctx.log(
        `s1 round ${r} ${t.name}: ${run.soldOut ? 'sold out' : 'NOT sold out'} in ${run.timeToSellOutS}s, ` +
          `${run.seatsPerS} seats/s, ${run.acceptedPerS} acc/s, ${run.rejectedPerS} rej/s, server ${run.cost.serverCores} cores`,
      );
      runs.push(run);
      checks.push(...run.checks);
    }
    rounds.push({ round: r, runs });
  }

  const figures: Figure[] = [];
  const seedRuns = rounds.map((x) => x.runs.find((y) => y.target === seed.name) as SellOutRun);
  for (const t of ours) {
    const mine = rounds.map((x) => x.runs.find((y) => y.target === t.name) as SellOutRun);
    const key = t.storage === 'embedded' ? 'embedded' : 'pg';
    figures.push({
      id: `s1.throughput.${key}`,
      label: `Sell-out throughput (seats held per second), ${t.label} / seed`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => m.seatsPerS / seedRuns[i].seatsPerS)),
      comparator: seed.label,
      context: `${med(mine.map((m) => m.seatsPerS))} vs ${med(seedRuns.map((m) => m.seatsPerS))} seats/s; sell-out ${med(mine.map((m) => m.timeToSellOutS))} s vs ${med(seedRuns.map((m) => m.timeToSellOutS))} s`,
    });
    figures.push({
      id: `s1.accepted.${key}`,
      label: `Accepted reservations per second, ${t.label} / seed`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => m.acceptedPerS / seedRuns[i].acceptedPerS)),
      comparator: seed.label,
      context: `${med(mine.map((m) => m.acceptedPerS))} vs ${med(seedRuns.map((m) => m.acceptedPerS))} accepted/s`,
    });
    figures.push({
      id: `s1.p99.${key}`,
      label: `Reserve p99 latency under the on-sale, seed / ${t.label} (higher = ours faster)`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => p99(seedRuns[i]) / p99(m))),
      comparator: seed.label,
      context: `p99 ${med(mine.map(p99))} ms vs ${med(seedRuns.map(p99))} ms`,
    });
  }
  const all = [seed, ...ours];
  const runsOf = (t: Target) => rounds.map((x) => x.runs.find((y) => y.target === t.name) as SellOutRun);
  const table = {
    header: ['target', 'sold out', 'time to sell out (s)', 'seats/s', 'accepted/s', 'rejected/s', 'p50 ms', 'p99 ms', ...COST_HEADER],
    rows: all.map((t) => {
      const rs = runsOf(t);
      return [
        t.label,
        `${rs.filter((x) => x.soldOut).length}/${rs.length}`,
        fmtRange(rs.map((x) => x.timeToSellOutS)),
        fmtRange(rs.map((x) => x.seatsPerS), 0),
        fmtRange(rs.map((x) => x.acceptedPerS), 0),
        fmtRange(rs.map((x) => x.rejectedPerS), 0),
        fmtRange(rs.map((x) => (x.latency.all as { p50: number }).p50), 1),
        fmtRange(rs.map(p99), 1),
        ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.load.completed)),
      ];
    }),
  };
  return {
    id: 's1',
    title: 'Scenario 1: hot on-sale',
    figures,
    checks,
    notes: [
      `${cfg.seats} seats (${cfg.seatsPerRow} per row), ${cfg.onSaleConnections} connections, each request 1-4 random seats among those the client has not seen taken; run capped at ${cfg.selloutCapSeconds} s.`,
      'Rejected = 409 answers. Latency is from writing the request to the last byte of the answer.',
      'The seed comparator runs on its own scratch database of the same Postgres server, with a pool of 10 connections like the service.',
    ],
    rounds,
    table,
  };
}

export async function runLoadWarmup(ctx: Ctx, t: Target): Promise<void> {
  const sessionId = await createSession(t.service.url, ctx.cfg.seats, ctx.cfg.seatsPerRow, 'Warm-up');
  const labels = seatLabels(ctx.cfg.seats, ctx.cfg.seatsPerRow);
  let i = 0;
  await runLoad({
    port: t.service.port,
    connections: 32,
    durationMs: ctx.cfg.warmupSeconds * 1000,
    next: (conn) =>
      i < labels.length
        ? {
            method: 'POST',
            path: '/reservations',
            body: JSON.stringify({ sessionId, seatNumbers: [labels[i++]], userId: `warm-${conn.index}` }),
            tag: 'warm',
          }
        : null,
  });
}

function p99(run: SellOutRun): number {
  return (run.latency.all as { p99: number }).p99;
}

function med(values: number[]): number {
  return spread(values).median;
}
