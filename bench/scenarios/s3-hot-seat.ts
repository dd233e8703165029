/**
 * Scenario 3, one hot seat: every connection asks for A1 of a fresh session, as fast as it can. The first request
 * wins (201), every other one is refused (409). Measures answers per second and latency, against the seed design
 * where each attempt is a transaction queueing on the same row lock.
 */
import { createSession } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { runLoad } from '../lib/http-load';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';

interface HotSeatRun {
  readonly target: string;
  readonly rps: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly other: Record<string, number>;
  readonly errors: number;
  readonly latency: { p50: number; p99: number };
  readonly cost: PhaseCost;
  readonly completed: number;
}

export async function hammer(
  ctx: Ctx,
  t: Target,
  seconds: number,
  auth?: { admin: Readonly<Record<string, string>>; user: (userId: string) => Readonly<Record<string, string>> },
): Promise<HotSeatRun> {
  const sessionId = await createSession(t.service.url, ctx.cfg.seats, ctx.cfg.seatsPerRow, 'Hot seat', auth?.admin);
  let n = 0;
  const { result, cost } = await measured(t, () =>
    runLoad({
      port: t.service.port,
      connections: ctx.cfg.hotSeatConnections,
      durationMs: seconds * 1000,
      // With tokens, one user per connection (the token's sub), so the body leaves userId out.
      next: (conn) =>
        auth
          ? {
              method: 'POST',
              path: '/reservations',
              body: JSON.stringify({ sessionId, seatNumbers: ['A1'] }),
              tag: 'reserve',
              headers: auth.user(`fan-${conn.index}`),
            }
          : {
              method: 'POST',
              path: '/reservations',
              body: JSON.stringify({ sessionId, seatNumbers: ['A1'], userId: `fan-${conn.index}-${n++}` }),
              tag: 'reserve',
            },
    }),
  );
  const lat = result.byTag.reserve?.latency;
  return {
    target: t.name,
    rps: round(result.rps),
    accepted: result.byStatus['201'] ?? 0,
    rejected: result.byStatus['409'] ?? 0,
    other: Object.fromEntries(Object.entries(result.byStatus).filter(([s]) => s !== '201' && s !== '409')),
    errors: result.errors,
    latency: { p50: lat?.p50 ?? Number.NaN, p99: lat?.p99 ?? Number.NaN },
    cost,
    completed: result.completed,
  };
}

export async function hotSeat(ctx: Ctx, seed: Target, ours: Target[]): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const all = [seed, ...ours];
  for (const t of all) {
    ctx.log(`s3 warm-up ${t.name}`);
    await hammer(ctx, t, cfg.warmupSeconds);
  }
  const rounds: { round: number; runs: HotSeatRun[] }[] = [];
  const checks: Check[] = [];
  for (let r = 1; r <= cfg.rounds; r++) {
    const runs: HotSeatRun[] = [];
    for (const t of all) {
      const run = await hammer(ctx, t, cfg.shortPhaseSeconds);
      ctx.log(`s3 round ${r} ${t.name}: ${run.rps} req/s, 201=${run.accepted} 409=${run.rejected}, p99 ${run.latency.p99} ms`);
      checks.push({
        label: `${t.label}: exactly one winner for the hot seat (round ${r})`,
        ok: run.accepted === 1,
        detail: `201: ${run.accepted}, 409: ${run.rejected}, other: ${JSON.stringify(run.other)}, socket errors: ${run.errors}`,
      });
      runs.push(run);
    }
    rounds.push({ round: r, runs });
  }
  const runsOf = (t: Target) => rounds.map((x) => x.runs.find((y) => y.target === t.name) as HotSeatRun);
  const seedRuns = runsOf(seed);
  const figures: Figure[] = ours.flatMap((t) => {
    const mine = runsOf(t);
    const key = t.storage === 'embedded' ? 'embedded' : 'pg';
    return [
      {
        id: `s3.throughput.${key}`,
        label: `Hot-seat answers per second, ${t.label} / seed`,
        unit: 'ratio',
        spread: spread(mine.map((m, i) => m.rps / seedRuns[i].rps)),
        comparator: seed.label,
        context: `${spread(mine.map((m) => m.rps)).median} vs ${spread(seedRuns.map((m) => m.rps)).median} answers/s`,
      },
      {
        id: `s3.p99.${key}`,
        label: `Hot-seat p99 latency, seed / ${t.label} (higher = ours faster)`,
        unit: 'ratio',
        spread: spread(mine.map((m, i) => seedRuns[i].latency.p99 / m.latency.p99)),
        comparator: seed.label,
        context: `p99 ${spread(mine.map((m) => m.latency.p99)).median} ms vs ${spread(seedRuns.map((m) => m.latency.p99)).median} ms`,
      },
    ];
  });
  return {
    id: 's3',
    title: 'Scenario 3: one hot seat',
    figures,
    checks,
    notes: [
      `${cfg.hotSeatConnections} connections all asking for seat A1 of a fresh ${cfg.seats}-seat session for ${cfg.shortPhaseSeconds} s per round; distinct users.`,
    ],
    rounds,
    table: {
      header: ['target', 'answers/s', '201', '409', 'p50 ms', 'p99 ms', ...COST_HEADER],
      rows: all.map((t) => {
        const rs = runsOf(t);
        return [
          t.label,
          fmtRange(rs.map((x) => x.rps), 0),
          rs.map((x) => x.accepted).join('/'),
          fmtRange(rs.map((x) => x.rejected), 0),
          fmtRange(rs.map((x) => x.latency.p50), 1),
          fmtRange(rs.map((x) => x.latency.p99), 1),
          ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.completed)),
        ];
      }),
    },
  };
}
