/**
 * Scenario 4, availability reads of a 2000-seat session, against comparator (b): bare Express sending the same
 * document (byte for byte: the bench copies the service's current document into (b) before each round) from
 * memory.
 *   4a: the session is idle.
 *   4b: while scenario 2's reserve/cancel stream, paced at a fixed rate, writes to the very session being read
 *       (every commit changes the document). The same write load runs against the service in the (b) rounds too,
 *       so the machine does the same write work; only where the reads go differs.
 */
import { getText } from '../lib/api';
import { measured, type Ctx, type PhaseCost, type Target } from '../lib/context';
import { runLoad, type LoadResult } from '../lib/http-load';
import type { Figure, ScenarioResult } from '../lib/results';
import { round, spread } from '../lib/stats';
import { COST_HEADER, costColumns, fmtRange } from '../lib/format';
import { newWriteLoop, reserveCancel, type WriteLoop } from './s2-steady-writes';

interface ReadRun {
  readonly target: string;
  readonly mode: 'idle' | 'writes';
  readonly rps: number;
  readonly reads: number;
  readonly notOk: Record<string, number>;
  readonly p50: number;
  readonly p99: number;
  readonly docBytes: number;
  readonly writerRps?: number;
  readonly cost: PhaseCost;
}

function reads(t: Target, sessionId: string, connections: number, durationMs: number): Promise<LoadResult> {
  return runLoad({
    port: t.service.port,
    connections,
    durationMs,
    next: () => ({ method: 'GET', path: `/sessions/${sessionId}/availability`, tag: 'read' }),
  });
}

