/**
 * Scenario 2, steady writes: every connection reserves one seat of its own, then cancels that reservation, in a
 * loop, on one 2000-seat session. Each answer is durable (the service answers after its group commit). Compared
 * with comparator (a), bare Express answering a constant JSON to the very same request stream (same paths, same
 * bodies, parsed with express.json()).
 *
 * Then the latency target: the same reserve/cancel stream at 70 % of the highest rate measured above, paced
 * (open loop), against the service and against (a) at the same offered rate.
 */
import { randomUUID } from 'node:crypto';
import { createSession, postJson, seatLabels } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { runLoad, type LoadRequest, type LoadResult } from '../lib/http-load';
import type { Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';

/** A pool of seats no connection is using: a connection takes one to reserve and gives it back after cancel. */
export class SeatPool {
  private readonly free: string[];
  constructor(labels: readonly string[]) {
    this.free = [...labels];
  }
  take(): string | undefined {
    if (this.free.length === 0) return undefined;
    const i = Math.floor(Math.random() * this.free.length);
    const last = this.free.pop() as string;
    if (i >= this.free.length) return last;
    const s = this.free[i];
    this.free[i] = last;
    return s;
  }
  give(seat: string): void {
    this.free.push(seat);
  }
}

export interface WriteLoop {
  readonly sessionId: string;
  readonly pool: SeatPool;
}

/** Bearer-token headers for a user (the token-authenticated variants); none in open mode. */
export type AuthHeaders = (userId: string) => Readonly<Record<string, string>>;
const noAuth: AuthHeaders = () => ({});

export async function newWriteLoop(ctx: Ctx, t: Target, admin: Readonly<Record<string, string>> = {}): Promise<WriteLoop> {
  // Comparator (a) has no sessions: it answers every request with its constant, whatever the session id.
  const sessionId = t.name.startsWith('bare')
    ? randomUUID()
    : await createSession(t.service.url, ctx.cfg.seats, ctx.cfg.seatsPerRow, 'Steady writes', admin);
  return { sessionId, pool: new SeatPool(seatLabels(ctx.cfg.seats, ctx.cfg.seatsPerRow)) };
}

/**
 * Reserve-then-cancel on `loop`'s session. The same requests go to comparator (a), which answers all of them with
 * its constant. Holds left open by the stop are cancelled afterwards (not measured).
 */
export async function reserveCancel(
  t: Target,
  loop: WriteLoop,
  opts: { connections: number; durationMs: number; rate?: number },
  auth: AuthHeaders = noAuth,
): Promise<LoadResult> {
  const { sessionId, pool } = loop;
  const open = new Map<number, { id: string; seat: string; userId: string }>();
  const result = await runLoad({
    port: t.service.port,
    connections: opts.connections,
    durationMs: opts.durationMs,
    rate: opts.rate,
    next(conn): LoadRequest | null {
      const userId = `writer-${conn.index}`;
      const held = open.get(conn.index);
      if (held) {
        return { method: 'POST', path: `/reservations/${held.id}/cancel`, body: JSON.stringify({ userId }), tag: 'cancel', headers: auth(userId) };
      }
      const seat = pool.take();
      if (!seat) return null;
      conn.data.seat = seat;
      return {
        method: 'POST',
        path: '/reservations',
        body: JSON.stringify({ sessionId, seatNumbers: [seat], userId }),
        tag: 'reserve',
        wantBody: true,
        headers: auth(userId),
      };
    },
    onResponse(conn, req, res) {
      if (req.tag === 'reserve') {
        const seat = conn.data.seat as string;
        if (res.status === 201 || res.status === 200) {
          const body = JSON.parse(res.body as string) as { id: string };
          open.set(conn.index, { id: body.id, seat, userId: `writer-${conn.index}` });
        } else {
          pool.give(seat);
        }
      } else {
        const held = open.get(conn.index);
        open.delete(conn.index);
        if (held) pool.give(held.seat);
      }
    },
  });
  for (const held of open.values()) {
    await postJson(`${t.service.url}/reservations/${held.id}/cancel`, { userId: held.userId }, auth(held.userId)).catch(() => undefined);
    pool.give(held.seat);
  }
  return result;
}

export interface WriteRun {
  readonly target: string;
  readonly rps: number;
  readonly ok: number;
  readonly notOk: Record<string, number>;
  readonly completed: number;
  readonly reserve: { p50: number; p99: number };
  readonly cancel: { p50: number; p99: number };
  readonly timeline: number[];
  readonly cost: PhaseCost;
}

export function toRun(t: Target, result: LoadResult, cost: PhaseCost): WriteRun {
  const ok = Object.entries(result.byStatus).filter(([s]) => s.startsWith('2')).reduce((a, [, n]) => a + n, 0);
  const lat = (tag: string) => ({
    p50: result.byTag[tag]?.latency.p50 ?? Number.NaN,
    p99: result.byTag[tag]?.latency.p99 ?? Number.NaN,
  });
  return {
    target: t.name,
    rps: round(ok / (result.elapsedMs / 1000)),
    ok,
    notOk: Object.fromEntries(Object.entries(result.byStatus).filter(([s]) => !s.startsWith('2'))),
    completed: result.completed,
    reserve: lat('reserve'),
    cancel: lat('cancel'),
    timeline: result.timeline,
    cost,
  };
}

export async function steadyWrites(
  ctx: Ctx,
  bare: Target,
  ours: Target[],
): Promise<{ result: ScenarioResult; maxRate: Map<string, number> }> {
  const { cfg } = ctx;
  const all = [bare, ...ours];
  for (const t of all) {
    ctx.log(`s2 warm-up ${t.name}`);
    await reserveCancel(t, await newWriteLoop(ctx, t), { connections: cfg.writeConnections, durationMs: cfg.warmupSeconds * 1000 });
  }
  const rounds: { round: number; runs: WriteRun[] }[] = [];
  for (let r = 1; r <= cfg.rounds; r++) {
    const runs: WriteRun[] = [];
    for (const t of all) {
      // A fresh session each round: a live session slows down as its history grows (see the aging figure), so
      // rounds on one session would not be comparable.
      const loop = await newWriteLoop(ctx, t);
      const { result, cost } = await measured(t, () =>
        reserveCancel(t, loop, { connections: cfg.writeConnections, durationMs: cfg.phaseSeconds * 1000 }),
      );
      const run = toRun(t, result, cost);
      ctx.log(`s2 round ${r} ${t.name}: ${run.rps} ok req/s, reserve p99 ${run.reserve.p99} ms, not ok ${JSON.stringify(run.notOk)}, server ${cost.serverCores} cores`);
      runs.push(run);
    }
    rounds.push({ round: r, runs });
  }
  const runsOf = (t: Target) => rounds.map((x) => x.runs.find((y) => y.target === t.name) as WriteRun);
  const bareRuns = runsOf(bare);
  const figures: Figure[] = ours.map((t) => {
    const mine = runsOf(t);
    return {
      id: `s2.throughput.${t.storage === 'embedded' ? 'embedded' : 'pg'}`,
      label: `Durable reserve+cancel requests per second, ${t.label} / bare express constant (a)`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => m.rps / bareRuns[i].rps)),
      comparator: bare.label,
      context: `${spread(mine.map((m) => m.rps)).median} vs ${spread(bareRuns.map((m) => m.rps)).median} req/s`,
    };
  });
  // Aging: answers in the last two whole seconds of a phase / in seconds 1-2 (second 0 holds the connects). On a
  // fresh session the service's history grows during the phase; (a) has none, so its ratio is the noise floor.
  const aging = (m: WriteRun) => {
    const tl = m.timeline.slice(0, cfg.phaseSeconds);
    if (tl.length < 5) return Number.NaN;
    return (tl[tl.length - 1] + tl[tl.length - 2]) / (tl[1] + tl[2]);
  };
  for (const t of ours) {
    const mine = runsOf(t);
    figures.push({
      id: `s2.aging.${t.storage === 'embedded' ? 'embedded' : 'pg'}`,
      label: `Aging within a ${cfg.phaseSeconds}-s phase on a fresh session: answers/s in its last 2 s / in seconds 1-2, ${t.label} / same for (a)`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => aging(m) / aging(bareRuns[i]))),
      comparator: bare.label,
      context: `ours last/first ${spread(mine.map(aging)).median}, (a) ${spread(bareRuns.map(aging)).median}`,
    });
  }
  const maxRate = new Map<string, number>();
  for (const t of ours) maxRate.set(t.name, spread(runsOf(t).map((m) => m.rps)).median);
  const timelines = all.map((t) => `${t.label}: ${runsOf(t).map((m) => `[${m.timeline.join(' ')}]`).join(' ')}`);
  return {
    maxRate,
    result: {
      id: 's2',
      title: 'Scenario 2: steady writes (reserve then cancel)',
      figures,
      checks: [],
      notes: [
        `${cfg.writeConnections} connections, each reserving one free seat then cancelling it, on a fresh ${cfg.seats}-seat session per target and round, ${cfg.phaseSeconds} s per round.`,
        'Answers per second of the run, per round (all targets, reserve and cancel together): ' + timelines.join('; '),
      ],
      rounds,
      table: {
        header: ['target', 'ok req/s', 'reserve p50/p99 ms', 'cancel p50/p99 ms', 'not 2xx', ...COST_HEADER],
        rows: all.map((t) => {
          const rs = runsOf(t);
          return [
            t.label,
            fmtRange(rs.map((x) => x.rps), 0),
            `${fmtRange(rs.map((x) => x.reserve.p50), 1)} / ${fmtRange(rs.map((x) => x.reserve.p99), 1)}`,
            `${fmtRange(rs.map((x) => x.cancel.p50), 1)} / ${fmtRange(rs.map((x) => x.cancel.p99), 1)}`,
            rs.map((x) => JSON.stringify(x.notOk)).join(' '),
            ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.completed)),
          ];
        }),
      },
    },
  };
}

