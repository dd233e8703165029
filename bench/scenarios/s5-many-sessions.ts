/**
 * Scenario 5, many sessions: a service started with a short SESSION_IDLE_SECONDS creates N sessions of 200 seats
 * (10,000 in the full run), reads each one's availability once (which activates its actor), then stays idle until
 * the actors passivate. Reports the service process's RSS (VmRSS from /proc) and `session_actors_alive` at each
 * step. RSS is not a ratio: it is reported as is, against the 1 GiB target.
 */
import { createSession, getText, mapLimit, scrapeMetrics } from '../lib/api';
import { startOurs, type Ctx } from '../lib/context';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rssBytes, sleep } from '../lib/procs';
import type { Check, Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';

const MiB = 1024 * 1024;

interface Step {
  readonly step: string;
  readonly rssMiB: number;
  readonly actorsAlive: number;
  readonly heapUsedMiB: number;
  readonly atS: number;
}

export async function manySessions(ctx: Ctx, storage: 'postgres' | 'embedded'): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const name = storage === 'postgres' ? 's5-pg' : 's5-embedded';
  // The embedded default gets fewer sessions (--embedded-sessions), so a shorter idle time covers its touching phase.
  const idleSeconds = storage === 'postgres' ? cfg.idleSeconds : Math.min(cfg.idleSeconds, 10);
  const gcFile = join(ctx.rawDir, `${name}-gc.json`);
  const t = await startOurs(ctx, name, storage, { SESSION_IDLE_SECONDS: String(idleSeconds), BENCH_GC_FILE: gcFile }, [
    '--expose-gc',
    '--require',
    './bench/lib/gc-on-signal.cjs',
  ]);
  /** Full GC in the service (SIGUSR2 to the preloaded handler); the heap still used after it is live data. */
  const forceGc = async (): Promise<{ heapUsedAfterMiB: number; heapUsedBeforeMiB: number; rssMiB: number } | undefined> => {
    const sentAt = Date.now();
    process.kill(t.service.pid, 'SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      try {
        const r = JSON.parse(readFileSync(gcFile, 'utf8')) as { at: number; heapUsedBefore: number; heapUsedAfter: number; rssAfter: number };
        if (r.at >= sentAt) {
          return { heapUsedBeforeMiB: round(r.heapUsedBefore / MiB, 1), heapUsedAfterMiB: round(r.heapUsedAfter / MiB, 1), rssMiB: round(r.rssAfter / MiB, 1) };
        }
      } catch {
        // not written yet
      }
    }
    return undefined;
  };
  const steps: Step[] = [];
  const t0 = performance.now();
  const sample = async (step: string) => {
    const m = await scrapeMetrics(t.service.url);
    const s: Step = {
      step,
      rssMiB: round(rssBytes(t.service.pid) / MiB, 1),
      actorsAlive: m.get('session_actors_alive') ?? Number.NaN,
      heapUsedMiB: round((m.get('nodejs_heap_size_used_bytes') ?? Number.NaN) / MiB, 1),
      atS: round((performance.now() - t0) / 1000, 1),
    };
    steps.push(s);
    ctx.log(`s5 ${storage} ${step}: RSS ${s.rssMiB} MiB, actors ${s.actorsAlive}, heap ${s.heapUsedMiB} MiB at ${s.atS}s`);
    return s;
  };
  try {
    await sample('started');
    const count = storage === 'postgres' ? cfg.manySessions : Math.min(cfg.manySessions, cfg.embeddedSessions);
    const ids = await mapLimit(Array.from({ length: count }), 16, () =>
      createSession(t.service.url, cfg.manySessionSeats, 20, 'Many'),
    );
    const created = await sample(`${ids.length} sessions created`);
    const createS = created.atS;
    let bad = 0;
    // Peak RSS and actors while touching (sampled every 250 ms).
    let peakRss = 0;
    let peakActors = 0;
    let touching = true;
    const sampler = (async () => {
      while (touching) {
        peakRss = Math.max(peakRss, rssBytes(t.service.pid));
        const a = (await scrapeMetrics(t.service.url).catch(() => new Map<string, number>())).get('session_actors_alive') ?? 0;
        peakActors = Math.max(peakActors, a);
        await sleep(250);
      }
    })();
    await mapLimit(ids, 32, async (id) => {
      const r = await getText(`${t.service.url}/sessions/${id}/availability`);
      if (r.status !== 200) bad++;
    });
    touching = false;
    await sampler;
    const touched = await sample('each session read once');
    peakRss = Math.max(peakRss, touched.rssMiB * MiB);
    peakActors = Math.max(peakActors, touched.actorsAlive);
    const touchS = round(touched.atS - createS, 1);
    // Passivation: wait for session_actors_alive to reach 0 (idle time + a margin), polling.
    const deadline = performance.now() + (idleSeconds + 60) * 1000;
    let alive = touched.actorsAlive;
    while (alive > 0 && performance.now() < deadline) {
      await sleep(500);
      alive = (await scrapeMetrics(t.service.url)).get('session_actors_alive') ?? Number.NaN;
    }
    const passivatedAt = round((performance.now() - t0) / 1000 - touched.atS, 1);
    await sleep(2000);
    const after = await sample('after passivation (+2 s)');
    const gc = await forceGc();
    if (gc) {
      steps.push({ step: 'after a forced full GC', rssMiB: gc.rssMiB, actorsAlive: after.actorsAlive, heapUsedMiB: gc.heapUsedAfterMiB, atS: round((performance.now() - t0) / 1000, 1) });
      ctx.log(`s5 ${storage} forced GC: heap ${gc.heapUsedBeforeMiB} -> ${gc.heapUsedAfterMiB} MiB, RSS ${gc.rssMiB} MiB`);
    }
    const checks: Check[] = [
      {
        label: `${t.label}: every session's availability answered 200`,
        ok: bad === 0,
        detail: `${ids.length - bad}/${ids.length}`,
      },
      {
        label: `${t.label}: every actor passivated after SESSION_IDLE_SECONDS=${idleSeconds}`,
        ok: after.actorsAlive === 0,
        detail: `session_actors_alive ${touched.actorsAlive} -> ${after.actorsAlive} after ${passivatedAt} s`,
      },
    ];
    const key = storage === 'postgres' ? 'pg' : 'embedded';
    const figures: Figure[] = [
      {
        id: `s5.rss.touched.${key}`,
        label: `RSS right after ${ids.length} sessions were read once each, ${t.label}`,
        unit: 'MiB',
        spread: spread([touched.rssMiB]),
        context: `started at ${steps[0].rssMiB} MiB; ${touched.actorsAlive} actors alive; heap used ${touched.heapUsedMiB} MiB; peak while touching ${round(peakRss / MiB, 1)} MiB with up to ${peakActors} actors`,
      },
      {
        id: `s5.rss.idle.${key}`,
        label: `RSS after passivation, ${t.label}`,
        unit: 'MiB',
        spread: spread([after.rssMiB]),
        context: `${after.actorsAlive} actors alive; heap used ${after.heapUsedMiB} MiB${gc ? `; after a forced full GC: heap ${gc.heapUsedAfterMiB} MiB (started at ${steps[0].heapUsedMiB}), RSS ${gc.rssMiB} MiB` : ''}`,
      },
    ];
    return {
      id: `s5.${key}`,
      title: `Scenario 5: many sessions (${t.label})`,
      figures,
      checks,
      notes: [
        `${ids.length} sessions of ${cfg.manySessionSeats} seats created in ${createS} s and read once each in ${touchS} s (32 concurrent clients; peak ${peakActors} actors alive at once, peak RSS ${round(peakRss / MiB, 1)} MiB); SESSION_IDLE_SECONDS=${idleSeconds}; all actors gone ${passivatedAt} s after the last read. One round (RSS is a level, not a rate).`,
      ],
      rounds: steps,
      table: {
        header: ['step', 'at (s)', 'RSS MiB', 'session_actors_alive', 'V8 heap used MiB'],
        rows: steps.map((s) => [s.step, String(s.atS), String(s.rssMiB), String(s.actorsAlive), String(s.heapUsedMiB)]),
      },
    };
  } finally {
    await t.service.stop();
  }
}
