/**
 * Scenario 10, availability reads across the cluster (only with KAFKA_BROKERS and REDIS_URL): three instances, one
 * 2000-seat session owned by instance 1.
 * - Throughput: the same 32 connections reading the session's availability, all on the owner (one instance serving
 *   every read) or split over the three instances (round-robin: the non-owners answer from their read models),
 *   alternating round by round. Figures: answers/s per instance, three / one; and answers per CPU-second of the
 *   servers, three / one (on a machine with fewer cores than instances, the first is capped by the cores).
 * - Staleness: one-seat holds answered 201 by instance 1, one every 25 ms, while a poller on each other instance
 *   reads the document back to back (If-None-Match, so an unchanged document costs a 304). Staleness = when the first
 *   poll sent after the 201 answers with the seat RESERVED − the 201; includes up to one poll round trip.
 */
import { cpus } from 'node:os';
import { getText, postJson, scrapeMetrics } from '../lib/api';
import type { Ctx } from '../lib/context';
import { runLoad, type LoadResult } from '../lib/http-load';
import { machineCpuSample, processCpuSeconds, sleep, type Service } from '../lib/procs';
import type { Figure, ScenarioResult } from '../lib/results';
import { round, spread, summarizeLatencies } from '../lib/stats';
import type { BenchCluster } from './cluster-instances';

/** Creates a session on `owner` and makes it the owner with a first hold (version 1). */
export async function ownedSession(owner: Service, seats: number, seatsPerRow: number, name: string): Promise<string> {
  const created = await postJson<{ id: string }>(`${owner.url}/sessions`, {
    movieName: name,
    startTime: '2030-06-01T20:00:00Z',
    roomNumber: '1',
    ticketPrice: 25,
    numberOfSeats: seats,
    seatsPerRow,
  });
  if (created.status !== 201) throw new Error(`POST /sessions answered ${created.status}`);
  const held = await postJson(`${owner.url}/reservations`, { sessionId: created.body.id, seatNumbers: ['A1'], userId: 'owner' });
  if (held.status !== 201) throw new Error(`the first hold on the owner answered ${held.status}`);
  return created.body.id;
}

