/**
 * Scenario 12, live seat map fan-out (only with KAFKA_BROKERS and REDIS_URL): 2,000 availability streams (SSE) open
 * on instance 2 while an on-sale sells a 2000-seat session owned by instance 1 (64 connections holding 1-4 free
 * seats each, through instance 1). Instance 2 learns each change from the events topic and sends it to every stream.
 *
 * Streams open with `Last-Event-ID` = the session's current version, so none starts with a 144 kB snapshot. The bench
 * reads each stream on a raw socket and notes only the ids (versions) and when they arrive; a coalesced snapshot
 * counts for every version it jumps over. Figures: VmRSS of instance 2 before and with the streams (peak during the
 * on-sale), its CPU per wall second during the on-sale, and per committed version the time from its commit to its
 * arrival on the last of the streams (commit = `created_at` of its outbox row, the commit statement's start, so the
 * figure is an upper bound by the commit's own duration; same machine clock).
 */
import net from 'node:net';
import { getJson, seatLabels } from '../lib/api';
import type { Ctx } from '../lib/context';
import { runLoad } from '../lib/http-load';
import { processCpuSeconds, rssBytes, sleep, type Service } from '../lib/procs';
import type { ScenarioResult } from '../lib/results';
import { round, spread, summarizeLatencies } from '../lib/stats';
import type { BenchCluster } from './cluster-instances';
import { SeatPool } from './s2-steady-writes';
import { ownedSession } from './s10-cluster-reads';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000);
const ID_LINE = Buffer.from('\nid: ');

/** Every stream's arrivals: `last[v]` the latest arrival of version v on any stream, `count[v]` how many streams got it. */
class Arrivals {
  readonly last: number[] = [];
  readonly count: number[] = [];
  reached(from: number, to: number, at: number): void {
    for (let v = from + 1; v <= to; v++) {
      this.last[v] = Math.max(this.last[v] ?? 0, at);
      this.count[v] = (this.count[v] ?? 0) + 1;
    }
  }
}

function openStream(svc: Service, sessionId: string, since: number, arrivals: Arrivals): Promise<{ version: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    let version = since;
    let carry: Buffer = Buffer.alloc(0);
    const socket = net.connect(svc.port, '127.0.0.1', () => {
      socket.write(`GET /sessions/${sessionId}/availability/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nLast-Event-ID: ${since}\r\n\r\n`);
    });
    let headers = true;
    socket.on('data', (chunk: Buffer) => {
      const at = Date.now();
      let data: Buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      if (headers) {
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return void (carry = data);
        if (!data.subarray(0, 12).toString('latin1').includes(' 200')) {
          socket.destroy();
          return reject(new Error(`stream answered ${data.subarray(0, 40).toString('latin1')}`));
        }
        headers = false;
        resolve({ version: () => version, close: () => socket.destroy() });
        data = data.subarray(end + 2);
      }
      for (let i = data.indexOf(ID_LINE); i >= 0; i = data.indexOf(ID_LINE, i + 1)) {
        const eol = data.indexOf(10, i + ID_LINE.length);
        if (eol < 0) break;
        const v = Number(data.subarray(i + ID_LINE.length, eol).toString('latin1'));
        if (v > version) {
          arrivals.reached(version, v, at);
          version = v;
        }
      }
      const cut = data.lastIndexOf(10);
      carry = Buffer.from(data.subarray(Math.max(0, cut))); // the unfinished line, with the newline before it
    });
    socket.on('error', reject);
  });
}

