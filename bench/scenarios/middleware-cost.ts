/**
 * Middleware cost: what a refused hold costs, layer by layer (`--only=mw`). The same request as scenario 3's hot seat
 * (POST /reservations for seat A1, a JSON body) against a ladder of servers, each adding one per-request layer of
 * the service to the one before (bench/middleware-server.ts): bare Express answering a constant (comparator (a)), the
 * 409 problem+json of a refusal instead, the request id, the exchange record (HTTP metrics), the request scope
 * (AsyncLocalStorage), authentication (open mode), the rate limit (memory store), then the service's whole HTTP
 * layer (every route, validation, the idempotency wrapper) over a service that refuses at once, and last the real
 * service on Postgres refusing a taken seat (its session actor). Logging (a log line per request, LOG_LEVEL=http) is
 * measured as a toggle on the exchange record. Reports the server's CPU per answer for each rung and what each adds.
 */
import { dirname, resolve } from 'node:path';
import { createSession } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { fmtRange } from '../lib/format';
import { runLoad } from '../lib/http-load';
import { startService } from '../lib/procs';
import type { Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';

interface Rung {
  readonly id: string;
  readonly label: string;
  /** The middleware server's layers; absent for the real service. */
  readonly layers?: string;
}

const LADDER: readonly Rung[] = [
  { id: 'bare', label: 'bare express, constant 201 (a)', layers: 'constant' },
  { id: 'refusal', label: '+ 409 problem+json instead of the constant', layers: 'none' },
  { id: 'id', label: '+ request id (X-Request-Id)', layers: 'id' },
  { id: 'record', label: '+ exchange record (HTTP metrics)', layers: 'id,record' },
  { id: 'scope', label: '+ request scope (AsyncLocalStorage)', layers: 'id,record,scope' },
  { id: 'auth', label: '+ authentication (open mode)', layers: 'id,record,scope,auth' },
  { id: 'rate-limit', label: '+ rate limit (memory store)', layers: 'id,record,scope,auth,rate-limit' },
  { id: 'app', label: '= the whole HTTP layer (createApp, every route), service refusing at once', layers: 'app' },
  { id: 'service', label: '= the service (Postgres), session actor refusing a taken seat' },
];
/** Not a rung: logging on, against the `record` rung. */
const LOGGING: Rung = { id: 'log', label: 'toggle: a log line per request (LOG_LEVEL=http), on top of the exchange record', layers: 'id,record,log' };

interface Measurement {
  readonly rung: string;
  readonly rps: number;
  readonly cpuMsPerAnswer: number;
  readonly statuses: Record<string, number>;
  readonly cost: PhaseCost;
}

async function startRung(ctx: Ctx, rung: Rung): Promise<Target> {
  const name = `mw-${rung.id}`;
  const service = await startService({
    name,
    // The copy next to the run's copy of src/ (bench/run.ts), so that it runs the same middleware as the service.
    script: resolve(dirname(ctx.serviceEntry), '..', 'bench', 'middleware-server.ts'),
    args: [rung.layers as string],
    cwd: ctx.root,
    logDir: ctx.logDir,
    readyPath: rung.layers === 'app' ? '/health/live' : '/health',
    env: {},
  });
  return { kind: 'bare', name, label: rung.label, service };
}

/** One closed-loop phase of hot-seat requests; CPU per answer of the server process. */
async function phase(ctx: Ctx, rung: Rung, t: Target, sessionId: string, seconds: number): Promise<Measurement> {
  let n = 0;
  const { result, cost } = await measured(t, () =>
    runLoad({
      port: t.service.port,
      connections: ctx.cfg.writeConnections,
      durationMs: seconds * 1000,
      next: (conn) => ({
        method: 'POST',
        path: '/reservations',
        body: JSON.stringify({ sessionId, seatNumbers: ['A1'], userId: `fan-${conn.index}-${n++}` }),
        tag: 'reserve',
      }),
    }),
  );
  return {
    rung: rung.id,
    rps: round(result.rps),
    cpuMsPerAnswer: round((cost.serverCpuS * 1000) / Math.max(1, result.completed), 4),
    statuses: result.byStatus,
    cost,
  };
}

export async function middlewareCosts(ctx: Ctx, service: Target): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const rungs = [...LADDER, LOGGING];
  const targets = new Map<string, Target>();
  for (const rung of rungs) targets.set(rung.id, rung.layers === undefined ? service : await startRung(ctx, rung));
  // The service's hot seat: a fresh session whose A1 is taken once, so that every request after it is refused.
  const sessionId = await createSession(service.service.url, cfg.seats, cfg.seatsPerRow, 'Refusal cost');
  const rounds: { round: number; runs: Measurement[] }[] = [];
  try {
    for (const rung of rungs) {
      ctx.log(`mw warm-up ${rung.id}`);
      await phase(ctx, rung, targets.get(rung.id) as Target, sessionId, cfg.warmupSeconds);
    }
    for (let r = 1; r <= cfg.rounds; r++) {
      const runs: Measurement[] = [];
      for (const rung of rungs) {
        const m = await phase(ctx, rung, targets.get(rung.id) as Target, sessionId, cfg.shortPhaseSeconds);
        ctx.log(`mw round ${r} ${rung.id}: ${m.rps} answers/s, ${m.cpuMsPerAnswer} ms CPU per answer`);
        runs.push(m);
      }
      rounds.push({ round: r, runs });
    }
  } finally {
    for (const t of targets.values()) if (t !== service) await t.service.stop();
  }

  const cpuOf = (id: string) => rounds.map((x) => (x.runs.find((m) => m.rung === id) as Measurement).cpuMsPerAnswer);
  const median = (id: string) => spread(cpuOf(id)).median;
  const bare = median('bare');
  const perRound = (id: string) => rounds.map((x, i) => (x.runs.find((m) => m.rung === id) as Measurement).cpuMsPerAnswer / cpuOf('bare')[i]);
  const ratioTo = (rung: string, id: string, label: string): Figure => ({
    id,
    label,
    unit: 'ratio',
    spread: spread(perRound(rung)),
    comparator: LADDER[0].label,
    context: `${median(rung)} vs ${bare} ms CPU per answer`,
  });
  const figures: Figure[] = [
    ratioTo('service', 'mw.refusal.cpu', 'CPU per refused hold (the service, Postgres) / CPU per bare express constant answer, same requests and connections'),
    ratioTo('app', 'mw.http.cpu', 'CPU per refusal of the whole HTTP layer (no actor) / CPU per bare express constant answer'),
  ];
  const rows = rungs.map((rung, i) => {
    const before = rung === LOGGING ? 'record' : LADDER[i - 1]?.id;
    const runs = rounds.map((x) => x.runs.find((m) => m.rung === rung.id) as Measurement);
    const added = before ? round(median(rung.id) - median(before), 4) : 0;
    return [
      rung.label,
      fmtRange(runs.map((m) => m.rps), 0),
      fmtRange(cpuOf(rung.id), 4),
      before && !rung.label.startsWith('=') ? `${added >= 0 ? '+' : ''}${added}` : rung.label.startsWith('=') ? `(${round(median(rung.id) - bare, 4)} over bare)` : '',
      `${round(median(rung.id) / bare, 2)}×`,
      Object.entries(runs[runs.length - 1].statuses).map(([s, c]) => `${s}: ${c}`).join(', '),
    ];
  });
  return {
    id: 'mw',
    title: 'Middleware cost: what a refused hold costs, layer by layer',
    figures,
    checks: [],
    notes: [
      `${cfg.writeConnections} connections, closed loop, POST /reservations for seat A1 (scenario 3's request), ${cfg.shortPhaseSeconds} s per rung and round; CPU of the server process from /proc per answer.`,
      'Each "+" rung adds one layer of the service to the rung above it (bench/middleware-server.ts, built from the service\'s own middleware, in createApp\'s order); "=" rungs are whole stacks. Differences of a few µs are within the noise of a shared machine.',
    ],
    rounds,
    table: { header: ['rung', 'answers/s', 'server CPU ms/answer', 'added ms', 'vs bare', 'statuses (last round)'], rows },
  };
}
