/**
 * Bottleneck evidence: one separate service instance (Postgres) runs under `node --cpu-prof` through one phase of
 * each workload (scenario 1's sell-out, scenario 2's reserve/cancel, scenario 3's hot seat, scenario 4's reads),
 * each after a warm-up. The profile is written when the instance shuts down; each workload's time window is cut
 * out of it (samples carry CLOCK_MONOTONIC times, the clock of process.hrtime here) and summarized: self time per
 * function, per area (the service's folders, npm packages, node core, GC) and inclusive time of the service's own
 * functions. Not part of any ratio (profiling slows the process down).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scrapeMetrics } from '../lib/api';
import { summarizeProfileDir, type ProfileSummary } from '../lib/cpuprofile';
import { measured, startOurs, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { sellOut } from './s1-hot-onsale';
import { newWriteLoop, reserveCancel } from './s2-steady-writes';
import { hammer } from './s3-hot-seat';

export interface ProfileResult {
  /** "postgres-s1", "embedded-s2"... */
  readonly id?: string;
  readonly workload: string;
  readonly summary?: ProfileSummary;
  readonly cost: PhaseCost;
  readonly throughput: string;
  /** The workload's time window in the profile (CLOCK_MONOTONIC µs), to summarize the raw profile again. */
  readonly window?: { fromUs: number; toUs: number };
  /** Service metrics over the window: commits, batch sizes, holds. */
  readonly metrics?: string;
}

interface Workload {
  readonly id: string;
  readonly title: string;
  readonly warmup: (t: Target) => Promise<unknown>;
  readonly run: (t: Target) => Promise<{ cost: PhaseCost; throughput: string }>;
}

const METRIC_LINES = /^(commit_batch_size_(sum|count)|commit_duration_seconds_(sum|count)|seat_holds_total|seat_holds_rejected_total|reservation_cancellations_total|outbox_events_published_total)$/;

export async function profiles(ctx: Ctx, which: readonly string[]): Promise<ProfileResult[]> {
  const { cfg } = ctx;
  const seconds = cfg.shortPhaseSeconds;
  const all: Workload[] = [
    {
      id: 's1',
      title: 'scenario 1 (one sell-out)',
      warmup: (t) => sellOut(ctx, t, { verify: false }),
      run: async (t) => {
        const { result, cost } = await measured(t, () => sellOut(ctx, t, { verify: false }));
        return { cost, throughput: `${result.seatsPerS} seats/s, ${result.requestsPerS} req/s, sold out ${result.soldOut} in ${result.timeToSellOutS} s` };
      },
    },
    {
      id: 's2',
      title: `scenario 2 (reserve/cancel, ${seconds} s)`,
      warmup: async (t) => reserveCancel(t, await newWriteLoop(ctx, t), { connections: cfg.writeConnections, durationMs: cfg.warmupSeconds * 1000 }),
      run: async (t) => {
        const loop = await newWriteLoop(ctx, t);
        const { result, cost } = await measured(t, () => reserveCancel(t, loop, { connections: cfg.writeConnections, durationMs: seconds * 1000 }));
        return { cost, throughput: `${Math.round(result.rps)} req/s` };
      },
    },
    {
      id: 's3',
      title: `scenario 3 (hot seat, ${seconds} s)`,
      warmup: (t) => hammer(ctx, t, cfg.warmupSeconds),
      run: async (t) => {
        const run = await hammer(ctx, t, seconds);
        return { cost: run.cost, throughput: `${Math.round(run.rps)} answers/s (201: ${run.accepted}, 409: ${run.rejected})` };
      },
    },
    {
      id: 's4',
      title: `scenario 4 (availability reads of an idle ${cfg.seats}-seat session, ${seconds} s)`,
      warmup: async () => undefined,
      run: async (t) => {
        const loop = await newWriteLoop(ctx, t);
        const read = (ms: number) =>
          runLoad({
            port: t.service.port,
            connections: cfg.readConnections,
            durationMs: ms,
            next: () => ({ method: 'GET', path: `/sessions/${loop.sessionId}/availability`, tag: 'read' }),
          });
        await read(cfg.warmupSeconds * 1000);
        const { result, cost } = await measured(t, () => read(seconds * 1000));
        return { cost, throughput: `${Math.round(result.rps)} reads/s` };
      },
    },
  ];
  const results: ProfileResult[] = [];
  const pgWorkloads = all.filter((w) => which.includes(w.id));
  if (pgWorkloads.length > 0) results.push(...(await profileInstance(ctx, 'postgres', pgWorkloads)));
  // The embedded default: the service on the PostgreSQL server it starts itself under DATA_DIR.
  const liteWorkloads = all.filter((w) => which.includes(`embedded-${w.id}`));
  if (liteWorkloads.length > 0) results.push(...(await profileInstance(ctx, 'embedded', liteWorkloads)));
  return results;
}

async function profileInstance(ctx: Ctx, storage: 'postgres' | 'embedded', workloads: Workload[]): Promise<ProfileResult[]> {
  const dir = join(ctx.rawDir, `cpu-profile-${storage}`);
  mkdirSync(dir, { recursive: true });
  const t = await startOurs(ctx, `profiled-${storage}`, storage, {}, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const now = () => Number(process.hrtime.bigint() / 1000n);
  const done: { w: Workload; window: { fromUs: number; toUs: number }; out: { cost: PhaseCost; throughput: string }; metrics: string }[] = [];
  try {
    for (const w of workloads) {
      await w.warmup(t);
      const m0 = await scrapeMetrics(t.service.url);
      const fromUs = now();
      const out = await w.run(t);
      const toUs = now();
      const m1 = await scrapeMetrics(t.service.url);
      const metrics = [...m1.entries()]
        .filter(([k]) => METRIC_LINES.test(k))
        .map(([k, v]) => `${k} ${Math.round((v - (m0.get(k) ?? 0)) * 1000) / 1000}`)
        .join('\n');
      // The reads workload warms up inside run(): its window is the measured phase only.
      const fromUsAdjusted = w.id === 's4' ? toUs - Math.round(out.cost.wallS * 1e6) : fromUs;
      done.push({ w, window: { fromUs: fromUsAdjusted, toUs }, out, metrics });
    }
  } finally {
    await t.service.stop(30_000);
  }
  const label = storage === 'postgres' ? '' : ' on the embedded default';
  return done.map(({ w, window, out, metrics }) => {
    const summary = summarizeProfileDir(dir, ctx.root, window);
    ctx.log(`profile ${storage} ${w.id}: ${summary ? `${summary.busyMs} ms busy; top ${summary.topFunctions.slice(0, 3).map((f) => f.name).join(', ')}` : 'no profile written'}`);
    return { id: `${storage}-${w.id}`, workload: `${w.title}${label}`, window, summary, metrics: `(differences over the window)\n${metrics}`, ...out };
  });
}