export async function streamFanout(ctx: Ctx, cluster: BenchCluster): Promise<ScenarioResult> {
  const [owner, viewer] = cluster.instances;
  const seats = 2000;
  const sessionId = await ownedSession(owner, seats, 20, 'Fan-out');
  const doc = await getJson<{ version: number }>(`${viewer.url}/sessions/${sessionId}/availability`);
  const since = doc.body.version;
  const rssBefore = rssBytes(viewer.pid);
  const arrivals = new Arrivals();
  const streams = [];
  for (let k = 0; k < STREAMS; k += 100) {
    streams.push(...(await Promise.all(Array.from({ length: Math.min(100, STREAMS - k) }, () => openStream(viewer, sessionId, since, arrivals)))));
  }
  await sleep(1_000);
  const rssOpen = rssBytes(viewer.pid);
  let rssPeak = rssOpen;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(viewer.pid))), 200);
  const cpu0 = processCpuSeconds(viewer.pid);
  const ownerCpu0 = processCpuSeconds(owner.pid);
  const client0 = process.cpuUsage();
  const t0 = Date.now();
  const pool = new SeatPool(seatLabels(seats, 20).filter((s) => s !== 'A1'));
  const load = await runLoad({
    port: owner.port,
    connections: 64,
    durationMs: 60_000,
    next(conn) {
      const want = 1 + Math.floor(Math.random() * 4);
      const picked: string[] = [];
      for (let i = 0; i < want; i++) {
        const s = pool.take();
        if (s) picked.push(s);
      }
      if (picked.length === 0) return null;
      return { method: 'POST', path: '/reservations', tag: 'reserve', body: JSON.stringify({ sessionId, seatNumbers: picked, userId: `fan-${conn.index}` }) };
    },
  });
  const saleS = (Date.now() - t0) / 1000;
  const rows = await cluster.db.query<{ v: number; at: number }>(
    `SELECT (payload->>'version')::int AS v, extract(epoch FROM created_at) * 1000 AS at FROM outbox WHERE session_id = $1 AND payload->>'version' IS NOT NULL`,
    [sessionId],
  );
  const final = Math.max(...rows.map((r) => Number(r.v)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && streams.some((s) => s.version() < final)) await sleep(100);
  const drainedS = (Date.now() - t0) / 1000;
  const viewerCpu = processCpuSeconds(viewer.pid) - cpu0;
  const ownerCpu = processCpuSeconds(owner.pid) - ownerCpu0;
  const client = process.cpuUsage(client0);
  clearInterval(sampler);
  const behind = streams.filter((s) => s.version() < final).length;
  for (const s of streams) s.close();
  const latencies = rows.filter((r) => r.v > since && arrivals.count[r.v] === STREAMS).map((r) => arrivals.last[r.v] - Number(r.at));
  const missing = rows.filter((r) => r.v > since && arrivals.count[r.v] !== STREAMS).length;
  const lat = summarizeLatencies(latencies);
  const mib = (b: number) => round(b / 2 ** 20, 1);
  ctx.log(`s12 ${STREAMS} streams: commit -> last stream p50 ${lat.p50} ms p99 ${lat.p99} ms; RSS ${mib(rssBefore)} -> ${mib(rssOpen)} -> peak ${mib(rssPeak)} MiB`);
  const round1 = {
    streams: STREAMS, versions: final - since, holds: load.byStatus['201'] ?? 0, saleS: round(saleS, 1), drainedS: round(drainedS, 1),
    rssBeforeMiB: mib(rssBefore), rssOpenMiB: mib(rssOpen), rssPeakMiB: mib(rssPeak),
    viewerCores: round(viewerCpu / drainedS), ownerCores: round(ownerCpu / drainedS), lastStream: lat, behind, missing,
    clientCores: round((client.user + client.system) / 1e6 / drainedS),
  };
  return {
    id: 's12',
    title: `Scenario 12: ${STREAMS} live seat map streams on one instance during an on-sale`,
    figures: [
      { id: 's12.lastStream.p99', label: `Commit → the change on the last of ${STREAMS} streams, p99`, unit: 'ms', spread: spread([lat.p99]), context: `p50 ${lat.p50} ms, max ${lat.max} ms over ${lat.count} versions` },
      { id: 's12.rss.peak', label: `VmRSS of the streaming instance with ${STREAMS} streams, peak during the on-sale`, unit: 'MiB', spread: spread([mib(rssPeak)]), context: `${mib(rssBefore)} MiB before the streams, ${mib(rssOpen)} MiB with them open` },
      { id: 's12.cpu', label: 'CPU of the streaming instance during the on-sale (cores = CPU-seconds per second)', unit: 'cores', spread: spread([round1.viewerCores]), context: `the owner: ${round1.ownerCores} cores; the bench process (load and 2,000 stream readers): ${round1.clientCores} cores` },
    ],
    checks: [
      { label: 'fan-out: every stream reached the last committed version', ok: behind === 0, detail: `${behind} of ${STREAMS} behind version ${final}` },
      { label: 'fan-out: every version reached every stream', ok: missing === 0, detail: `${missing} of ${final - since} versions missed by some stream` },
    ],
    notes: [
      `${STREAMS} streams opened on instance 2 (not the owner) with Last-Event-ID; on-sale through instance 1: 64 connections, 1-4 free seats per hold, ${round1.holds} holds, ${round1.versions} versions in ${round1.saleS} s (all streams current after ${round1.drainedS} s). Clock for the latency: the outbox row's created_at (Postgres, same machine) to the bench's socket read.`,
    ],
    rounds: [round1],
    table: {
      header: ['streams', 'versions', 'on-sale s', 'RSS before / open / peak MiB', 'streaming instance cores', 'owner cores', 'bench client cores', 'commit → last stream p50 / p99 ms'],
      rows: [[String(STREAMS), String(round1.versions), String(round1.saleS), `${round1.rssBeforeMiB} / ${round1.rssOpenMiB} / ${round1.rssPeakMiB}`, String(round1.viewerCores), String(round1.ownerCores), String(round1.clientCores), `${lat.p50} / ${lat.p99}`]],
    },
  };
}