interface PacedRun {
  readonly target: string;
  readonly cost: PhaseCost;
  readonly completed: number;
  readonly offered: number;
  readonly achieved: number;
  readonly reserveP99: number;
  readonly reserveP50: number;
  readonly reserveP99FromSchedule: number;
  readonly dropped: number;
  readonly notOk: Record<string, number>;
}

/** Reserve latency at 70 % of the service's measured maximum, against (a) at the same offered rate. */
export async function latencyAt70(
  ctx: Ctx,
  bare: Target,
  ours: Target,
  maxRate: number,
): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const rate = Math.max(10, Math.round(maxRate * 0.7));
  const rounds: { round: number; runs: PacedRun[] }[] = [];
  const connections = Math.max(64, cfg.writeConnections * 2);
  for (let r = 1; r <= cfg.rounds; r++) {
    const runs: PacedRun[] = [];
    for (const t of [bare, ours]) {
      const loop = await newWriteLoop(ctx, t);
      const { result: res, cost } = await measured(t, () =>
        reserveCancel(t, loop, { connections, durationMs: cfg.phaseSeconds * 1000, rate }),
      );
      const reserve = res.byTag.reserve;
      const run: PacedRun = {
        target: t.name,
        cost,
        completed: res.completed,
        offered: rate,
        achieved: round(res.completed / (res.elapsedMs / 1000)),
        reserveP50: reserve?.latency.p50 ?? Number.NaN,
        reserveP99: reserve?.latency.p99 ?? Number.NaN,
        reserveP99FromSchedule: reserve?.latencyFromSchedule?.p99 ?? Number.NaN,
        dropped: res.dropped,
        notOk: Object.fromEntries(Object.entries(res.byStatus).filter(([s]) => !s.startsWith('2'))),
      };
      ctx.log(`p99@70% round ${r} ${t.name}: offered ${rate}/s achieved ${run.achieved}/s, reserve p99 ${run.reserveP99} ms (from schedule ${run.reserveP99FromSchedule} ms)`);
      runs.push(run);
    }
    rounds.push({ round: r, runs });
  }
  const mine = rounds.map((x) => x.runs[1]);
  const base = rounds.map((x) => x.runs[0]);
  return {
    id: 'p99',
    title: 'Reserve latency at 70 % of the maximum rate',
    figures: [
      {
        id: 'p99.reserve.pg',
        label: `Reserve p99 at ${rate} req/s (70 % of max), ${ours.label}`,
        unit: 'ms',
        spread: spread(mine.map((m) => m.reserveP99)),
        comparator: bare.label,
        context: `(a) at the same rate: p99 ${spread(base.map((m) => m.reserveP99)).median} ms; ours from scheduled arrival: p99 ${spread(mine.map((m) => m.reserveP99FromSchedule)).median} ms`,
      },
      {
        id: 'p99.ratio.pg',
        label: `Reserve p99 at the same offered rate, ${ours.label} / bare express constant (a) (lower = closer)`,
        unit: 'ratio',
        spread: spread(mine.map((m, i) => m.reserveP99 / base[i].reserveP99)),
        comparator: bare.label,
      },
    ],
    checks: [],
    notes: [
      `Offered rate ${rate} requests/s (reserve and cancel together) = 70 % of the median maximum of scenario 2 (${maxRate} req/s), paced evenly over ${connections} connections (open loop), ${cfg.phaseSeconds} s per round, a fresh session each time.`,
      'p99 "from scheduled arrival" also counts time a request waited in the client for a free connection (no coordinated omission).',
    ],
    rounds,
    table: {
      header: ['target', 'offered/s', 'achieved/s', 'reserve p50 ms', 'reserve p99 ms', 'p99 from schedule ms', 'dropped arrivals', 'not 2xx', ...COST_HEADER],
      rows: [bare, ours].map((t, k) => {
        const rs = rounds.map((x) => x.runs[k]);
        return [
          t.label,
          String(rate),
          fmtRange(rs.map((x) => x.achieved), 0),
          fmtRange(rs.map((x) => x.reserveP50), 1),
          fmtRange(rs.map((x) => x.reserveP99), 1),
          fmtRange(rs.map((x) => x.reserveP99FromSchedule), 1),
          rs.map((x) => x.dropped).join('/'),
          rs.map((x) => JSON.stringify(x.notOk)).join(' '),
          ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.completed)),
        ];
      }),
    },
  };
}