export async function availabilityReads(
  ctx: Ctx,
  bareDoc: Target,
  ours: Target,
): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const idleLoop = await newWriteLoop(ctx, ours);
  const syncDoc = async (loop: WriteLoop) => {
    const { text } = await getText(`${ours.service.url}/sessions/${loop.sessionId}/availability`);
    const res = await fetch(`${bareDoc.service.url}/__doc`, { method: 'PUT', body: text, headers: { 'content-type': 'text/plain' } });
    if (!res.ok) throw new Error(`PUT /__doc answered ${res.status}`);
    return Buffer.byteLength(text);
  };
  const durationMs = cfg.shortPhaseSeconds * 1000;
  const writerConnections = Math.max(4, Math.floor(cfg.writeConnections / 2));
  const rounds: { round: number; runs: ReadRun[] }[] = [];

  const one = async (t: Target, mode: 'idle' | 'writes'): Promise<ReadRun> => {
    // Under writes: a fresh session each time (a live session slows down as its history grows).
    const loop = mode === 'idle' ? idleLoop : await newWriteLoop(ctx, ours);
    const docBytes = await syncDoc(loop);
    let writer: Promise<LoadResult> | undefined;
    // Paced (open loop) so that both rounds carry the same write work: a closed-loop writer would write less when
    // the reads slow it down, which would leave the service's reads more CPU than (b)'s.
    if (mode === 'writes') {
      writer = reserveCancel(ours, loop, { connections: writerConnections, durationMs: durationMs + 500, rate: cfg.readsWriteRate });
    }
    const { result, cost } = await measured(t, () => reads(t, loop.sessionId, cfg.readConnections, durationMs));
    const w = writer ? await writer : undefined;
    const ok = Object.entries(result.byStatus).filter(([s]) => s === '200').reduce((a, [, n]) => a + n, 0);
    return {
      target: t.name,
      mode,
      rps: round(ok / (result.elapsedMs / 1000)),
      reads: result.completed,
      notOk: Object.fromEntries(Object.entries(result.byStatus).filter(([s]) => s !== '200')),
      p50: result.byTag.read?.latency.p50 ?? Number.NaN,
      p99: result.byTag.read?.latency.p99 ?? Number.NaN,
      docBytes,
      writerRps: w ? round(w.completed / (w.elapsedMs / 1000)) : undefined,
      cost,
    };
  };

  // Warm-up both servers on the read path.
  for (const t of [bareDoc, ours]) {
    await syncDoc(idleLoop);
    await reads(t, idleLoop.sessionId, cfg.readConnections, cfg.warmupSeconds * 1000);
  }
  for (let r = 1; r <= cfg.rounds; r++) {
    const runs: ReadRun[] = [];
    for (const mode of ['idle', 'writes'] as const) {
      for (const t of [bareDoc, ours]) {
        const run = await one(t, mode);
        ctx.log(`s4 round ${r} ${mode} ${t.name}: ${run.rps} reads/s (${run.docBytes} B), p99 ${run.p99} ms, writer ${run.writerRps ?? '-'} req/s, server ${run.cost.serverCores} cores`);
        runs.push(run);
      }
    }
    rounds.push({ round: r, runs });
  }
  const pick = (t: Target, mode: 'idle' | 'writes') =>
    rounds.map((x) => x.runs.find((y) => y.target === t.name && y.mode === mode) as ReadRun);
  const fig = (mode: 'idle' | 'writes'): Figure => {
    const mine = pick(ours, mode);
    const base = pick(bareDoc, mode);
    return {
      id: mode === 'idle' ? 's4.reads.idle' : 's4.reads.writes',
      label:
        mode === 'idle'
          ? `Availability reads per second (idle session), ${ours.label} / bare express availability (b)`
          : `Availability reads per second while scenario 2 writes to the same session, ${ours.label} / (b) under the same write load`,
      unit: 'ratio',
      spread: spread(mine.map((m, i) => m.rps / base[i].rps)),
      comparator: bareDoc.label,
      context: `${spread(mine.map((m) => m.rps)).median} vs ${spread(base.map((m) => m.rps)).median} reads/s of ${spread(mine.map((m) => m.docBytes)).median} B`,
    };
  };
  const rows: string[][] = [];
  for (const mode of ['idle', 'writes'] as const) {
    for (const t of [bareDoc, ours]) {
      const rs = pick(t, mode);
      rows.push([
        `${t.label}${mode === 'writes' ? ', under writes' : ''}`,
        fmtRange(rs.map((x) => x.rps), 0),
        fmtRange(rs.map((x) => x.p50), 1),
        fmtRange(rs.map((x) => x.p99), 1),
        mode === 'writes' ? fmtRange(rs.map((x) => x.writerRps ?? Number.NaN), 0) : '-',
        rs.map((x) => JSON.stringify(x.notOk)).join(' '),
        ...costColumns(rs.map((x) => x.cost), rs.map((x) => x.reads)),
      ]);
    }
  }
  return {
    id: 's4',
    title: 'Scenario 4: availability reads',
    figures: [
      fig('idle'),
      fig('writes'),
      {
        id: 's4.writer',
        label: `Writes achieved (of ${cfg.readsWriteRate}/s offered) while the service also serves the reads / while (b) serves them`,
        unit: 'ratio',
        spread: spread(pick(ours, 'writes').map((m, i) => (m.writerRps ?? Number.NaN) / (pick(bareDoc, 'writes')[i].writerRps ?? Number.NaN))),
        comparator: bareDoc.label,
        context: `${spread(pick(ours, 'writes').map((m) => m.writerRps ?? Number.NaN)).median} vs ${spread(pick(bareDoc, 'writes').map((m) => m.writerRps ?? Number.NaN)).median} write req/s`,
      },
    ],
    checks: [],
    notes: [
      `${cfg.readConnections} reading connections, ${cfg.shortPhaseSeconds} s per phase; the write load is scenario 2's reserve/cancel stream paced at ${cfg.readsWriteRate} requests/s (over ${writerConnections} connections) against the service's session, in both the service and the (b) rounds; "writer req/s" is what it achieved.`,
      'Only the Postgres instance is measured: the document is served from the actor\'s memory, the store does not take part.',
    ],
    rounds,
    table: { header: ['target', 'reads/s', 'p50 ms', 'p99 ms', 'writer req/s', 'not 200', ...COST_HEADER], rows },
  };
}