const metricDelta = (before: Map<string, number>, after: Map<string, number>, key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

async function readPhase(instances: Service[], sessionId: string, connections: number, durationMs: number) {
  const path = `/sessions/${sessionId}/availability`;
  const cpu0 = instances.map((s) => processCpuSeconds(s.pid));
  const m0 = machineCpuSample();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const per = Math.ceil(connections / instances.length);
  const loads: LoadResult[] = await Promise.all(
    instances.map((s) => runLoad({ port: s.port, connections: per, durationMs, next: () => ({ method: 'GET', path, tag: 'read' }) })),
  );
  const wallS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const m1 = machineCpuSample();
  const serverCpuS = instances.reduce((n, s, i) => n + processCpuSeconds(s.pid) - cpu0[i], 0);
  const answered = loads.reduce((n, l) => n + (l.byStatus['200'] ?? 0), 0);
  const rps = loads.reduce((n, l) => n + (l.byStatus['200'] ?? 0) / (l.elapsedMs / 1000), 0);
  return {
    instances: instances.length,
    rps: round(rps, 0),
    perCpuS: round(answered / serverCpuS, 0),
    serverCores: round(serverCpuS / wallS),
    clientCores: round((c1.user + c1.system) / 1e6 / wallS),
    machineBusy: round((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)),
    p99Ms: round(Math.max(...loads.map((l) => l.byTag.read?.latency.p99 ?? Number.NaN)), 1),
    non200: loads.reduce((n, l) => n + l.completed - (l.byStatus['200'] ?? 0), 0),
  };
}

async function throughput(ctx: Ctx, cluster: BenchCluster) {
  const { cfg } = ctx;
  const [owner] = cluster.instances;
  const sessionId = await ownedSession(owner, cfg.seats, cfg.seatsPerRow, 'Cluster reads');
  for (const s of cluster.instances) await getText(`${s.url}/sessions/${sessionId}/availability`); // load the read models
  const metrics0 = await Promise.all(cluster.instances.map((s) => scrapeMetrics(s.url)));
  await readPhase(cluster.instances, sessionId, cfg.readConnections, cfg.warmupSeconds * 1000);
  const rounds = [];
  for (let r = 0; r < cfg.rounds; r++) {
    const one = () => readPhase([owner], sessionId, cfg.readConnections, cfg.shortPhaseSeconds * 1000);
    const three = () => readPhase(cluster.instances, sessionId, cfg.readConnections, cfg.shortPhaseSeconds * 1000);
    const [a, b] = r % 2 === 0 ? [await one(), await three()] : [await three(), await one()].reverse();
    rounds.push({ round: r + 1, one: a, three: b, perInstance: round(b.rps / 3 / a.rps), total: round(b.rps / a.rps), perCpu: round(b.perCpuS / a.perCpuS) });
    ctx.log(`s10 reads round ${r + 1}: one ${a.rps}/s (${a.serverCores} cores), three ${b.rps}/s (${b.serverCores} cores)`);
  }
  const metrics1 = await Promise.all(cluster.instances.map((s) => scrapeMetrics(s.url)));
  const fallbacks = metrics1.map((m, i) => metricDelta(metrics0[i], m, 'read_model_fallbacks_total'));
  return { rounds, fallbacks };
}

interface Poll {
  readonly sentAt: number;
  readonly answeredAt: number;
  readonly reserved: ReadonlySet<string>;
}

async function poller(url: string, until: () => boolean): Promise<Poll[]> {
  const polls: Poll[] = [];
  let etag: string | undefined;
  let reserved: ReadonlySet<string> = new Set();
  while (!until()) {
    const sentAt = Date.now();
    const res = await fetch(url, { headers: etag ? { 'If-None-Match': etag } : {}, signal: AbortSignal.timeout(10_000) });
    if (res.status === 200) {
      const doc = (await res.json()) as { seats: { seatNumber: string; status: string }[] };
      reserved = new Set(doc.seats.filter((s) => s.status === 'RESERVED').map((s) => s.seatNumber));
      etag = res.headers.get('etag') ?? undefined;
    } else await res.arrayBuffer();
    polls.push({ sentAt, answeredAt: Date.now(), reserved });
  }
  return polls;
}

async function staleness(ctx: Ctx, cluster: BenchCluster) {
  const [owner, ...others] = cluster.instances;
  const sessionId = await ownedSession(owner, 200, 20, 'Staleness');
  const holds = ctx.cfg.quick ? 60 : 150;
  let done = false;
  const polling = others.map((s) => poller(`${s.url}/sessions/${sessionId}/availability`, () => done));
  const answered: { seat: string; at: number }[] = [];
  for (let k = 0; k < holds; k++) {
    const seat = `${String.fromCharCode(66 + Math.floor(k / 20))}${(k % 20) + 1}`; // row A holds the owner's first seat
    const res = await postJson(`${owner.url}/reservations`, { sessionId, seatNumbers: [seat], userId: `st-${k}` });
    if (res.status === 201) answered.push({ seat, at: Date.now() });
    await sleep(25);
  }
  await sleep(1_000);
  done = true;
  const polls = await Promise.all(polling);
  const samples: number[] = [];
  let unseen = 0;
  for (const { seat, at } of answered) {
    for (const list of polls) {
      const first = list.find((p) => p.sentAt >= at && p.reserved.has(seat));
      if (first) samples.push(first.answeredAt - at);
      else unseen++;
    }
  }
  const gaps = polls.flatMap((list) => list.slice(1).map((p, i) => p.sentAt - list[i].sentAt));
  return { holds: answered.length, samples: summarizeLatencies(samples), unseen, pollPeriod: summarizeLatencies(gaps) };
}

export async function clusterReads(ctx: Ctx, cluster: BenchCluster): Promise<ScenarioResult> {
  const reads = await throughput(ctx, cluster);
  const stale = await staleness(ctx, cluster);
  ctx.log(`s10 staleness p50 ${stale.samples.p50} ms, p99 ${stale.samples.p99} ms over ${stale.samples.count} samples`);
  const figure = (id: string, label: string, unit: string, values: number[], context?: string): Figure => ({ id, label, unit, spread: spread(values), context });
  const rs = reads.rounds;
  return {
    id: 's10',
    title: 'Scenario 10: availability reads across three instances',
    figures: [
      figure('s10.reads.perInstance', 'Availability answers/s per instance, three instances round-robin / one instance (the owner) serving all reads', 'ratio', rs.map((r) => r.perInstance),
        `one: ${spread(rs.map((r) => r.one.rps)).median}/s, three: ${spread(rs.map((r) => r.three.rps)).median}/s`),
      figure('s10.reads.perCpu', 'Availability answers per server CPU-second, three instances / one', 'ratio', rs.map((r) => r.perCpu),
        `one: ${spread(rs.map((r) => r.one.perCpuS)).median}, three: ${spread(rs.map((r) => r.three.perCpuS)).median} answers per CPU-second`),
      figure('s10.staleness.p99', 'Staleness p99: from a 201 on instance 1 to RESERVED on instances 2 and 3', 'ms', [stale.samples.p99],
        `p50 ${stale.samples.p50} ms, max ${stale.samples.max} ms, ${stale.samples.count} samples; poll period p50 ${stale.pollPeriod.p50} ms`),
    ],
    checks: [
      { label: 'cluster reads: every read answered 200', ok: rs.every((r) => r.one.non200 === 0 && r.three.non200 === 0), detail: rs.map((r) => `${r.one.non200}/${r.three.non200}`).join(', ') },
      { label: 'staleness: every hold seen RESERVED on both other instances', ok: stale.unseen === 0, detail: `${stale.unseen} of ${stale.holds * 2} not seen` },
    ],
    notes: [
      `${ctx.cfg.readConnections} connections read a ${ctx.cfg.seats}-seat session owned by instance 1: all on instance 1, or ${Math.ceil(ctx.cfg.readConnections / 3)} on each of three instances, ${ctx.cfg.shortPhaseSeconds} s per phase, alternating. The load generator shares the machine's cores with the three servers, so on this ${cpus().length}-core machine three instances cannot each use a core of their own: answers per server CPU-second shows whether a read costs a non-owner more than the owner.`,
      `Reads answered from the committed rows because a read model lagged past READ_MODEL_MAX_LAG_MS during the phases, per instance: ${reads.fallbacks.join(' / ')}.`,
      `Staleness: ${stale.holds} one-seat holds on instance 1 (the owner), 25 ms apart, on a 200-seat session; one back-to-back poller per other instance.`,
    ],
    rounds: [...rs, { staleness: stale }],
    table: {
      header: ['round', 'one instance answers/s', 'cores', 'three instances answers/s', 'cores', 'client cores (three)', 'per instance three / one', 'per CPU-second three / one'],
      rows: rs.map((r) => [String(r.round), String(r.one.rps), String(r.one.serverCores), String(r.three.rps), String(r.three.serverCores), String(r.three.clientCores), String(r.perInstance), String(r.perCpu)]),
    },
  };
}
